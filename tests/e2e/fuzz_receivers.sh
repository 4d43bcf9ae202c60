#!/usr/bin/env bash
# hookctl fuzz against deliberately broken receivers (tests/support/broken_receiver.cpp): each
# planted bug is found with the right kind; `hookctl listen` with verification gives zero
# findings; the same seed lists the same cases; --junit, --out (replayed with hookctl replay),
# --case, the baseline check (exit 2) and --allow-remote.
set -u
bin=$1
broken="$(cd "$(dirname "$2")" && pwd)/hookctl_test_broken_receiver"
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"
cd "$tmp" || exit 1
[ -x "$broken" ] || { echo "FAIL: $broken not built"; exit 1; }
secret="whsec_$(head -c 24 /dev/urandom | base64)"
register_secret "$secret"

# start_broken NAME BUG [ARGS...]: the broken receiver on a free port; sets $bport.
start_broken() {
  local name=$1 bug=$2
  shift 2
  rm -f "$tmp/$name.port"
  "$broken" --port-file "$tmp/$name.port" --provider stripe --secret "$secret" --bug "$bug" --lifetime 100 "$@" \
    >"$tmp/$name.out" 2>&1 &
  pids+=("$!")
  bport=
  for _ in $(seq 100); do
    [ -s "$tmp/$name.port" ] && bport=$(cat "$tmp/$name.port") && break
    sleep 0.05
  done
  [ -n "$bport" ] || { cat "$tmp/$name.out"; echo "FAIL: broken receiver $bug did not start"; exit 1; }
}
# fuzz_json NAME URL ARGS...: runs fuzz --json into $tmp/NAME.json; sets $rc.
fuzz_json() {
  local name=$1 url=$2
  shift 2
  timeout 90 "$bin" fuzz "$url" -p stripe --secret "$secret" --event stripe.invoice.paid --seed 11 --json "$@" \
    >"$tmp/$name.json" 2>"$tmp/$name.err"
  rc=$?
}
# found NAME KIND CASE: the run NAME reported CASE as a finding of KIND.
found() {
  grep -q "\"id\":\"$3\".*\"verdict\":\"finding\",\"kind\":\"$2\"" "$tmp/$1.json"
}
findings() { grep -c '"verdict":"finding"' "$tmp/$1.json" | tr -d ' '; }

# --- planted bugs ---------------------------------------------------------------------------------
start_broken nv never-verify
fuzz_json nv "http://127.0.0.1:$bport/hook" --families signature
expect "never-verify: exit 1" test "$rc" = 1
for c in missing-header wrong-secret other-body body-one-byte truncated duplicated-header; do
  expect "never-verify: signature.$c is accepts-forgery" found nv accepts-forgery "signature.$c"
done
expect "never-verify: stale deliveries are accepts-stale" found nv accepts-stale signature.stale-far-outside

start_broken it ignore-timestamps
fuzz_json it "http://127.0.0.1:$bport/hook" --families signature
expect "ignore-timestamps: stale just outside found" found it accepts-stale signature.stale-just-outside
expect "ignore-timestamps: stale far outside found" found it accepts-stale signature.stale-far-outside
expect "ignore-timestamps: no forgery accepted" test "$(grep -c 'accepts-forgery' "$tmp/it.json")" = 0
# Stripe's own library takes future timestamps: a note, not a finding, unless --strict.
expect "ignore-timestamps: a future timestamp is a note" \
  grep -q '"id":"signature.future-far-outside".*"verdict":"note"' "$tmp/it.json"
fuzz_json its "http://127.0.0.1:$bport/hook" --families signature --strict
expect "--strict: a future timestamp is a finding" found its accepts-stale signature.future-far-outside

start_broken ue 500-on-unknown-event --known-types invoice.paid
fuzz_json ue "http://127.0.0.1:$bport/hook" --families payload
expect "500-on-unknown-event: server-error on payload.unknown-event-type" \
  found ue server-error payload.unknown-event-type

