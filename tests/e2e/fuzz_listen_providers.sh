#!/usr/bin/env bash
# `hookctl fuzz` against `hookctl listen` with verification, for every provider (not only the Stripe
# of fuzz_receivers): forged, stale, replayed and malformed-payload deliveries give zero findings,
# and the baseline is accepted (Twilio's form body has no JSON payload cases: at least 10 cases
# each). Keys come from `hookctl keygen`, events from the catalog.
set -u
bin=$1
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"
cd "$tmp" || exit 1

# provider:event; every provider hookctl lists must be here (checked below).
pairs=(github:github.push stripe:stripe.invoice.paid standard:standard.invoice.paid
  svix:svix.endpoint.created slack:slack.event_callback shopify:shopify.orders/create twilio:twilio.sms
  discord:discord.ping gitlab:gitlab.push twitch:twitch.stream.online square:square.payment.created
  paddle:paddle.transaction.completed)
listed=$("$bin" providers --json | grep -o '"name":"[a-z]*"' | sed 's/"name":"//; s/"//' | grep -v '^hmac$' | sort)
covered=$(for pe in "${pairs[@]}"; do echo "${pe%%:*}"; done | sort)
expect "every provider but the generic hmac is fuzzed" test "$listed" = "$covered"

for pe in "${pairs[@]}"; do
  p=${pe%%:*}
  event=${pe#*:}
  # The listener verifies with the public half (Ed25519) or the secret; the fuzzer signs.
  "$bin" keygen -p "$p" --json >"$tmp/$p.key.secret-ok"
  if grep -q '"private_key"' "$tmp/$p.key.secret-ok"; then
    priv=$(grep -o '"private_key":"[^"]*"' "$tmp/$p.key.secret-ok" | cut -d'"' -f4)
    pub=$(grep -o '"public_key":"[^"]*"' "$tmp/$p.key.secret-ok" | cut -d'"' -f4)
    register_secret "$priv"
    listen_key=(--public-key "$pub")
    fuzz_key=(--private-key "$priv")
  else
    secret=$(grep -o '"secret":"[^"]*"' "$tmp/$p.key.secret-ok" | cut -d'"' -f4)
    register_secret "$secret"
    listen_key=(--secret "$secret")
    fuzz_key=(--secret "$secret")
  fi
  start_listen "$p" -p "$p" "${listen_key[@]}" --capture "$tmp/$p.jsonl"
  [ -n "$port" ] || { bad "$p: listen did not start: $(cat "$tmp/$p.err")"; continue; }
  timeout 90 "$bin" fuzz "http://127.0.0.1:$port/hook" -p "$p" "${fuzz_key[@]}" --event "$event" --seed 5 \
    --families signature,replay,payload --json >"$tmp/$p.json" 2>"$tmp/$p.fuzz.err"
  rc=$?
  n=$(grep -c '' "$tmp/$p.json")
  found=$(grep -c '"verdict":"finding"' "$tmp/$p.json")
  if [ "$rc" = 0 ] && [ "$found" = 0 ] && [ "$n" -ge 10 ]; then
    ok "$p: $n cases, zero findings"
  else
    bad "$p: exit $rc, $found finding(s) in $n cases"
    grep '"verdict":"finding"' "$tmp/$p.json" | head -n 5
    tail -n 3 "$tmp/$p.fuzz.err"
  fi
  expect "$p: the signature family ran" grep -q '"family":"signature"' "$tmp/$p.json"
  expect "$p: listen refused forgeries (401s in its capture)" grep -q '"valid":false' "$tmp/$p.jsonl"
  kill -TERM "$lpid"
  wait_exit "$lpid"
done
exit $fail
