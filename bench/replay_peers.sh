#!/usr/bin/env bash
# hookctl replay next to hookctl send's load mode, in one run, against the same local nginx sink.
# A benchmark, not a test: it prints figures, ratios and PASS/MISS against the targets below.
#
# Usage: bench/replay_peers.sh BUILD_DIR        (or: cmake --build BUILD_DIR --target bench_replay)
# Environment: EVENTS (default 100000)            events captured, then replayed (and sent by send)
#              MEM_COUNTS (default "10000 100000") event counts of the peak-memory runs
#              CONNS (default 64)                  connections of both tools
#              SINK_WORKERS (default "1 2")        nginx worker processes, one throughput run each
#              ROUNDS (default 3)                  interleaved throughput rounds (the best of each tool counts)
#
# Peers (installed from Debian when missing, as bench/send_peers.sh does): nginx-light (or nginx)
# as the sink, curl, time (/usr/bin/time).
#
# (1) The capture: `hookctl listen --durability none` records EVENTS signed 1 KiB GitHub deliveries
#     sent by `hookctl send --count EVENTS`; it is then stopped.
# (2) Throughput at CONNS connections to the nginx sink (200 "ok"), the two interleaved ROUNDS times,
#     once per SINK_WORKERS setting (on a 2-core machine a 1-worker sink is the bottleneck, and the
#     figure measures how much CPU each client leaves it; with 2 workers, the clients' own speed):
#       hookctl send URL -p github --secret s --data @body.json --count EVENTS --concurrency CONNS --json
#       hookctl replay capture.jsonl --to URL --concurrency CONNS
#     target: replay events/s >= 0.90 x send requests/s (the best of the rounds each; each tool's
#     own figure: send's throughput_rps, replay's events over the time its summary gives, which
#     includes reading and parsing the capture file)
# (3) Peak memory (max RSS) of replay over the first 10k and all 100k events: it must not grow with
#     the file; target: the 100k run within 10% of the 10k run.
#
# Exit status: 0 once measured (a MISS is reported, not a failure); 2 on a setup failure.
set -u
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bench_init "$@" # sets me, die and hk (the built hookctl), or exits 2
template="$here/nginx_sink.conf.in"
[ -r "$template" ] || die "$template not found"
events=${EVENTS:-100000}
conns=${CONNS:-64}
read -r -a sink_workers <<<"${SINK_WORKERS:-1 2}"
rounds=${ROUNDS:-3}
read -r -a mem_counts <<<"${MEM_COUNTS:-10000 100000}"
for v in "$events" "$conns" "${sink_workers[@]}" "$rounds" "${mem_counts[@]}"; do
  case $v in '' | *[!0-9]* | 0) die "EVENTS, CONNS, SINK_WORKERS, ROUNDS and MEM_COUNTS take positive integers" ;; esac
done

ensure_peers curl /usr/bin/time=time
tmp=$(mktemp -d "${TMPDIR:-/tmp}/replay_peers.XXXXXX") || die "mktemp failed"
listen_pid=
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
  [ -n "$listen_pid" ] && kill -9 "$listen_pid" 2>/dev/null
  stop_nginx
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
body="$tmp/body.json"
make_body "$body"

# --- (1) the capture ------------------------------------------------------------------------------
capture="$tmp/capture.jsonl"
"$hk" listen --port 0 --secret s --durability none --capture "$capture" >/dev/null 2>"$tmp/listen.err" &
listen_pid=$!
lport=
for _ in $(seq 200); do
  lport=$(grep -o 'http://127.0.0.1:[0-9]*' "$tmp/listen.err" 2>/dev/null | head -n 1 | sed 's/.*://')
  [ -n "$lport" ] && break
  sleep 0.05
done
[ -n "$lport" ] || die "hookctl listen did not start: $(cat "$tmp/listen.err")"
"$hk" send "http://127.0.0.1:$lport/hook" -p github --secret s --data @"$body" --count "$events" \
  --concurrency "$conns" --json >/dev/null 2>&1 || die "capturing $events events failed"
