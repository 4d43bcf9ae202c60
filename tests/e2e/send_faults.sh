#!/usr/bin/env bash
# send (one delivery and load mode) and replay against receivers that misbehave
# (tests/support/rogue.cpp): a TCP reset, a stall, bytes that are not HTTP, a body of 1 TB, an
# endless chunked body, a header trickled a byte a second. Each run must end in bounded time with
# exit 1 and a one-line error that says what happened, never a crash or a hang, and stay within a
# bounded memory.
set -u
bin=$1
sink=$2
rogue="$(dirname "$sink")/hookctl_test_rogue"
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/common.sh"

# start_rogue MODE: starts the rogue server, sets $port.
start_rogue() {
  rm -f "$tmp/rogue.port"
  "$rogue" --mode "$1" --port-file "$tmp/rogue.port" --lifetime 100 &
  pids+=($!)
  rpid=$!
  for _ in $(seq 100); do
    [ -s "$tmp/rogue.port" ] && break
    sleep 0.05
  done
  port=$(cat "$tmp/rogue.port")
}
# bounded NAME MAX_S MAX_MIB COMMAND...: runs the command (killed after 60 s), which must exit 1
# within MAX_S seconds with a peak RSS under MAX_MIB (one delivery keeps a body of up to 16 MiB;
# load mode reads bodies to the same limit but keeps none); its stderr is left in $tmp/NAME.err.
bounded() {
  local name=$1 max=$2 mib=$3
  shift 3
  local t0 t1 rc
  t0=$(date +%s%N)
  /usr/bin/time -f '%M' -o "$tmp/$name.rss" timeout 60 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
  rc=$?
  t1=$(date +%s%N)
  local ms=$(((t1 - t0) / 1000000))
  local rss_kb
  rss_kb=$(tail -n 1 "$tmp/$name.rss")
  if [ "$rc" = 1 ] && [ "$ms" -le $((max * 1000)) ] && [ "$rss_kb" -lt $((mib * 1024)) ]; then
    ok "$name: exit 1 in $ms ms, peak RSS $((rss_kb / 1024)) MiB"
  else
    bad "$name: exit $rc (want 1) in $ms ms (limit ${max} s), peak RSS ${rss_kb} KB (limit ${mib} MiB)"
    cat "$tmp/$name.err"
  fi
}
# says NAME TEXT: the last line of NAME's stderr is the one-line error and contains TEXT.
says() {
  local last
  last=$(tail -n 1 "$tmp/$1.err")
  if [[ $last == "hookctl: "*"$2"* ]]; then ok "$1: says '$2'"; else bad "$1: '$last' does not say '$2'"; fi
}

[ -x /usr/bin/time ] || {
  echo "FAIL: GNU time (package time, which ./build.sh test installs) measures peak memory"
  exit 1
}

# A capture with one event, for replay.
start_listen cap --capture "$tmp/one.jsonl"
"$bin" send "http://127.0.0.1:$port/hook" --data '{"n":1}' >/dev/null 2>&1
kill -TERM "$lpid"
wait_exit "$lpid"

declare -A expect_text=(
  [reset]="the connection closed with no response"
  [stall]="no complete response within 2000 ms"
  [garbage]="not an HTTP/1.x response"
  [endless]="over the 16777216 byte limit"
  [chunked]="over the 16777216 byte limit"
  [trickle]="no complete response within 2000 ms"
)
# Peak memory limits: one delivery keeps its body (up to 16 MiB, 57 MiB peak measured in Release),
# a load run keeps none (10 MiB measured). Sanitizer builds add shadow memory and a quarantine.
if [ "${HOOKCTL_TEST_SANITIZED:-0}" = 1 ]; then
  one_mib=256 load_mib=384
else
  one_mib=96 load_mib=64
fi
for mode in reset stall garbage endless chunked trickle; do
  start_rogue "$mode"
  url="http://127.0.0.1:$port/hook"
  bounded "send-$mode" 10 "$one_mib" "$bin" send "$url" --data x --timeout 2s --retries 1 --backoff 10ms
  says "send-$mode" "${expect_text[$mode]}"
  bounded "load-$mode" 15 "$load_mib" "$bin" send "$url" --data x --timeout 2s -n 20 -c 4
  expect "load-$mode: all 20 counted as errors" grep -q 'errors: .* x20' "$tmp/load-$mode.out"
  bounded "replay-$mode" 10 "$one_mib" "$bin" replay "$tmp/one.jsonl" --to "http://127.0.0.1:$port" --timeout 2s
  expect "replay-$mode: the event's error is reported" grep -q "${expect_text[$mode]}" "$tmp/replay-$mode.err" "$tmp/replay-$mode.out"
  kill "$rpid" 2>/dev/null
  wait "$rpid" 2>/dev/null
done
exit $fail
