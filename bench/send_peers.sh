#!/usr/bin/env bash
# hookctl send next to peer HTTP tools, in one run, against the same local nginx sink.
# A benchmark, not a test: it prints figures, ratios and PASS/MISS against the targets below.
#
# Usage: bench/send_peers.sh BUILD_DIR        (or: cmake --build BUILD_DIR --target bench_send)
# Environment: SEND_RUNS (default 100)    runs of each command for the single-delivery median
#              LOAD_COUNT (default 50000) requests per load run of hookctl send and hey
#              WRK_DURATION (default 10s) length of the wrk run (wrk runs for a time, not a count)
#              SINK_WORKERS (default 1)   nginx worker processes (the load tools share the CPUs)
#              MEM_COUNTS (default "10000 100000") request counts of the peak-memory runs
#
# Peers, installed from Debian when missing (apt-get update once, then apt-get install -y only
# what is missing, through sudo when not root): nginx-light (or nginx) as the sink, curl, hey,
# wrk, time (/usr/bin/time). Installing the nginx package may start the system's own nginx
# service where the init system allows it; this script never uses or stops that one.
#
# The sink: nginx as the current user on 127.0.0.1 at the first free port from 18080 up, its
# prefix, config (bench/nginx_sink.conf.in), pid file, logs and temp dirs under mktemp -d; it
# answers every request with 200 "ok\n", keeps no access log and never writes bodies to disk. It is
# stopped, and the temp dir removed, however the script ends.
#
# What is compared, all with the same 1 KiB JSON body to http://127.0.0.1:PORT/hook:
#  (1) single delivery wall time, median of SEND_RUNS runs, the two commands interleaved:
#        hookctl send URL -p github --secret s --data @body.json
#        curl -s -o /dev/null -X POST -H 'Content-Type: application/json' --data-binary @body.json URL
#      target: hookctl/curl <= 1.0 (hookctl signs too, and is still no slower than curl)
#  (2) load throughput and latency at 64 connections:
#        hookctl send ... --count LOAD_COUNT --concurrency 64 --json
#        hey -n LOAD_COUNT -c 64 -m POST -T application/json -D body.json URL
#        wrk -t2 -c64 -d WRK_DURATION --latency -s post.lua URL
#      targets: req/s hookctl/hey >= 1.0, hookctl/wrk >= 0.7
#  (3) peak memory (max RSS, /usr/bin/time -f %M) of hookctl send load runs of 10k and 100k
#      requests at 64 connections: it must not grow with the count; target: under 30 MiB each.
#
# Exit status: 0 once measured (a MISS is reported, not a failure; a figure that could not be
# read prints as "?" and counts as a MISS); 2 on a setup failure (no hookctl binary, a peer that
# cannot be installed, a sink that does not start, a tool that cannot deliver one request).
# Build Release (the default build type) for meaningful figures.
set -u
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bench_init "$@" # sets me, die and hk (the built hookctl), or exits 2
template="$here/nginx_sink.conf.in"
[ -r "$template" ] || die "$template not found"

send_runs=${SEND_RUNS:-100}
load_count=${LOAD_COUNT:-50000}
wrk_duration=${WRK_DURATION:-10s}
sink_workers=${SINK_WORKERS:-1}
read -r -a mem_counts <<<"${MEM_COUNTS:-10000 100000}"
conns=64
secret=s
for v in "$send_runs" "$load_count" "$sink_workers" "${mem_counts[@]}"; do
  case $v in '' | *[!0-9]* | 0) die "SEND_RUNS, LOAD_COUNT, SINK_WORKERS and MEM_COUNTS take positive integers" ;; esac
done

# --- peers -----------------------------------------------------------------------------------
ensure_peers curl hey wrk /usr/bin/time=time

# --- scratch dir, body, sink -----------------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/send_peers.XXXXXX") || die "mktemp failed"
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
  stop_nginx
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

body="$tmp/body.json"
make_body "$body"
body_bytes=$(wc -c <"$body" | tr -d ' ')

start_nginx_sink "$template" "$sink_workers"
url="http://127.0.0.1:$port/hook"
nginx_version=$("$nginx_bin" -v 2>&1 | sed 's|.*/||')

# --- helpers ---------------------------------------------------------------------------------
median() { # median < numbers, one a line
  sort -n | awk '{v[NR] = $1} END {if (NR == 0) print "?"; else printf "%.6f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
# json_latency JSON NAME (p50, p99): that percentile in ms, whatever unit its key or the object
# around it names (latency_ms/_us/_ns/_s, p50_ms, ...), or "?".
json_latency() {
  local key unit v
  key=$(printf '%s' "$1" | grep -oE "\"[A-Za-z_]*$2(_[a-z]+)?\"[[:space:]]*:[[:space:]]*-?[0-9]" | head -n 1 | sed -E 's/^"([^"]*)".*/\1/')
  [ -n "$key" ] || { echo '?'; return; }
  v=$(json_num "$1" "$key")
  case $key in
    *_ns) unit=ns ;; *_us) unit=us ;; *_ms) unit=ms ;; *_s | *_sec | *_secs) unit=s ;;
    *)
      unit=ms
      if printf '%s' "$1" | grep -qE '"latency_?(us|micros)"'; then unit=us
      elif printf '%s' "$1" | grep -qE '"latency_?ns"'; then unit=ns
      elif printf '%s' "$1" | grep -qE '"latency_?(s|sec|secs|seconds)"'; then unit=s
      fi
      ;;
  esac
  to_ms "$v" "$unit"
}

