#!/usr/bin/env bash
# send -> listen --capture A -> replay --to listen B: both captures hold the same bodies byte for byte
# and the same headers (minus Host and Content-Length, which are recomputed); old signatures are
# reported stale and fail, re-signed ones verify; --compare finds a changed answer; --junit,
# --output, --list, selection, HAR and curl export, and a corrupt line with its line number.
set -u
bin=$1
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"
cd "$tmp" || exit 1
secret="whsec_$(head -c 24 /dev/urandom | base64)"
register_secret "$secret"

# --- capture A ----------------------------------------------------------------------------------
start_listen a --secret "$secret" --capture "$tmp/a.jsonl"
a_port=$port
a_pid=$lpid
for p in github stripe standard slack shopify; do
  "$bin" send "http://127.0.0.1:$a_port/hooks/$p?x=1" -p "$p" --secret "$secret" \
    --data "{\"type\":\"test.$p\",\"id\":\"evt_$p\",\"n\":[1,2,3]}" >/dev/null 2>&1 || bad "send $p to A"
done
printf '\x00\x01binary\xff' >"$tmp/bin.dat"
curl -s -o /dev/null -X PUT -H 'X-Dup: 1' -H 'x-dup: 2' --data-binary @"$tmp/bin.dat" "http://127.0.0.1:$a_port/raw"
# An old Stripe signature (an hour ago): A answers 401 and captures it as invalid.
old=$(($(date +%s) - 3600))
eval "$("$bin" sign -p stripe --secret "$secret" --timestamp "$old" --data '{"type":"old.event","id":"evt_old"}' \
  --format curl --url "http://127.0.0.1:$a_port/old")" >/dev/null 2>&1
kill -TERM "$a_pid"
wait_exit "$a_pid"
expect "A captured 7 events" [ "$(grep -c '' "$tmp/a.jsonl")" = 7 ]

# --- list and select ----------------------------------------------------------------------------
"$bin" replay "$tmp/a.jsonl" --list >"$tmp/list.out" 2>"$tmp/list.err"
expect "--list prints a header and 7 rows" [ "$(grep -c '' "$tmp/list.out")" = 8 ]
expect "--list shows the provider and status" grep -q '/hooks/stripe .*stripe .*test.stripe .*200' "$tmp/list.out"
"$bin" replay "$tmp/a.jsonl" --list --json --path '/hooks/*' --method POST --status 2xx >"$tmp/sel.jsonl"
expect "--path --method --status select the 5 signed deliveries" [ "$(grep -c '' "$tmp/sel.jsonl")" = 5 ]
"$bin" replay "$tmp/a.jsonl" --list --json --where body.type=test.slack >"$tmp/where.jsonl"
expect "--where body.type selects one" [ "$(grep -c '"path":"/hooks/slack"' "$tmp/where.jsonl")" = 1 ]
"$bin" replay "$tmp/a.jsonl" --list --json --verdict invalid >"$tmp/inv.jsonl"
expect "--verdict invalid selects the old Stripe event" grep -q '"path":"/old"' "$tmp/inv.jsonl"
"$bin" replay "$tmp/a.jsonl" --list --json --last 2 >"$tmp/last.jsonl"
expect "--last 2" [ "$(grep -c '' "$tmp/last.jsonl")" = 2 ]

# --- replay to B: byte-identical bodies, the same headers -----------------------------------------
start_listen b --secret "$secret" --capture "$tmp/b.jsonl"
b_port=$port
b_pid=$lpid
"$bin" replay "$tmp/a.jsonl" --to "http://127.0.0.1:$b_port" --path '/hooks/*' --method POST --method PUT \
  --junit "$tmp/junit.xml" --output "$tmp/replayed.jsonl" >"$tmp/r1.out" 2>"$tmp/r1.err"
