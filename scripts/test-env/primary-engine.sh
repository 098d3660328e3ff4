# The primary Docker engine (sourced by scripts/test-env.sh): the one DOCKER_HOST names, else the one on the
# default socket, else a dockerd started here (Debian 12's docker.io: 20.10, graphdriver overlay2, classic
# builder). An engine this script did not start is used as it is and never stopped.

readonly DOCKERD_LOG='/tmp/image-hygiene-dockerd.log'
readonly DOCKERD_PIDFILE="${IH_STATE_DIR}/dockerd.pid"
PRIMARY_HOST="${DOCKER_HOST:-}"
PRIMARY_VERSION=''
PRIMARY_DRIVER=''
PRIMARY_STORE=''

primary_up() { DOCKER_TIMEOUT=20 docker_on "$PRIMARY_HOST" info >/dev/null 2>&1; }

start_primary_dockerd() {
  log "docker: starting dockerd (log: ${DOCKERD_LOG})"
  : >"$DOCKERD_LOG"
  # setsid: the daemon must outlive this script and the caller's process group.
  nohup setsid dockerd --iptables=false --bridge=none >"$DOCKERD_LOG" 2>&1 </dev/null &
  echo $! >"$DOCKERD_PIDFILE"
}

wait_for_primary() {
  local i
  for ((i = 0; i < 60; i++)); do
    primary_up && return 0
    sleep 1
  done
  printf '[test-env] ERROR: the docker engine did not come up within 60 s; last lines of %s:\n' "$DOCKERD_LOG" >&2
  tail -n 30 "$DOCKERD_LOG" 2>/dev/null | sed 's/^/    /' >&2
  exit 1
}

ensure_primary_engine() {
  if [[ -n $PRIMARY_HOST ]]; then
    primary_up || die "DOCKER_HOST=${PRIMARY_HOST} does not answer 'docker info'; unset it to let this script start an engine"
    log "docker: using the engine at DOCKER_HOST=${PRIMARY_HOST}"
  elif primary_up; then
    log "docker: an engine already answers on the default socket; using it"
  else
    # Ours from an earlier run and still starting, or not there at all. Another dockerd elsewhere (the
    # modern engine's, or one on another socket) is none of our business.
    pid_alive "$DOCKERD_PIDFILE" dockerd || pid_alive /var/run/docker.pid dockerd || start_primary_dockerd
    wait_for_primary
  fi
  PRIMARY_VERSION=$(docker_on "$PRIMARY_HOST" version --format '{{.Server.Version}}' 2>/dev/null)
  PRIMARY_DRIVER=$(docker_on "$PRIMARY_HOST" info --format '{{.Driver}}' 2>/dev/null)
  if docker_on "$PRIMARY_HOST" info --format '{{json .DriverStatus}}' 2>/dev/null | grep -q io.containerd.snapshotter; then
    PRIMARY_STORE=containerd
  else
    PRIMARY_STORE=graphdriver
  fi
  log "docker: primary engine ${PRIMARY_VERSION} (${PRIMARY_DRIVER})"
}

stop_primary_engine() {
  stop_pidfile "$DOCKERD_PIDFILE" dockerd 'the dockerd this script started'
}
