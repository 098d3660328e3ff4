# The modern engine (sourced by scripts/test-env.sh): what GitHub's runners run since February 2026 — a
# Docker engine of the 28/29 generation with the containerd image store and BuildKit — from Debian sid
# (docker.io 28.5, containerd 2.1, docker-buildx 0.29), in a debootstrap root of its own, beside (never
# instead of) the primary engine: its own socket, data root, exec root, pid file and cgroup parent.
#
# The clients (docker CLI 28.5 and the buildx plugin) run on the host: they need no newer glibc than
# bookworm's. They are exposed as MODERN_BIN/docker and MODERN_DOCKER_CONFIG/cli-plugins/docker-buildx, so
# only a caller that puts those first (the modern leg of the tests) sees them.

readonly MODERN_SUITE='sid'
readonly MODERN_ROOT="${IH_STATE_DIR}/modern-root"
readonly MODERN_ROOT_CACHE="${IH_CACHE_DIR}/modern-root-${MODERN_SUITE}.tar"
readonly MODERN_RUN='/run/ih-modern' # inside the root
readonly MODERN_SOCKET="${MODERN_ROOT}${MODERN_RUN}/docker.sock"
readonly MODERN_HOST="unix://${MODERN_SOCKET}"
readonly MODERN_PIDFILE="${MODERN_ROOT}${MODERN_RUN}/dockerd.pid"
readonly MODERN_LOG='/tmp/image-hygiene-modern-dockerd.log'
readonly MODERN_BIN='/opt/ih-modern/bin'
readonly MODERN_DOCKER_CONFIG='/opt/ih-modern/docker-config'
readonly MODERN_PACKAGES=(docker.io docker-cli docker-buildx containerd runc ca-certificates)
readonly MODERN_READY_MARK="${MODERN_ROOT}/.image-hygiene-ready"
MODERN_VERSION=''

modern_up() { DOCKER_TIMEOUT=20 docker_on "$MODERN_HOST" info >/dev/null 2>&1; }

# The root, with the engine installed: from the cache when there is one, else debootstrap'd.
make_modern_root() {
  safe_remove "$MODERN_ROOT"
  mkdir -p "$MODERN_ROOT"
  if [[ -s $MODERN_ROOT_CACHE ]]; then
    log "modern engine: unpacking the cached ${MODERN_SUITE} root ${MODERN_ROOT_CACHE}"
    run_logged 'unpack the modern root' tar --numeric-owner -xpf "$MODERN_ROOT_CACHE" -C "$MODERN_ROOT"
    return
  fi
  log "modern engine: debootstrap --variant=minbase ${MODERN_SUITE} (about half a minute)"
  run_logged "debootstrap ${MODERN_SUITE}" debootstrap --variant=minbase "$MODERN_SUITE" "$MODERN_ROOT" "$(apt_mirror)"
  printf '#!/bin/sh\nexit 101\n' >"${MODERN_ROOT}/usr/sbin/policy-rc.d"
  chmod 0755 "${MODERN_ROOT}/usr/sbin/policy-rc.d"
  mount -t proc proc "${MODERN_ROOT}/proc"
  # The mirror may serve a sid Release past its Valid-Until (a snapshot): the packages are still the right ones.
  run_logged "apt-get update (${MODERN_SUITE})" chroot "$MODERN_ROOT" env DEBIAN_FRONTEND=noninteractive \
    apt-get -o Acquire::Check-Valid-Until=false update -q
  run_logged "apt-get install (${MODERN_SUITE})" chroot "$MODERN_ROOT" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${MODERN_PACKAGES[@]}"
  chroot "$MODERN_ROOT" apt-get clean
  umount "${MODERN_ROOT}/proc"
  mkdir -p "${MODERN_ROOT}/etc/docker"
  echo '{"features":{"containerd-snapshotter":true}}' >"${MODERN_ROOT}/etc/docker/daemon.json"
  chroot "$MODERN_ROOT" dpkg-query -W -f '${Package} ${Version}\n' "${MODERN_PACKAGES[@]}" >"$MODERN_READY_MARK"
  mkdir -p "$IH_CACHE_DIR"
  tar --numeric-owner -cpf "${MODERN_ROOT_CACHE}.tmp" -C "$MODERN_ROOT" . && mv -f "${MODERN_ROOT_CACHE}.tmp" "$MODERN_ROOT_CACHE"
}