expect "replay of the fresh events exits 0 ($(cat "$tmp/r1.err"))" [ $? = 0 ]
"$bin" replay "$tmp/a.jsonl" --to "http://127.0.0.1:$b_port" --path /raw >/dev/null 2>&1
expect "replay of the unsigned binary event exits 0" [ $? = 0 ]
# Headers and body of each record, minus Host and Content-Length (recomputed by the sender).
fields() {
  sed -E 's/.*("headers":.*"body_encoding":"[a-z0-9]+").*/\1/; s/\["Host","[^"]*"\],?//; s/,?\["Content-Length","[0-9]*"\]//' "$1"
}
grep -v '"path":"/old"' "$tmp/a.jsonl" | fields /dev/stdin >"$tmp/a.fields"
fields "$tmp/b.jsonl" >"$tmp/b.fields"
expect "B received what A captured (headers and bodies)" diff "$tmp/a.fields" "$tmp/b.fields"
expect "the binary body went out byte-exact (base64 in both)" grep -q '"body":"AAFiaW5hcnn/","body_encoding":"base64"' \
  "$tmp/b.jsonl"
expect "B verified every signed delivery" [ "$(grep -c '"valid":true' "$tmp/b.jsonl")" = 5 ]
expect "--junit has one test case per event" [ "$(grep -c '<testcase ' "$tmp/junit.xml")" = 5 ]
expect "--junit counts no failure" grep -q 'tests="5" failures="0"' "$tmp/junit.xml"
expect "--output holds the requests sent and the answers" [ "$(grep -c '"response":{"status":200' "$tmp/replayed.jsonl")" = 5 ]

# --- stale signatures: reported and rejected; --resign makes them verify -----------------------------
"$bin" replay "$tmp/a.jsonl" --to "http://127.0.0.1:$b_port" --path /old >"$tmp/stale.out" 2>"$tmp/stale.err"
expect "the old Stripe event fails without --resign (exit 1)" [ $? = 1 ]
expect "it is answered 401" grep -q -- '-> 401' "$tmp/stale.out"
expect "the summary warns it is older than the window" grep -q 'older than their provider.s timestamp window (1 stripe)' \
  "$tmp/stale.err"
"$bin" replay "$tmp/a.jsonl" --to "http://127.0.0.1:$b_port" --path /old --resign -p stripe --secret "$secret" \
  >"$tmp/resign.out" 2>&1
expect "re-signed, it is accepted (exit 0)" [ $? = 0 ]
expect "B verified the re-signed event" grep -q '"path":"/old".*"valid":true' "$tmp/b.jsonl"
# Slack and Standard Webhooks re-signed: signatures that verify (Standard's new, with a new id).
for p in slack standard; do
  "$bin" replay "$tmp/a.jsonl" --to "http://127.0.0.1:$b_port" --path "/hooks/$p" --resign -p "$p" --secret "$secret" \
    --new-ids >/dev/null 2>&1
  expect "re-signed $p event accepted" [ $? = 0 ]
  sig=$(grep -o "\"\(X-Slack-Signature\|webhook-signature\)\",\"[^\"]*\"" "$tmp/a.jsonl" | grep -i -m1 "$([ $p = slack ] && echo slack || echo webhook)")
  expect "re-signed $p event verified by B with a new signature" \
    [ "$(grep "\"path\":\"/hooks/$p\"" "$tmp/b.jsonl" | tail -n 1 | grep -c '"valid":true')" = 1 ]
  # Slack signs only the timestamp and body: within the same second a fresh signature is the same.
  [ "$p" = slack ] && continue
  expect "the $p signature B got is not the captured one" \
    [ "$(grep "\"path\":\"/hooks/$p\"" "$tmp/b.jsonl" | tail -n 1 | grep -cF "$sig")" = 0 ]
done
kill -TERM "$b_pid"
wait_exit "$b_pid"

# --- compare: the receiver now answers 500 where 200 was recorded ------------------------------------
start_listen c --no-capture --status 500
"$bin" replay "$tmp/a.jsonl" --to "http://127.0.0.1:$port" --path '/hooks/g*' --compare --junit "$tmp/cmp.xml" \
  >"$tmp/cmp.out" 2>"$tmp/cmp.err"
expect "--compare exits 1 on a mismatch" [ $? = 1 ]
expect "the mismatch is explained" grep -q 'status 200 (2xx) recorded, got 500 (5xx)' "$tmp/cmp.err"
expect "--junit records the failure" grep -q 'failures="1"' "$tmp/cmp.xml"
"$bin" replay "$tmp/a.jsonl" --to "http://127.0.0.1:$port" --path '/hooks/g*' --expect-status 5xx >/dev/null 2>&1
expect "--expect-status 5xx passes" [ $? = 0 ]
kill -TERM "$lpid"
wait_exit "$lpid"

