# Shared by the e2e scenarios (sourced; not a test itself): pass/fail bookkeeping, a temporary
# folder and the processes started, all cleaned up on exit; starting `hookctl listen` on a free port.
# The sourcing script sets $bin (the hookctl binary) first.
tmp=$(mktemp -d)
pids=()
secrets=()
# register_secret VALUE...: a secret this scenario uses; at exit, no file it kept may contain it.
register_secret() { secrets+=("$@"); }
source "$(dirname "${BASH_SOURCE[0]}")/secrets.sh"
cleanup() {
  local status=$?
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  wait 2>/dev/null
  if [ ${#secrets[@]} -gt 0 ] && ! scan_for_secrets "$tmp" "${secrets[@]}"; then status=1; fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
# Scenarios must not read the config files or HOOKCTL_* variables of whoever runs them
# (HOOKCTL_TEST_* are knobs of the scenarios themselves).
while read -r v; do unset "$v"; done < <(compgen -e | grep '^HOOKCTL_' | grep -v '^HOOKCTL_TEST_')
export XDG_CONFIG_HOME="$tmp/no-config" HOME="$tmp/no-home"
unset CI NO_COLOR FORCE_COLOR
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }
expect() { # expect NAME COMMAND...: the command must succeed
  local name=$1
  shift
  if "$@"; then ok "$name"; else bad "$name"; fi
}

# start_listen NAME ARGS...: starts `hookctl listen --port 0 ARGS` with its output in $tmp/NAME.*,
# waits (bounded) for the banner, sets $port and $lpid.
start_listen() {
  local name=$1
  shift
  "$bin" listen --port 0 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  lpid=$!
  pids+=("$lpid")
  port=
  for _ in $(seq 200); do
    port=$(grep -o 'http[s]*://127.0.0.1:[0-9]*' "$tmp/$name.err" 2>/dev/null | head -n 1 | sed 's/.*://')
    [ -n "$port" ] && break
    kill -0 "$lpid" 2>/dev/null || break
    sleep 0.05
  done
  [ -n "$port" ] || { cat "$tmp/$name.err"; echo "FAIL: listen $name did not start"; exit 1; }
}
# wait_exit PID: waits (bounded, 15 s) for PID to end; sets $rc (124 when it had to be killed).
wait_exit() {
  for _ in $(seq 300); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$1" 2>/dev/null; then
    kill -9 "$1"
    wait "$1" 2>/dev/null
    rc=124
  else
    wait "$1"
    rc=$?
  fi
}
count() { grep -c "$1" "$2" | tr -d ' '; }