# overlayfs inside a chroot needs the root to be a mount point of its own ("remount /, flags: 0x84000:
# invalid argument" otherwise), private so that nothing mounted below leaks back to the host.
mount_modern_root() {
  if ! is_mountpoint "$MODERN_ROOT"; then
    mount --bind "$MODERN_ROOT" "$MODERN_ROOT"
    mount --make-private "$MODERN_ROOT"
  fi
  is_mountpoint "${MODERN_ROOT}/proc" || mount -t proc proc "${MODERN_ROOT}/proc"
  if ! is_mountpoint "${MODERN_ROOT}/sys"; then
    mount --rbind /sys "${MODERN_ROOT}/sys"
    mount --make-rslave "${MODERN_ROOT}/sys"
  fi
  if ! is_mountpoint "${MODERN_ROOT}/dev"; then
    mount --rbind /dev "${MODERN_ROOT}/dev"
    mount --make-rslave "${MODERN_ROOT}/dev"
  fi
  cp -f /etc/resolv.conf "${MODERN_ROOT}/etc/resolv.conf" 2>/dev/null || true
}

start_modern_dockerd() {
  mkdir -p "${MODERN_ROOT}${MODERN_RUN}"
  log "modern engine: starting dockerd ${MODERN_SUITE} (log: ${MODERN_LOG})"
  nohup setsid chroot "$MODERN_ROOT" /usr/sbin/dockerd \
    --host "unix://${MODERN_RUN}/docker.sock" --data-root /var/lib/docker --exec-root "${MODERN_RUN}/exec" \
    --pidfile "${MODERN_RUN}/dockerd.pid" --iptables=false --ip6tables=false --bridge=none \
    --cgroup-parent=ih-modern >"$MODERN_LOG" 2>&1 </dev/null &
  local i
  for ((i = 0; i < 60; i++)); do
    modern_up && return 0
    sleep 1
  done
  printf '[test-env] ERROR: the modern engine did not come up within 60 s; last lines of %s:\n' "$MODERN_LOG" >&2
  tail -n 30 "$MODERN_LOG" | sed 's/^/    /' >&2
  exit 1
}

expose_modern_clients() {
  mkdir -p "$MODERN_BIN" "${MODERN_DOCKER_CONFIG}/cli-plugins"
  ln -sfn "${MODERN_ROOT}/usr/bin/docker" "${MODERN_BIN}/docker"
  ln -sfn "${MODERN_ROOT}/usr/libexec/docker/cli-plugins/docker-buildx" "${MODERN_DOCKER_CONFIG}/cli-plugins/docker-buildx"
  [[ -e ${MODERN_DOCKER_CONFIG}/config.json ]] || echo '{}' >"${MODERN_DOCKER_CONFIG}/config.json"
}

# modern_docker ARGS...: the modern CLI (with buildx) against the modern engine.
modern_docker() { timeout "${DOCKER_TIMEOUT:-600}" env DOCKER_HOST="$MODERN_HOST" DOCKER_CONFIG="$MODERN_DOCKER_CONFIG" "${MODERN_BIN}/docker" "$@"; }

ensure_modern_engine() {
  local started=$SECONDS
  [[ -s $MODERN_READY_MARK ]] || make_modern_root
  mount_modern_root
  modern_up || { pid_alive "$MODERN_PIDFILE" dockerd && sleep 3; modern_up; } || start_modern_dockerd
  expose_modern_clients
  MODERN_VERSION=$(modern_docker version --format '{{.Server.Version}}')
  local store
  store=$(modern_docker info --format '{{.DriverStatus}}')
  [[ $store == *io.containerd.snapshotter* ]] || die "the modern engine is not on the containerd image store (${store})"
  modern_docker buildx version >/dev/null || die "docker buildx does not run against the modern engine"
  log "modern engine: docker ${MODERN_VERSION} (containerd image store, BuildKit) at ${MODERN_HOST}, ready in $((SECONDS - started)) s"
}

stop_modern_engine() {
  stop_pidfile "$MODERN_PIDFILE" dockerd 'the modern engine'
  [[ -d $MODERN_ROOT ]] && unmount_below "$MODERN_ROOT"
  return 0
}