hk_single=("$hk" send "$url" -p github --secret "$secret" --data "@$body")
curl_single=(curl -s -o /dev/null -X POST -H 'Content-Type: application/json' --data-binary "@$body" "$url")
# Each tool must deliver one request, or its figures mean nothing.
[ "$(status_of "$url")" = 200 ] || die "curl could not POST to the sink at $url"
"${hk_single[@]}" >"$tmp/hk1.out" 2>&1 || {
  sed -n '1,20p' "$tmp/hk1.out" >&2
  die "'hookctl send $url -p github --secret $secret --data @body.json' failed"
}

echo "hookctl send next to curl, hey and wrk: one run, the same nginx $nginx_version sink at $url"
printf 'sink: %s worker process(es), 200 "ok\\n" to every request; body: %s B of JSON\n' "$sink_workers" "$body_bytes"
printf 'machine: %s CPUs shared by sink and client; load average %s (figures are noisy when it is not near 0)\n' \
  "$(nproc 2>/dev/null || echo '?')" "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "hookctl: $hk"

# --- (1) single delivery ---------------------------------------------------------------------
warm=5
declare -a s_hk=() s_curl=()
for ((r = 0; r < send_runs + warm; r++)); do
  s=$EPOCHREALTIME
  "${hk_single[@]}" >/dev/null 2>&1
  m=$EPOCHREALTIME
  "${curl_single[@]}" >/dev/null 2>&1
  e=$EPOCHREALTIME
  if [ "$r" -ge "$warm" ]; then
    s_hk+=("$((${m/./} - ${s/./}))")
    s_curl+=("$((${e/./} - ${m/./}))")
  fi
done
med_hk=$(printf '%s\n' "${s_hk[@]}" | median | awk '{print $1 == "?" ? "?" : $1 / 1000}')
med_curl=$(printf '%s\n' "${s_curl[@]}" | median | awk '{print $1 == "?" ? "?" : $1 / 1000}')
r1=$(ratio "$med_hk" "$med_curl")
echo
echo "(1) single delivery wall time: median of $send_runs runs each, interleaved, after $warm warm-up rounds"
printf '%-24s %10s\n' tool "median ms"
printf '%-24s %10s\n' "curl (peer)" "$(fmt "$med_curl" 3)"
printf '%-24s %10s\n' "hookctl send -p github" "$(fmt "$med_hk" 3)"
printf '%-24s %10s   target <= 1.00  %s\n' "ratio hookctl/curl" "$r1" "$(verdict "$r1" le 1.0)"

# --- (2) load --------------------------------------------------------------------------------
# hookctl send: one JSON object on stdout.
"$hk" send "$url" -p github --secret "$secret" --data "@$body" --count "$load_count" \
  --concurrency "$conns" --json >"$tmp/hk_load.json" 2>"$tmp/hk_load.err"
hk_rc=$?
hk_json=$(tr -d '\n' <"$tmp/hk_load.json")
json_first() { # json_first JSON KEY_REGEX...: json_num with the first KEY_REGEX that finds a number
  local j=$1 k v
  shift
  for k in "$@"; do
    v=$(json_num "$j" "$k")
    [ "$v" != '?' ] && break
  done
  echo "$v"
}
hk_rps=$(json_first "$hk_json" throughput_rps '(requests_per_sec(ond)?|req_per_s(ec)?|rps)' \
  '[A-Za-z_]*(throughput|rps|per_sec|per_second)[A-Za-z_]*')
hk_ok=$(json_first "$hk_json" '(ok|succeeded|success|delivered|2xx)')
hk_failed=$(json_first "$hk_json" '(failed|failures|errors|error_count)')
hk_p50=$(json_latency "$hk_json" p50)
hk_p99=$(json_latency "$hk_json" p99)

hey -n "$load_count" -c "$conns" -m POST -T application/json -D "$body" "$url" >"$tmp/hey.out" 2>&1
hey_rc=$?
hey_rps=$(sed -nE 's/^[[:space:]]*Requests\/sec:[[:space:]]*([0-9.]+).*/\1/p' "$tmp/hey.out" | head -n 1)
hey_pct() { # hey_pct 50|99: "  50% in 0.0012 secs" in ms
  local v
  v=$(sed -nE "s/^[[:space:]]*$1%[[:space:]]+in[[:space:]]+([0-9.]+)[[:space:]]+secs.*/\\1/p" "$tmp/hey.out" | head -n 1)
  to_ms "${v:-?}" s
}
hey_p50=$(hey_pct 50)
hey_p99=$(hey_pct 99)
hey_ok=$(sed -nE 's/^[[:space:]]*\[200\][[:space:]]+([0-9]+)[[:space:]]+responses.*/\1/p' "$tmp/hey.out" | head -n 1)

