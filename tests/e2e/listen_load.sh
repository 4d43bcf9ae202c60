#!/usr/bin/env bash
# hookctl listen under load: 8 concurrent senders x 2,000 signed deliveries (HOOKCTL_TEST_LOAD_N to
# change the 2,000, as the ThreadSanitizer run of .ci/run does) to one listener with the default
# durability. Nothing is lost (every delivery answered 200 and captured), nothing is duplicated
# (one record per delivery id, sequence numbers 1..N with no gap), every body is byte-exact (a
# text body per sender and a binary one), and every signature verifies.
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/common.sh"

n=${HOOKCTL_TEST_LOAD_N:-2000}
senders=8
secret="load-secret-$$"
register_secret "$secret"
start_listen load -p github --secret "$secret" --capture "$tmp/load.jsonl"

# Sender 8 sends a binary body (every byte value); the others JSON with quotes and UTF-8.
printf "$(printf '\\%03o' $(seq 0 255))" >"$tmp/binary.bin"
bodies=()
for i in $(seq 1 $((senders - 1))); do
  bodies+=("{\"sender\":$i,\"text\":\"caf"$'\u00e9'" \u00e9 $i\"}")
done

t0=$(date +%s%N)
spids=()
for i in $(seq 1 $((senders - 1))); do
  "$bin" send "http://127.0.0.1:$port/s$i" -p github --secret "$secret" --data "${bodies[$((i - 1))]}" \
    -n "$n" -c 4 --json >"$tmp/s$i.json" 2>"$tmp/s$i.err" &
  spids+=($!)
done
"$bin" send "http://127.0.0.1:$port/s$senders" -p github --secret "$secret" --data "@$tmp/binary.bin" \
  -n "$n" -c 4 --json >"$tmp/s$senders.json" 2>"$tmp/s$senders.err" &
spids+=($!)
for p in "${spids[@]}"; do wait "$p"; done
t1=$(date +%s%N)
kill -TERM "$lpid"
wait_exit "$lpid"
total=$((n * senders))
echo "info: $total deliveries in $(((t1 - t0) / 1000000)) ms"

for i in $(seq 1 $senders); do
  expect "sender $i: $n sent, $n answered 200" grep -q "\"sent\":$n,\"ok\":$n,\"errors\":0" "$tmp/s$i.json"
done
expect "listen stopped cleanly (exit 0)" [ "$rc" = 0 ]
expect "the capture holds $total records" [ "$(grep -c '' "$tmp/load.jsonl")" = "$total" ]
expect "no delivery id twice" [ -z "$(grep -o '"X-GitHub-Delivery","[^"]*"' "$tmp/load.jsonl" | sort | uniq -d)" ]
expect "$total distinct delivery ids" \
  [ "$(grep -o '"X-GitHub-Delivery","[^"]*"' "$tmp/load.jsonl" | sort -u | grep -c '')" = "$total" ]
expect "sequence numbers 1..$total, each once" \
  diff <(grep -o '"seq":[0-9]*' "$tmp/load.jsonl" | cut -d: -f2 | sort -n) <(seq 1 "$total")
expect "every signature verified" [ "$(grep -c '"valid":true' "$tmp/load.jsonl")" = "$total" ]
# Byte-exact bodies: verify --capture checks every signature again over the body as stored (the
# sender signed the bytes it sent); the text bodies are also compared in their JSON encoding, the
# binary one as base64.
"$bin" verify --capture "$tmp/load.jsonl" --secret "$secret" >"$tmp/verify.out" 2>"$tmp/verify.err"
expect "verify --capture: every stored body matches its signature (exit 0)" [ $? = 0 ]
expect "verify --capture: $total valid" [ "$(grep -c 'valid' "$tmp/verify.out")" -ge "$total" ]
for i in $(seq 1 $((senders - 1))); do
  encoded=$(printf '%s' "${bodies[$((i - 1))]}" | sed 's/\\/\\\\/g; s/"/\\"/g')
  expect "sender $i: $n records" [ "$(grep -cF "\"path\":\"/s$i\"" "$tmp/load.jsonl")" = "$n" ]
  expect "sender $i: each body as sent" [ "$(grep -cF "\"body\":\"$encoded\"" "$tmp/load.jsonl")" = "$n" ]
done
b64=$(base64 -w0 "$tmp/binary.bin")
expect "sender $senders: $n binary bodies, byte-exact" \
  [ "$(grep -cF "\"body\":\"$b64\",\"body_encoding\":\"base64\"" "$tmp/load.jsonl")" = "$n" ]
exit $fail
