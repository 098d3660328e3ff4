# The tests' plain registry on 127.0.0.1:5000 (sourced by scripts/test-env.sh): Debian's docker-registry,
# no auth, no TLS (Docker treats 127.0.0.0/8 as insecure). Tests that need auth or TLS start their own.

readonly REGISTRY_ADDR='127.0.0.1:5000'
readonly REGISTRY_DIR='/tmp/image-hygiene-registry'
readonly REGISTRY_PIDFILE="${REGISTRY_DIR}/registry.pid"

registry_up() { curl -sf -o /dev/null --max-time 5 "http://${REGISTRY_ADDR}/v2/"; }

write_registry_config() {
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
}

ensure_registry() {
  if registry_up; then
    log "registry: already answering on ${REGISTRY_ADDR}"
    return
  fi
  local code i
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
  write_registry_config
  log "registry: starting docker-registry on ${REGISTRY_ADDR} (log: ${REGISTRY_DIR}/registry.log)"
  nohup setsid docker-registry serve "${REGISTRY_DIR}/config.yml" \
    >"${REGISTRY_DIR}/registry.log" 2>&1 </dev/null &
  echo $! >"$REGISTRY_PIDFILE"
  for ((i = 0; i < 100; i++)); do
    registry_up && return 0
    sleep 0.3
  done
  echo "[test-env] ERROR: registry did not answer on ${REGISTRY_ADDR}; last lines of its log:" >&2
  tail -n 20 "${REGISTRY_DIR}/registry.log" | sed 's/^/    /' >&2
  exit 1
}

stop_registry() {
  stop_pidfile "$REGISTRY_PIDFILE" docker-registry 'the test registry'
  safe_remove "$REGISTRY_DIR"
}
