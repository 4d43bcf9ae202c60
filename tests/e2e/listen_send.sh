#!/usr/bin/env bash
# hookctl send -> hookctl listen on 127.0.0.1: every provider verifies (detected from the headers);
# tampered deliveries are captured as invalid and answered 401; handshakes; a scripted sequence
# against send's retries; --forward-to against a local app (the test sink); --expect and
# --timeout; SIGINT/SIGTERM exit codes; SIGKILL during concurrent sends loses no answered request
# and the file reopens. Every process started here is stopped on exit.
set -u
bin=$1
sink=$2
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

secret="whsec_$(head -c 24 /dev/urandom | base64)"
register_secret "$secret"
keys=$("$bin" keygen --provider discord)
priv=$(echo "$keys" | sed -n 's/^private_key: //p')
pub=$(echo "$keys" | sed -n 's/^public_key: //p')

# --- every provider, detected from the headers, verifies -------------------------------------
cd "$tmp" || exit 1
start_listen all --secret "$secret" --public-key "$pub" --capture "$tmp/all.jsonl" --json
providers="github stripe standard svix slack shopify twilio gitlab twitch square paddle"
for p in $providers; do
  "$bin" send "http://127.0.0.1:$port/hooks/$p?x=1" -p "$p" --secret "$secret" \
    --data "{\"type\":\"test.$p\",\"id\":\"evt_$p\"}" >/dev/null 2>"$tmp/send.err" || {
    cat "$tmp/send.err"
    bad "send $p to listen"
  }
done
"$bin" send "http://127.0.0.1:$port/hooks/discord" -p discord --private-key "$priv" \
  --data '{"type":1,"id":"1"}' >/dev/null 2>&1 || bad "send discord to listen"
for p in $providers discord; do
  if grep "\"path\":\"/hooks/$p\"" "$tmp/all.jsonl" | grep -q "\"provider\":\"$p\",\"valid\":true"; then
    ok "$p verified by listen"
  else
    bad "$p verified by listen"
  fi
done
expect "query kept apart from the path" grep -q '"path":"/hooks/github","query":"x=1"' "$tmp/all.jsonl"
# The capture holds the body byte-exact: the body sent is the body recorded.
expect "body captured as sent" grep -q '"body":"{\\"type\\":\\"test.github\\",\\"id\\":\\"evt_github\\"}"' \
  "$tmp/all.jsonl"

# Tampered: a wrong secret is answered 401 and captured as invalid; the same body twice is flagged.
"$bin" send "http://127.0.0.1:$port/hooks/tampered" -p github --secret wrong --data '{"a":1}' >"$tmp/t.out" 2>&1
expect "tampered delivery exits 1" [ $? = 1 ]
expect "tampered answered 401" grep -q '^attempt 1: 401' "$tmp/t.out"
expect "tampered captured as invalid" grep -q '"path":"/hooks/tampered".*"valid":false.*"status":401' "$tmp/all.jsonl"
"$bin" send "http://127.0.0.1:$port/hooks/dup" -p github --secret "$secret" --id same-id --data '{}' >/dev/null 2>&1
"$bin" send "http://127.0.0.1:$port/hooks/dup" -p github --secret "$secret" --id same-id --data '{}' >/dev/null 2>&1
expect "repeated delivery id flagged" [ "$(grep '"path":"/hooks/dup"' "$tmp/all.jsonl" | grep -c '"duplicate":true')" = 1 ]

# Handshakes are answered and captured as such.
challenge=$(curl -s -X POST -H 'Content-Type: application/json' \
  --data '{"token":"t","challenge":"abc123","type":"url_verification"}' "http://127.0.0.1:$port/slack")