kill -TERM "$listen_pid"
wait "$listen_pid" 2>/dev/null
listen_pid=
captured=$(grep -c '' "$capture")
[ "$captured" = "$events" ] || die "captured $captured events, not $events"

# --- (2) throughput ---------------------------------------------------------------------------------
declare -A best_send best_replay ratios
for workers in "${sink_workers[@]}"; do
  start_nginx_sink "$template" "$workers"
  url="http://127.0.0.1:$port/hook"
  best_send[$workers]=0
  best_replay[$workers]=0
  for round in $(seq "$rounds"); do
    out=$("$hk" send "$url" -p github --secret s --data @"$body" --count "$events" --concurrency "$conns" --json 2>/dev/null)
    rps=$(json_num "$out" 'throughput[a-z_]*')
    isnum "$rps" && awk -v a="$rps" -v b="${best_send[$workers]}" 'BEGIN {exit !(a > b)}' && best_send[$workers]=$rps
    # The run's own time, from its summary ("N event(s) in S s": reading the file included), as
    # send's throughput is its own from the first request to the last.
    "$hk" replay "$capture" --to "$url" --concurrency "$conns" >/dev/null 2>"$tmp/replay.err" ||
      die "replay failed: $(tail -n 3 "$tmp/replay.err")"
    secs=$(sed -n 's/.* event(s) in \([0-9.]*\) s:.*/\1/p' "$tmp/replay.err" | head -n 1)
    eps=$(awk -v n="$events" -v s="$secs" 'BEGIN {if (s > 0) printf "%.0f", n / s; else print "?"}')
    isnum "$eps" && awk -v a="$eps" -v b="${best_replay[$workers]}" 'BEGIN {exit !(a > b)}' && best_replay[$workers]=$eps
    echo "sink with $workers worker(s), round $round: send $(fmt "$rps" 0) req/s, replay $(fmt "$eps" 0) events/s ($secs s for $events)"
  done
  ratios[$workers]=$(ratio "${best_replay[$workers]}" "${best_send[$workers]}")
  stop_nginx
done
start_nginx_sink "$template" "${sink_workers[0]}"
url="http://127.0.0.1:$port/hook"

# --- (3) memory ---------------------------------------------------------------------------------------
declare -A rss
for n in "${mem_counts[@]}"; do
  head -n "$n" "$capture" >"$tmp/first.jsonl"
  /usr/bin/time -f '%M' -o "$tmp/mem.time" "$hk" replay "$tmp/first.jsonl" --to "$url" --concurrency "$conns" \
    --quiet >/dev/null 2>&1 || die "replay of $n events failed"
  rss[$n]=$(tail -n 1 "$tmp/mem.time")
done
first=${mem_counts[0]}
last=${mem_counts[${#mem_counts[@]}-1]}
mr=$(ratio "${rss[$last]}" "${rss[$first]}")

echo
echo "hookctl replay next to hookctl send --count, $events events of 1 KiB, $conns connections, nginx sink"
printf '%-34s %12s %12s %7s  %s\n' measure replay send ratio result
for workers in "${sink_workers[@]}"; do
  printf '%-34s %12s %12s %7s  %s\n' "events/s, sink of $workers worker(s)" "$(fmt "${best_replay[$workers]}" 0)" \
    "$(fmt "${best_send[$workers]}" 0)" "${ratios[$workers]}" "$(verdict "${ratios[$workers]}" ge 0.90) (target >= 0.90)"
done
for n in "${mem_counts[@]}"; do
  printf '%-34s %12s\n' "peak RSS, $n events (KiB)" "${rss[$n]}"
done
printf '%-34s %12s %12s %7s  %s\n' "RSS ${last} / ${first}" "" "" "$mr" "$(verdict "$mr" le 1.10) (target <= 1.10)"
