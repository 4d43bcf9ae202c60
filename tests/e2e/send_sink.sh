#!/usr/bin/env bash
# hookctl send against the scripted test sink on 127.0.0.1: the exact body and a valid signature
# arrive; retries on 5xx, none on 400; a silent receiver hits the timeout; load mode sends exactly
# N requests; catalog events carry their headers. Every sink is stopped on exit.
set -u
bin=$1
sink=$2
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
check() { # check NAME EXPECTED_RC ACTUAL_RC
  if [ "$2" != "$3" ]; then echo "FAIL: $1: exit $3, expected $2"; fail=1; else echo "ok: $1"; fi
}
expect() { # expect NAME COMMAND...: the command must succeed
  local name=$1
  shift
  if "$@"; then echo "ok: $name"; else echo "FAIL: $name"; fail=1; fi
}

# start_sink NAME ARGS...: starts a sink, waits for its port file (bounded), sets $port and $log.
start_sink() {
  local name=$1
  shift
  log="$tmp/$name.log"
  : >"$log"
  "$sink" --port-file "$tmp/$name.port" --log "$log" --lifetime 60 "$@" &
  pids+=($!)
  for _ in $(seq 200); do
    [ -s "$tmp/$name.port" ] && break
    sleep 0.05
  done
  port=$(cat "$tmp/$name.port" 2>/dev/null)
  [ -n "$port" ] || { echo "FAIL: sink $name did not start"; exit 1; }
}
requests() { wc -l <"$1" | tr -d ' '; }
# header_args LOG N: the Nth request's headers as -H arguments, one per line.
header_args() {
  sed -n "${2}p" "$1" | grep -o '\["[^"]*","[^"]*"\]' | sed -E 's/^\["([^"]*)","([^"]*)"\]$/\1: \2/'
}
body_of() { sed -n "${2}p" "$1" | sed -E 's/.*"body_base64":"([^"]*)".*/\1/' | base64 -d; }

secret="whsec_$(head -c 24 /dev/urandom | base64)"
printf '{"type":"invoice.paid","amount":4200}\n' >"$tmp/body.json"

# One signed delivery: byte-exact body, signature valid for hookctl verify.
start_sink ok
"$bin" send "http://127.0.0.1:$port/webhooks/stripe" -p stripe --secret "$secret" --data @"$tmp/body.json" \
  >"$tmp/one.out" 2>"$tmp/one.err"
check "send stripe" 0 $?
expect "one request received" [ "$(requests "$log")" = 1 ]
body_of "$log" 1 >"$tmp/received.body"
expect "body byte-exact" cmp -s "$tmp/body.json" "$tmp/received.body"
args=()
while IFS= read -r h; do args+=(-H "$h"); done < <(header_args "$log" 1)
"$bin" verify -p stripe --secret "$secret" "${args[@]}" --data @"$tmp/received.body" >/dev/null 2>"$tmp/verify.err"
check "received signature verifies" 0 $?
expect "status line printed" grep -q "200" "$tmp/one.out"

# Failing twice, then 200: three attempts, exit 0.
start_sink flaky --fail-first 2 --fail-status 503
"$bin" send "http://127.0.0.1:$port/h" -p github --secret "$secret" --data '{}' --retries 3 --backoff 10ms \
  --json >"$tmp/flaky.json" 2>"$tmp/flaky.err"
check "retries until 200" 0 $?
expect "three requests received" [ "$(requests "$log")" = 3 ]
expect "three attempts reported" [ "$(grep -o '"status":' "$tmp/flaky.json" | wc -l)" -ge 3 ]

# 400: no retry, exit 1.
start_sink bad --status 400
"$bin" send "http://127.0.0.1:$port/h" -p github --secret "$secret" --data '{}' --retries 3 --backoff 10ms \
  >"$tmp/bad.out" 2>"$tmp/bad.err"
check "400 is final" 1 $?
expect "400 not retried" [ "$(requests "$log")" = 1 ]

# A receiver that never answers: the timeout fires, named.
start_sink silent --hang-ms 20000
start=$(date +%s)
"$bin" send "http://127.0.0.1:$port/h" -p github --secret "$secret" --data '{}' --timeout 500ms \
  >"$tmp/silent.out" 2>"$tmp/silent.err"
check "silent receiver times out" 1 $?
expect "timeout named" grep -qi "timeout\|within 500 ms" "$tmp/silent.out" "$tmp/silent.err"
expect "timeout bounded" [ $(($(date +%s) - start)) -lt 10 ]

# Load mode: exactly N requests, each freshly signed.
start_sink load
"$bin" send "http://127.0.0.1:$port/h" -p github --secret "$secret" --data '{"n":1}' --count 50 --concurrency 4 \
  --json >"$tmp/load.json" 2>"$tmp/load.err"
check "load mode" 0 $?
expect "exactly 50 requests" [ "$(requests "$log")" = 50 ]
expect "50 distinct delivery ids" [ "$(grep -o '"X-GitHub-Delivery","[^"]*"' "$log" | sort -u | wc -l)" = 50 ]
expect "load summary is JSON with sent" grep -q '"sent":50' "$tmp/load.json"

# SIGINT during a paced load run: no new delivery, the summary still printed, exit 130.
start_sink paced
"$bin" send "http://127.0.0.1:$port/h" -p github --secret "$secret" --data '{}' --rate 20 --duration 60s --json \
  >"$tmp/paced.json" 2>"$tmp/paced.err" &
paced=$!
for _ in $(seq 200); do [ "$(requests "$log")" -ge 3 ] && break; sleep 0.05; done
kill -INT "$paced"
wait "$paced"
check "interrupted load run" 130 $?
expect "summary printed on interrupt" grep -q '"cancelled":true' "$tmp/paced.json"

# A catalog event: provider and context headers come with it.
start_sink event
"$bin" send "http://127.0.0.1:$port/h" --event github.push --secret "$secret" >"$tmp/event.out" 2>"$tmp/event.err"
check "send --event github.push" 0 $?
expect "X-GitHub-Event: push sent" grep -q '"X-GitHub-Event","push"' "$log"
args=()
while IFS= read -r h; do args+=(-H "$h"); done < <(header_args "$log" 1)
body_of "$log" 1 >"$tmp/event.body"
"$bin" verify -p github --secret "$secret" "${args[@]}" --data @"$tmp/event.body" >/dev/null 2>&1
check "catalog event verifies" 0 $?

# Unreachable and invalid targets.
kill "${pids[0]}" 2>/dev/null
wait "${pids[0]}" 2>/dev/null
closed=$(cat "$tmp/ok.port")
"$bin" send "http://127.0.0.1:$closed/h" --data '{}' >"$tmp/closed.out" 2>"$tmp/closed.err"
check "unreachable target" 1 $?
expect "cause named" grep -qi "connect" "$tmp/closed.out" "$tmp/closed.err"
"$bin" send "127.0.0.1:$closed/h" --data '{}' >"$tmp/url.out" 2>"$tmp/url.err"
check "invalid URL" 2 $?

if grep -rqF -- "$secret" "$tmp"/*.out "$tmp"/*.err "$tmp"/*.json 2>/dev/null; then
  echo "FAIL: the secret appeared in an output"
  fail=1
fi
source "$(dirname "$0")/lib/secrets.sh"
scan_for_secrets "$tmp" "$secret" || fail=1
[ $fail -eq 0 ] && echo "e2e send_sink: all checks passed"
exit $fail