expect "Slack url_verification answered" [ "$challenge" = abc123 ]
expect "Dropbox challenge answered" [ "$(curl -s "http://127.0.0.1:$port/dbx?challenge=xyz")" = xyz ]
expect "Microsoft Graph validationToken answered" \
  [ "$(curl -s -X POST "http://127.0.0.1:$port/graph?validationToken=a%20b")" = "a b" ]
expect "handshake captured" grep -q '"handshake":"slack.url_verification"' "$tmp/all.jsonl"
kill -TERM "$lpid"
wait_exit "$lpid"
expect "SIGTERM exits 0" [ "$rc" = 0 ]
expect "summary printed" grep -q 'request(s):' "$tmp/all.err"

# --- scripted answers against send's retries ---------------------------------------------------
start_listen seq --no-capture --sequence 500,500,200
"$bin" send "http://127.0.0.1:$port/r" -p github --secret "$secret" --data '{}' --retries 3 --backoff 10ms \
  >"$tmp/seq.send" 2>&1
expect "sequence 500,500,200 then send succeeds" [ $? = 0 ]
expect "three attempts" [ "$(count '^attempt ' "$tmp/seq.send")" = 3 ]
kill -INT "$lpid"
wait_exit "$lpid"
expect "SIGINT exits 130" [ "$rc" = 130 ]

# --- forwarding to the app ----------------------------------------------------------------------
"$sink" --port-file "$tmp/app.port" --log "$tmp/app.log" --status 202 --lifetime 60 &
app_pid=$!
pids+=("$app_pid")
for _ in $(seq 200); do
  [ -s "$tmp/app.port" ] && break
  sleep 0.05
done
app=$(cat "$tmp/app.port")
start_listen fwd --no-capture --forward-to "http://127.0.0.1:$app/app"
printf '{"forwarded":true}' >"$tmp/fwd.json"
"$bin" send "http://127.0.0.1:$port/hooks/x?q=1" -p github --secret "$secret" --data @"$tmp/fwd.json" \
  >"$tmp/fwd.send" 2>&1
expect "app's 202 relayed to the sender" grep -q '^attempt 1: 202' "$tmp/fwd.send"
expect "app got path and query appended" grep -q '"target":"/app/hooks/x?q=1"' "$tmp/app.log"
expect "app got the signature header" grep -q 'X-Hub-Signature-256' "$tmp/app.log"
kill -9 "$app_pid" 2>/dev/null
wait "$app_pid" 2>/dev/null
"$bin" send "http://127.0.0.1:$port/hooks/x" -p github --secret "$secret" --data '{}' >"$tmp/fwd2.send" 2>&1
expect "unreachable app gives 502" grep -q '^attempt 1: 502' "$tmp/fwd2.send"
kill -TERM "$lpid"
wait_exit "$lpid"

# --- --expect and --timeout ----------------------------------------------------------------------
start_listen exp --no-capture -p standard --secret "$secret" --expect 2 --timeout 20s
for i in 1 2; do "$bin" send "http://127.0.0.1:$port/" -p standard --secret "$secret" --data '{}' >/dev/null 2>&1; done
wait_exit "$lpid"
expect "--expect 2 met: exit 0" [ "$rc" = 0 ]
# A delivery accepted only after retries counts once for --expect.
start_listen retried --no-capture -p github --secret "$secret" --fail-first 2 --expect 1 --timeout 20s
"$bin" send "http://127.0.0.1:$port/" -p github --secret "$secret" --data '{}' --retries 3 --backoff 10ms >/dev/null 2>&1
wait_exit "$lpid"
expect "--expect counts a delivery accepted on its third attempt" [ "$rc" = 0 ]
start_listen late --no-capture -p standard --secret "$secret" --expect 5 --timeout 300ms
wait_exit "$lpid"
expect "--expect not met within --timeout: exit 1" [ "$rc" = 1 ]
expect "--timeout message" grep -q 'expected 5 valid deliveries' "$tmp/late.err"

# --- durability: SIGKILL during concurrent sends -----------------------------------------------
start_listen dur --capture "$tmp/dur.jsonl"
sender() { # sender N: posts unique bodies until the listener dies; logs those answered 200
  local i=0
  while [ $i -lt 400 ]; do
    i=$((i + 1))
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -X POST --data "{\"sender\":$1,\"n\":$i}" \
      "http://127.0.0.1:$port/d" 2>/dev/null)
    [ "$code" = 200 ] && echo "{\"sender\":$1,\"n\":$i}" >>"$tmp/acked.$1"
    [ "$code" = 000 ] && break
  done
}
for s in 1 2 3 4; do sender $s & done
sleep 1.5
kill -9 "$lpid"
wait 2>/dev/null
acked=$(cat "$tmp"/acked.* 2>/dev/null | wc -l | tr -d ' ')
expect "some requests were answered before the kill ($acked)" [ "$acked" -gt 0 ]
missing=0
while IFS= read -r body; do
  esc=$(printf '%s' "$body" | sed 's/"/\\"/g')
  grep -qF "\"body\":\"$esc\"" "$tmp/dur.jsonl" || missing=$((missing + 1))
done < <(cat "$tmp"/acked.*)
expect "every answered request is in the capture ($missing missing of $acked)" [ "$missing" = 0 ]
before=$(grep -c '' "$tmp/dur.jsonl")
start_listen reopen --capture "$tmp/dur.jsonl"
expect "the capture reopens" kill -0 "$lpid"
curl -s -o /dev/null -X POST --data '{"after":1}' "http://127.0.0.1:$port/d"
kill -TERM "$lpid"
wait_exit "$lpid"
last_seq=$(tail -n 1 "$tmp/dur.jsonl" | grep -o '"seq":[0-9]*' | cut -d: -f2)
expect "seq continues after reopening" [ "$last_seq" -ge "$before" ]

# --- a corrupt capture file is refused with file and line; --repair moves the line aside ------------
head -n 2 "$tmp/dur.jsonl" >"$tmp/corrupt.jsonl"
echo 'this is not a capture record' >>"$tmp/corrupt.jsonl"
tail -n 1 "$tmp/dur.jsonl" >>"$tmp/corrupt.jsonl"
"$bin" listen --port 0 --capture "$tmp/corrupt.jsonl" >/dev/null 2>"$tmp/corrupt.err" &
cpid=$!
pids+=("$cpid")
wait_exit "$cpid"
expect "corrupt middle line refused with exit 2" [ "$rc" = 2 ]
expect "the error names file and line" grep -q "corrupt.jsonl:3" "$tmp/corrupt.err"
start_listen repair --capture "$tmp/corrupt.jsonl" --repair
expect "--repair reports the moved line" grep -q 'moved to' "$tmp/repair.err"
expect "the line is in FILE.rejected" grep -q 'this is not a capture record' "$tmp/corrupt.jsonl.rejected"
# A torn last line (a crash mid-write) is truncated and reported.
kill -TERM "$lpid"
wait_exit "$lpid"
printf '{"v":1,"seq":99,"id":"torn' >>"$tmp/corrupt.jsonl"
start_listen torn --capture "$tmp/corrupt.jsonl"
expect "torn last line reported" grep -q 'torn last line' "$tmp/torn.err"
# Limits: a body over --max-body is answered 413 and the receiver keeps serving.
kill -TERM "$lpid"
wait_exit "$lpid"
start_listen limits --capture "$tmp/limits.jsonl" --max-body 1k
big=$(head -c 4096 /dev/zero | tr '\0' 'a')
expect "413 over --max-body" [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST --data "$big" "http://127.0.0.1:$port/big")" = 413 ]
expect "still serving after a 413" [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST --data x "http://127.0.0.1:$port/")" = 200 ]
# A request refused at the HTTP level is logged like any other, and captured (head only) with why.
printf 'GET / HTTP/1.1\nHost: x\n\n' | timeout 5 curl -s -o /dev/null telnet://127.0.0.1:$port 2>/dev/null
kill -TERM "$lpid"
wait_exit "$lpid"
expect "the 413 is logged on stdout" grep -q 'POST /big  refused (.*)  -> 413' "$tmp/limits.out"
expect "the 413 is captured with its reason" grep -q '"path":"/big".*"status":413.*"refused":"' "$tmp/limits.jsonl"
expect "a bare-LF request is logged as refused" grep -q 'refused (.*bare LF.*) from .*  -> 400' "$tmp/limits.out"

# --- shutdown: Ctrl-C stops accepting at once; a second Ctrl-C quits without waiting -------------
start_listen drain --no-capture --delay 4s
curl -s -o /dev/null --max-time 10 -X POST --data x "http://127.0.0.1:$port/slow" &
pids+=($!)
sleep 0.3
kill -INT "$lpid"
sleep 0.3
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/" 2>/dev/null)
expect "new connections are refused while draining (got $code)" [ "$code" = 000 ]
expect "still draining the delayed request" kill -0 "$lpid"
t0=$(date +%s%N)
kill -INT "$lpid"
wait_exit "$lpid"
t1=$(date +%s%N)
expect "a second Ctrl-C exits 130 ($rc)" [ "$rc" = 130 ]
expect "a second Ctrl-C does not wait for the delay" [ $(((t1 - t0) / 1000000)) -lt 2000 ]

# --- HTTPS: --tls serves a self-signed certificate; plain HTTP on that port gets a clear 400 -------
mkdir -p "$tmp/tls" && cd "$tmp/tls" || exit 1
start_listen tls --no-capture --tls -p github --secret "$secret"
expect "the certificate file is written" [ -s "$tmp/tls/hookctl-tls-cert.pem" ]
"$bin" send "https://127.0.0.1:$port/x" -p github --secret "$secret" --data '{}' \
  --cacert "$tmp/tls/hookctl-tls-cert.pem" >"$tmp/tls.send" 2>&1
expect "send over https with --cacert verifies" grep -q '^attempt 1: 200' "$tmp/tls.send"
expect "plain HTTP on the HTTPS port gets 400" \
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")" = 400 ]
kill -TERM "$lpid"
wait_exit "$lpid"
cd "$tmp" || exit 1

# --quiet with --port 0 still says where it listens (one line), and nothing else.
start_listen quiet --quiet --no-capture
expect "--quiet --port 0: the address is printed" grep -q "^hookctl listen: http://127.0.0.1:$port/$" "$tmp/quiet.err"
expect "--quiet --port 0: only that line" [ "$(grep -c '' "$tmp/quiet.err")" = 1 ]
kill -TERM "$lpid"
wait_exit "$lpid"

exit $fail