start_broken cr crash-on-deep-json
fuzz_json cr "http://127.0.0.1:$bport/hook" --families payload
expect "crash-on-deep-json: receiver-broke on payload.deep-nesting" found cr receiver-broke payload.deep-nesting
expect "crash-on-deep-json: the run stopped there" test "$(tail -n 1 "$tmp/cr.json" | grep -c deep-nesting)" = 1
expect "crash-on-deep-json: the summary says so" grep -q 'no longer accepts the baseline' "$tmp/cr.err"

start_broken hs hang-on-slow-body
fuzz_json hs "http://127.0.0.1:$bport/hook" --families slow --out "$tmp/hsf"
expect "hang-on-slow-body: slow.slow-body held the baseline up (slow: answered late)" found hs slow slow.slow-body
expect "--out: a raw-socket finding is written as ID.http, the bytes the case writes" \
  grep -q '^POST /hook HTTP/1.1' "$tmp/hsf/slow.slow-body.http"
expect "--out: the summary names the .http files" grep -q 'raw-socket finding(s) written as .*/ID.http' "$tmp/hs.err"

# --- a correct receiver ---------------------------------------------------------------------------
start_listen ok --provider stripe --secret "$secret" --capture "$tmp/ok.jsonl"
ok_port=$port
fuzz_json ok "http://127.0.0.1:$port/hook" --junit "$tmp/ok.xml"
expect "listen with verification: exit 0" test "$rc" = 0
expect "listen with verification: zero findings" test "$(findings ok)" = 0
expect "every delivery carried its own event id (the replay cases excepted)" \
  test "$(grep -o '"body":"{[^,]*' "$tmp/ok.jsonl" | sort | uniq -d | wc -l | tr -d ' ')" -le 2  # the two replay cases
expect "listen with verification: every family ran" \
  test "$(grep -o '"family":"[a-z]*"' "$tmp/ok.json" | sort -u | wc -l | tr -d ' ')" = 6
tests=$(grep -o 'tests="[0-9]*"' "$tmp/ok.xml" | head -n 1 | tr -dc 0-9)
expect "--junit: one test case per case" test "$tests" = "$(grep -c '' "$tmp/ok.json")"
expect "--junit: classname is the family" grep -q 'classname="signature"' "$tmp/ok.xml"
expect "the secret is in no output" bash -c "! grep -qF -- '$secret' '$tmp/ok.json' '$tmp/ok.err' '$tmp/ok.xml'"

fuzz_json okc "http://127.0.0.1:$port/hook" --families signature,payload,order --concurrency 4
expect "--concurrency 4 against listen: exit 0, zero findings" test "$rc:$(findings okc)" = "0:0"
fuzz_json okd "http://127.0.0.1:$port/hook" --families signature --duration 2s
n_sig=$("$bin" fuzz "http://127.0.0.1:$port/hook" -p stripe --secret "$secret" --event stripe.invoice.paid \
  --families signature --list | grep -c '')
expect "--duration 2s draws past the list ($n_sig signature cases)" test "$(grep -c '' "$tmp/okd.json")" -gt "$n_sig"
fuzz_json oke "http://127.0.0.1:$port/hook" --families signature --expect signature=400
expect "--expect signature=400: listen's 401s are unexpected-status" \
  grep -q '"kind":"unexpected-status"' "$tmp/oke.json"

# The generic scheme: the signature cases tamper with the configured header, not the default one.
hmac=(-p hmac --hmac-header X-Sig --hmac-algorithm sha512 --hmac-encoding base64 --hmac-prefix 'v1='
  --hmac-template '{timestamp}.{body}')
start_listen hm "${hmac[@]}" --secret "$secret" --no-capture
timeout 60 "$bin" fuzz "http://127.0.0.1:$port/hook" "${hmac[@]}" --secret "$secret" --data '{"a":1}' --seed 3 \
  --families signature >"$tmp/hmac.out" 2>&1
rc=$?
expect "-p hmac with --hmac-header: zero findings against listen with the same scheme" test "$rc" = 0
port=$ok_port

# --- reproducibility ------------------------------------------------------------------------------
"$bin" fuzz "http://127.0.0.1:$port/hook" -p stripe --secret "$secret" --event stripe.invoice.paid --seed 5 \
  --cases 40 --list >"$tmp/l1"
"$bin" fuzz "http://127.0.0.1:$port/hook" -p stripe --secret "$secret" --event stripe.invoice.paid --seed 5 \
  --cases 40 --list >"$tmp/l2"
"$bin" fuzz "http://127.0.0.1:$port/hook" -p stripe --secret "$secret" --event stripe.invoice.paid --seed 6 \
  --cases 40 --list >"$tmp/l3"
expect "the same seed lists the same 40 cases" cmp -s "$tmp/l1" "$tmp/l2"
expect "another seed draws another order" bash -c "! cmp -s '$tmp/l1' '$tmp/l3'"
expect "--cases 40 lists 40" test "$(grep -c '' "$tmp/l1")" = 40

# --- --out, --case, and replaying a finding -------------------------------------------------------
start_broken nv2 never-verify
timeout 60 "$bin" fuzz "http://127.0.0.1:$bport/hook" -p stripe --secret "$secret" --event stripe.invoice.paid \
  --seed 11 --case signature.wrong-secret --out "$tmp/findings" >"$tmp/one.out" 2>&1
rc=$?
expect "--case: exit 1 on its finding" test "$rc" = 1
expect "--case: the reproducer line names the case" grep -q -- '--case signature.wrong-secret' "$tmp/one.out"
expect "--out: the finding's capture file" test -s "$tmp/findings/signature.wrong-secret.jsonl"
"$bin" replay "$tmp/findings/signature.wrong-secret.jsonl" --to "http://127.0.0.1:$bport" --expect-status 401 \
  >"$tmp/replay.out" 2>&1
expect "replaying the finding reproduces it (answered 200, not 401)" grep -q -- '-> 200' "$tmp/replay.out"
"$bin" replay "$tmp/findings/signature.wrong-secret.jsonl" --to "http://127.0.0.1:$port" --expect-status 401 \
  >"$tmp/replay_ok.out" 2>&1
expect "the same file against listen is refused (401)" test $? = 0

# A GitLab token is the secret itself: the findings' files hold it as ***.
gl_token="glt$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
register_secret "$gl_token"
timeout 60 "$bin" fuzz "http://127.0.0.1:$bport/hook" -p gitlab --secret "$gl_token" --event gitlab.push \
  --seed 11 --families signature --out "$tmp/glf" >"$tmp/gl.out" 2>&1
expect "gitlab against never-verify: findings, each with a file" test -s "$tmp/glf/signature.duplicated-header.jsonl"
expect "--out writes X-Gitlab-Token as ***" grep -q '\["X-Gitlab-Token","\*\*\*"\]' "$tmp/glf/signature.duplicated-header.jsonl"
expect "--out keeps a forged token as sent (the finding replays as is)" \
  grep -q '\["X-Gitlab-Token","[^*"][^"]*"\]' "$tmp/glf/signature.wrong-secret.jsonl"
expect "--out files do not hold the token" bash -c "! grep -rqF -- \"\$1\" \"\$2\"" _ "$gl_token" "$tmp/glf"
# ... nor do raw-socket findings' .http files, where the token is a header in the raw bytes.
start_broken hsg hang-on-slow-body --provider gitlab --secret "$gl_token"
timeout 60 "$bin" fuzz "http://127.0.0.1:$bport/hook" -p gitlab --secret "$gl_token" --event gitlab.push \
  --seed 11 --families slow --max-latency 1ms --out "$tmp/glraw" >"$tmp/glraw.out" 2>&1
expect "gitlab raw finding: written, its token as ***" grep -q '^X-Gitlab-Token: \*\*\*' "$tmp/glraw/slow.slow-body.http"
expect "gitlab raw finding: the token, even cut short by slow-headers, is in no .http file" \
  bash -c "! grep -rqF -- \"\$1\" \"\$2\"" _ "${gl_token:0:12}" "$tmp/glraw"
expect "gitlab raw findings: slow-headers was written too" test -s "$tmp/glraw/slow.slow-headers.http"

# A case id with a JSON path ('/') as a file name; --check-cmd sees the case in every command.
timeout 60 "$bin" fuzz "http://127.0.0.1:$port/hook" -p stripe --secret "$secret" --event stripe.invoice.paid \
  --seed 11 --case payload.null/data/object --expect payload=400 --out "$tmp/f2" \
  --check-cmd 'true; echo "case=$HOOKCTL_FUZZ_CASE" >>"'"$tmp"'/check.log"' >"$tmp/slash.out" 2>&1
rc=$?
expect "--expect payload=400 against listen: exit 1 (unexpected-status)" test "$rc" = 1
expect "--out: a / in the id becomes _ in the file name" test -s "$tmp/f2/payload.null_data_object.jsonl"
expect "--case with a / id runs" grep -q 'unexpected-status' "$tmp/slash.out"
start_broken nv3 never-verify
timeout 60 "$bin" fuzz "http://127.0.0.1:$bport/hook" -p stripe --secret "$secret" --event stripe.invoice.paid \
  --seed 11 --families replay --check-cmd 'true; echo "case=$HOOKCTL_FUZZ_CASE" >>"'"$tmp"'/check.log"' \
  >"$tmp/check.out" 2>&1
expect "--check-cmd: HOOKCTL_FUZZ_CASE reaches every command of the line" \
  grep -q '^case=replay.same-delivery-twice$' "$tmp/check.log"
# Cases drawn again are listed once, with how often.
timeout 60 "$bin" fuzz "http://127.0.0.1:$bport/hook" -p stripe --secret "$secret" --event stripe.invoice.paid \
  --seed 11 --families signature --cases 40 >"$tmp/drawn.out" 2>&1
expect "a case drawn more than once is listed once, (xN)" grep -q '(x[23]) signature.missing-header' "$tmp/drawn.out"
expect "... and only once" test "$(grep -c 'signature.missing-header:' "$tmp/drawn.out")" = 1
# An unwritable report path is refused before the run.
timeout 20 "$bin" fuzz "http://127.0.0.1:$bport/hook" -p stripe --secret "$secret" --event stripe.invoice.paid \
  --junit /nonexistent-dir/x.xml >"$tmp/junit_bad.out" 2>&1
rc=$?
expect "an unwritable --junit: exit 3 at once" test "$rc" = 3
expect "an unwritable --junit: nothing was sent" bash -c "! grep -q 'case(s) in' '$tmp/junit_bad.out'"
"$bin" fuzz "http://127.0.0.1:$bport/hook" -p stripe --event stripe.invoice.paid >"$tmp/nokey.out" 2>&1
rc=$?
expect "no key: exit 2, no --no-sign hint" bash -c "test $rc = 2 && ! grep -q -- '--no-sign' '$tmp/nokey.out'"

# --- refusals -------------------------------------------------------------------------------------
timeout 30 "$bin" fuzz "http://127.0.0.1:$port/hook" -p stripe --secret wrong-secret --event stripe.invoice.paid \
  >"$tmp/base.out" 2>&1
rc=$?
expect "a baseline the endpoint refuses: exit 2" test "$rc" = 2
expect "a baseline the endpoint refuses: says what came back" grep -q 'baseline.*answered 401' "$tmp/base.out"
"$bin" fuzz http://192.0.2.1/hook -p stripe --secret "$secret" --event stripe.invoice.paid >"$tmp/remote.out" 2>&1
rc=$?
expect "another host without --allow-remote: exit 2" test "$rc" = 2
expect "another host without --allow-remote: says why" grep -q -- '--allow-remote' "$tmp/remote.out"
"$bin" fuzz "http://127.0.0.1:$port/hook" -p stripe --secret "$secret" --event stripe.invoice.paid \
  --families signature,bogus >"$tmp/fam.out" 2>&1
rc=$?
expect "an unknown family: exit 2" test "$rc" = 2
exit $fail
