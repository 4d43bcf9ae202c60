#!/usr/bin/env bash
# The real binary as a user runs it: sign, pipe, verify, exit codes, and no secret on any stream.
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # check NAME EXPECTED_RC ACTUAL_RC
  if [ "$2" != "$3" ]; then echo "FAIL: $1: exit $3, expected $2"; fail=1; else echo "ok: $1"; fi
}

secret="whsec_$(head -c 24 /dev/urandom | base64)"
printf '{"type":"invoice.paid","amount":4200}' >"$tmp/body.json"

"$bin" --version >"$tmp/version" 2>&1
check "--version" 0 $?
grep -q '^hookctl ' "$tmp/version" || { echo "FAIL: --version output"; fail=1; }

# Sign as Stripe, turn the header lines into -H arguments, verify the same bytes from stdin.
"$bin" sign --provider stripe --secret "$secret" --data @"$tmp/body.json" >"$tmp/headers" 2>"$tmp/sign.err"
check "sign stripe" 0 $?
args=()
while IFS= read -r line; do args+=(-H "$line"); done <"$tmp/headers"
"$bin" verify --provider stripe --secret "$secret" "${args[@]}" --data @- <"$tmp/body.json" >"$tmp/v.out" 2>"$tmp/v.err"
check "verify stripe from stdin" 0 $?

printf '{"type":"invoice.paid","amount":4201}' >"$tmp/tampered.json"
"$bin" verify --provider stripe --secret "$secret" "${args[@]}" --data @"$tmp/tampered.json" >"$tmp/t.out" 2>"$tmp/t.err"
check "verify tampered body" 1 $?
grep -q "invalid signature (stripe)" "$tmp/t.err" || { echo "FAIL: reason missing on stderr"; fail=1; }

HOOKCTL_SECRET="$secret" "$bin" verify --provider stripe "${args[@]}" --data @"$tmp/body.json" --json >"$tmp/j.out" 2>>"$tmp/v.err"
check "verify with HOOKCTL_SECRET" 0 $?
grep -q '"valid":true' "$tmp/j.out" || { echo "FAIL: --json verdict"; fail=1; }

"$bin" verify --provider stripe --secret "$secret" --data x --tolerance nonsense >"$tmp/u.out" 2>"$tmp/u.err"
check "bad --tolerance is a usage error" 2 $?
"$bin" sign --provider nosuch --secret "$secret" --data x >"$tmp/u2.out" 2>"$tmp/u2.err"
check "unknown provider is a usage error" 2 $?

# A full disk is an environment error, not success.
if [ -w /dev/full ]; then
  "$bin" sign --provider github --secret "$secret" --data x >/dev/full 2>"$tmp/full.err"
  check "output to a full disk exits 3" 3 $?
  grep -q "cannot write the output" "$tmp/full.err" || { echo "FAIL: no message for the full disk"; fail=1; }
fi

# The curl format is a runnable command: run it through a fake curl that records its arguments.
mkdir -p "$tmp/fakebin"
cat >"$tmp/fakebin/curl" <<'FAKE'
#!/usr/bin/env bash
for a in "$@"; do printf '%s\n' "$a"; done >"$FAKE_CURL_ARGS"
FAKE
chmod +x "$tmp/fakebin/curl"
"$bin" sign --provider github --secret "$secret" --data @"$tmp/body.json" --format curl --url http://127.0.0.1:9/h >"$tmp/curl.sh"
check "sign --format curl" 0 $?
FAKE_CURL_ARGS="$tmp/curl.args" PATH="$tmp/fakebin:$PATH" bash "$tmp/curl.sh"
grep -qx '{"type":"invoice.paid","amount":4200}' "$tmp/curl.args" || { echo "FAIL: curl body not byte-exact"; fail=1; }
grep -q '^X-Hub-Signature-256: sha256=' "$tmp/curl.args" || { echo "FAIL: curl header"; fail=1; }

# The secret never appears on any stream.
if grep -rqF -- "$secret" "$tmp"/*.out "$tmp"/*.err "$tmp/headers" "$tmp/curl.sh" 2>/dev/null; then
  echo "FAIL: the secret appeared in an output"
  fail=1
fi
source "$(dirname "$0")/lib/secrets.sh"
scan_for_secrets "$tmp" "$secret" || fail=1
[ $fail -eq 0 ] && echo "e2e sign_verify_process: all checks passed"
exit $fail