cat >"$tmp/post.lua" <<EOF
-- wrk: POST the benchmark body as JSON
local f = assert(io.open("$body", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
EOF
wrk -t2 -c"$conns" -d"$wrk_duration" --latency -s "$tmp/post.lua" "$url" >"$tmp/wrk.out" 2>&1
wrk_rc=$?
wrk_rps=$(sed -nE 's/^[[:space:]]*Requests\/sec:[[:space:]]*([0-9.]+).*/\1/p' "$tmp/wrk.out" | head -n 1)
wrk_pct() { # wrk_pct 50|99: "     50%  635.00us" in ms
  local line
  line=$(sed -nE "s/^[[:space:]]*$1%[[:space:]]+([0-9.]+)([a-z]+).*/\\1 \\2/p" "$tmp/wrk.out" | head -n 1)
  [ -n "$line" ] || { echo '?'; return; }
  # shellcheck disable=SC2086 # "VALUE UNIT" splits into to_ms's two arguments
  to_ms $line
}
wrk_p50=$(wrk_pct 50)
wrk_p99=$(wrk_pct 99)
wrk_n=$(sed -nE 's/^[[:space:]]*([0-9]+) requests in .*/\1/p' "$tmp/wrk.out" | head -n 1)
wrk_bad=$(sed -nE 's/^[[:space:]]*Non-2xx or 3xx responses:[[:space:]]*([0-9]+).*/\1/p' "$tmp/wrk.out" | head -n 1)

echo
echo "(2) load at $conns connections: hookctl and hey send $load_count requests, wrk runs for $wrk_duration"
printf '%-24s %10s %9s %9s  %s\n' tool "req/s" "p50 ms" "p99 ms" note
row() { printf '%-24s %10s %9s %9s  %s\n' "$1" "$(fmt "$2" 0)" "$(fmt "$3" 3)" "$(fmt "$4" 3)" "$5"; }
hk_note="exit $hk_rc, ok $hk_ok, errors $hk_failed"
[ "$hk_rc" = 0 ] || hk_note+=": $(head -c 200 "$tmp/hk_load.err" | tr '\n' ' ')"
row "hookctl send --json" "$hk_rps" "$hk_p50" "$hk_p99" "$hk_note"
row "hey (peer)" "$hey_rps" "$hey_p50" "$hey_p99" "exit $hey_rc, ${hey_ok:-?} x 200"
row "wrk -t2 (peer)" "$wrk_rps" "$wrk_p50" "$wrk_p99" "exit $wrk_rc, ${wrk_n:-?} requests, ${wrk_bad:-0} non-2xx"
r_hey=$(ratio "$hk_rps" "$hey_rps")
r_wrk=$(ratio "$hk_rps" "$wrk_rps")
printf '%-24s %10s   target >= 1.00  %s\n' "req/s hookctl/hey" "$r_hey" "$(verdict "$r_hey" ge 1.0)"
printf '%-24s %10s   target >= 0.70  %s\n' "req/s hookctl/wrk" "$r_wrk" "$(verdict "$r_wrk" ge 0.7)"
if [ "$hk_rps" = '?' ] || [ "$hk_p50" = '?' ] || [ "$hk_p99" = '?' ]; then
  echo "hookctl --json output (a figure could not be read from it):"
  head -c 2000 "$tmp/hk_load.json"
  echo
fi

# --- (3) peak memory -------------------------------------------------------------------------
echo
echo "(3) peak memory (max RSS) of hookctl send load runs at $conns connections; target: under 30 MiB each"
printf '%-24s %12s  %-6s %s\n' requests "max RSS MiB" target note
for n in "${mem_counts[@]}"; do
  /usr/bin/time -f %M -o "$tmp/mem.txt" "$hk" send "$url" -p github --secret "$secret" --data "@$body" \
    --count "$n" --concurrency "$conns" >/dev/null 2>"$tmp/mem.err"
  rc=$?
  kib=$(grep -E '^[0-9]+$' "$tmp/mem.txt" | tail -n 1)
  mib='?'
  isnum "${kib:-}" && mib=$(awk -v k="$kib" 'BEGIN {printf "%.1f", k / 1024}')
  v=$(verdict "$mib" lt 30)
  [ "$rc" = 0 ] || v=MISS # the peak of a failed run says nothing
  printf '%-24s %12s  %-6s %s\n' "$n" "$mib" "$v" "exit $rc"
done
exit 0
