# Shared helpers for scripts/test-env.sh (sourced by it; not a program of its own).

readonly IH_STATE_DIR='/var/lib/image-hygiene'
readonly IH_ENGINES_FILE="${IH_STATE_DIR}/engines.json"
readonly IH_CACHE_DIR='/var/cache/image-hygiene'
readonly ENV_LOG='/tmp/image-hygiene-env.log'

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

run_quiet_check() {
  printf '\n===== %s: %s\n' "$(date -u +%FT%TZ)" "$*" >>"$ENV_LOG"
  "$@" </dev/null >>"$ENV_LOG" 2>&1
}

# The comm name of a live process, or nothing (no procps on a minimal Debian).
process_name() { cat "/proc/$1/comm" 2>/dev/null || true; }

# pid_alive PIDFILE NAME: the pid file names a live process called NAME.
pid_alive() {
  local pid
  [[ -r $1 ]] || return 1
  pid=$(<"$1")
  [[ -n $pid && "$(process_name "$pid")" == "$2" ]]
}

# stop_pidfile PIDFILE NAME WHAT: TERM the process, wait up to 20 s, then KILL; remove the pid file.
stop_pidfile() {
  local file=$1 name=$2 what=$3 pid i
  if ! pid_alive "$file" "$name"; then
    rm -f "$file"
    return 0
  fi
  pid=$(<"$file")
  log "stopping ${what} (pid ${pid})"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 40; i++)); do
    [[ "$(process_name "$pid")" == "$name" ]] || break
    sleep 0.5
  done
  if [[ "$(process_name "$pid")" == "$name" ]]; then
    warn "${what} did not stop within 20 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

# Unmount anything mounted at or below a directory, deepest first.
unmount_below() {
  local dir=$1 mp
  while read -r mp; do
    umount -l "$mp" 2>/dev/null || true
  done < <(awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts | sort -r)
}

# Delete a directory without ever crossing into another filesystem.
safe_remove() {
  local dir=$1
  [[ -n $dir && $dir != / && -e $dir ]] || return 0
  unmount_below "$dir"
  rm -rf --one-file-system "$dir"
}

is_mountpoint() { awk -v d="$1" '$2 == d { found = 1 } END { exit !found }' /proc/mounts; }

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

# docker_on HOST ARGS...: the docker CLI against one engine (HOST empty: the CLI's default), killed after
# DOCKER_TIMEOUT seconds (default 600).
docker_on() {
  local host=$1; shift
  if [[ -n $host ]]; then
    timeout "${DOCKER_TIMEOUT:-600}" env DOCKER_HOST="$host" docker "$@"
  else
    timeout "${DOCKER_TIMEOUT:-600}" env -u DOCKER_HOST docker "$@"
  fi
}
