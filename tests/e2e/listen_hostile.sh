#!/usr/bin/env bash
# hookctl listen against hostile clients: 200 slowloris connections (a partial request head, then
# nothing) held open while a normal client keeps getting its answers in time; and every malformed
# request of tests/data/http/ sent raw, each answered with the status its README gives (408 after
# the read timeout for those only the end of the stream could reveal), with a normal delivery
# answered 200 after each: the receiver keeps serving.
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/common.sh"
data="$here/../data/http"

# A read timeout well above the 2 s a normal delivery may take (process start included, slower under
# a sanitizer): a server blocked by the stalled connections would make the client wait for it.
start_listen hostile --no-capture --read-timeout 4s

# --- slowloris -------------------------------------------------------------------------------------
stalled=()
for _ in $(seq 200); do
  exec {fd}<>"/dev/tcp/127.0.0.1/$port" || break
  printf 'POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ' >&"$fd"
  stalled+=("$fd")
done
expect "200 stalled connections are open" [ "${#stalled[@]}" = 200 ]
slow=0
ok_count=0
for i in $(seq 20); do
  t0=$(date +%s%N)
  if "$bin" send "http://127.0.0.1:$port/normal" --data "{\"n\":$i}" --retries 0 --timeout 2s --quiet \
    >/dev/null 2>&1; then ok_count=$((ok_count + 1)); fi
  t1=$(date +%s%N)
  [ $(((t1 - t0) / 1000000)) -gt 2000 ] && slow=$((slow + 1))
done
expect "slowloris: the normal client got 20 of 20 answers" [ "$ok_count" = 20 ]
expect "slowloris: none took over 2 s ($slow did)" [ "$slow" = 0 ]
# The stalled connections are dropped by the read timeout (408 or a close), not kept forever.
sleep 4.5
dropped=0
for fd in "${stalled[@]}"; do
  if timeout 2 head -c 12 <&"$fd" 2>/dev/null | grep -q '408' || ! printf 'x' >&"$fd" 2>/dev/null; then
    dropped=$((dropped + 1))
  fi
  exec {fd}>&-
done
expect "slowloris: the stalled connections were timed out ($dropped of 200)" [ "$dropped" = 200 ]

# --- malformed requests ------------------------------------------------------------------------------
checked=0
while IFS='|' read -r _ file status at _; do
  file=$(echo "$file" | tr -d ' ')
  status=$(echo "$status" | tr -d ' ')
  at=$(echo "$at" | tr -d ' ')
  [[ $file == *.http ]] || continue
  [ "$at" = eof ] && status=408 # the stream never ends here: the read timeout answers
  exec {fd}<>"/dev/tcp/127.0.0.1/$port"
  cat "$data/$file" >&"$fd" 2>/dev/null
  got=$(timeout 8 head -n 1 <&"$fd" 2>/dev/null | tr -d '\r' | cut -d' ' -f2)
  exec {fd}>&-
  if [ "$got" = "$status" ]; then ok "$file: answered $status"; else bad "$file: answered '${got}', want $status"; fi
  "$bin" send "http://127.0.0.1:$port/after" --data '{}' --retries 0 --timeout 3s --quiet >/dev/null 2>&1
  expect "$file: a normal delivery is answered 200 afterwards" [ $? = 0 ]
  checked=$((checked + 1))
done <"$data/README.md"
expect "every file of tests/data/http was sent ($checked)" [ "$checked" = "$(ls "$data"/*.http | grep -c '')" ]
expect "listen is still running" kill -0 "$lpid"
kill -TERM "$lpid"
wait_exit "$lpid"
expect "listen stops cleanly (exit 0)" [ "$rc" = 0 ]
exit $fail