# --- export: HAR that imports back to the same events; curl commands that run -----------------------
"$bin" replay "$tmp/a.jsonl" --format har --include-sensitive >"$tmp/a.har"
expect "HAR export is HAR 1.2" grep -q '"version":"1.2"' "$tmp/a.har"
"$bin" replay "$tmp/a.har" --list --json >"$tmp/from_har.jsonl"
expect "the HAR holds the same events" diff <(fields "$tmp/a.jsonl") <(fields "$tmp/from_har.jsonl")
start_listen d --secret "$secret" --capture "$tmp/d.jsonl"
"$bin" replay "$tmp/a.jsonl" --path /hooks/github --format curl --to "http://127.0.0.1:$port" >"$tmp/cmd.sh"
bash "$tmp/cmd.sh" >/dev/null 2>&1
expect "the exported curl command delivers a verifiable event" grep -q '"path":"/hooks/github".*"valid":true' "$tmp/d.jsonl"
kill -TERM "$lpid"
wait_exit "$lpid"

# --- a capture replayed to the listener appending to it: only what it held at the start ----------
cp "$tmp/a.jsonl" "$tmp/self.jsonl"
before=$(grep -c '' "$tmp/self.jsonl")
start_listen self --capture "$tmp/self.jsonl"
timeout 20 "$bin" replay "$tmp/self.jsonl" --to "http://127.0.0.1:$port" >/dev/null 2>&1
expect "replaying the growing capture ends (exit 0)" [ $? = 0 ]
expect "each event was sent once" [ "$(grep -c '' "$tmp/self.jsonl")" = $((before * 2)) ]
kill -TERM "$lpid"
wait_exit "$lpid"

# --- a GitLab token (the secret itself, in a header) is masked in what --output writes ------------
gl_token="glt$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
register_secret "$gl_token"
start_listen gl -p gitlab --secret "$gl_token" --capture "$tmp/gl.jsonl"
"$bin" send "http://127.0.0.1:$port/gl" -p gitlab --secret "$gl_token" --event gitlab.push >/dev/null 2>&1
"$bin" replay "$tmp/gl.jsonl" --to "http://127.0.0.1:$port" -p gitlab --resign --secret "$gl_token" \
  --output "$tmp/gl_out.jsonl" >"$tmp/gl.out" 2>&1
expect "a re-signed GitLab replay is accepted (exit 0)" [ $? = 0 ]
expect "--output writes X-Gitlab-Token as ***" grep -q '\["X-Gitlab-Token","\*\*\*"\]' "$tmp/gl_out.jsonl"
expect "--output does not hold the token" bash -c "! grep -qF -- \"\$1\" \"\$2\"" _ "$gl_token" "$tmp/gl_out.jsonl"
kill -TERM "$lpid"
wait_exit "$lpid"

# --- bad input ------------------------------------------------------------------------------------
{ head -n 2 "$tmp/a.jsonl"; echo '{not json'; tail -n 1 "$tmp/a.jsonl"; } >"$tmp/corrupt.jsonl"
"$bin" replay "$tmp/corrupt.jsonl" --list >/dev/null 2>"$tmp/corrupt.err"
expect "a malformed line stops with exit 2" [ $? = 2 ]
expect "the error names FILE:LINE" grep -q 'corrupt.jsonl:3: ' "$tmp/corrupt.err"
"$bin" replay "$tmp/corrupt.jsonl" --list --json --skip-invalid >"$tmp/skipped.jsonl" 2>"$tmp/skipped.err"
expect "--skip-invalid goes on" [ "$(grep -c '' "$tmp/skipped.jsonl")" = 3 ]
expect "--skip-invalid reports what it skipped" grep -q 'skipped .*corrupt.jsonl:3' "$tmp/skipped.err"
cat "$tmp/a.jsonl" | "$bin" replay - --list >/dev/null 2>&1
expect "stdin (-) is read" [ $? = 0 ]
exit $fail
