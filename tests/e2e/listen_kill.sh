#!/usr/bin/env bash
# hookctl listen killed with SIGKILL at random moments, 20 times, while 4 senders keep delivering:
# after each kill, every delivery that was answered 2xx is in the capture file, and the next
# listen on the same file opens it (a torn last line, if the kill cut one, is repaired and
# reported on the banner). At the end the whole file parses. A torn tail written on purpose is
# repaired and reported as well.
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/common.sh"

rounds=${HOOKCTL_TEST_KILL_ROUNDS:-20}
cap="$tmp/cap.jsonl"
: >"$tmp/answered"

# sender K ROUND: single deliveries with ids "r<ROUND>-k<K>-<n>" until the listener is gone (or
# 400 of them); each id answered 2xx is appended to $tmp/answered.K.ROUND.
sender() {
  local k=$1 round=$2 n=0
  while [ $n -lt 400 ]; do
    n=$((n + 1))
    local id="r$round-k$k-$n"
    if "$bin" send "http://127.0.0.1:$port/hook" --data "{\"id\":\"$id\"}" --id "$id" --retries 0 \
      --timeout 2s --quiet >/dev/null 2>&1; then
      echo "$id" >>"$tmp/answered.$k.$round"
    else
      break
    fi
  done
}

repaired_rounds=0
opened_ok=0
for round in $(seq 1 "$rounds"); do
  start_listen "l$round" --capture "$cap" --no-handshake
  if grep -q "repaired:" "$tmp/l$round.err"; then repaired_rounds=$((repaired_rounds + 1)); fi
  grep -q "capture: " "$tmp/l$round.err" && opened_ok=$((opened_ok + 1))
  spids=()
  for k in 1 2 3 4; do
    sender "$k" "$round" &
    spids+=($!)
  done
  # Once the load is on (a first delivery answered; bounded), a random moment 0.1 to 0.7 s later.
  for _ in $(seq 200); do
    compgen -G "$tmp/answered.*.$round" >/dev/null && break
    sleep 0.05
  done
  sleep "0.$((RANDOM % 7 + 1))"
  kill -9 "$lpid"
  wait "$lpid" 2>/dev/null
  for p in "${spids[@]}"; do wait "$p"; done
  cat "$tmp"/answered.*."$round" >>"$tmp/answered" 2>/dev/null
done

answered=$(grep -c '' "$tmp/answered")
echo "info: $rounds kills, $answered deliveries answered 2xx, $repaired_rounds reopenings repaired a torn tail"
expect "every listen opened the file after a kill ($opened_ok of $rounds)" [ "$opened_ok" = "$rounds" ]
rounds_with_load=$(ls "$tmp"/answered.*.* 2>/dev/null | sed 's/.*\.//' | sort -u | grep -c '')
expect "deliveries were answered in every round ($rounds_with_load of $rounds)" [ "$rounds_with_load" = "$rounds" ]
# The ids in the captured bodies ({\"id\":\"r3-k2-17\"} as JSON-encoded in the record).
grep -o 'id\\":\\"r[0-9]*-k[0-9]*-[0-9]*' "$cap" | sed 's/.*"//' | sort -u >"$tmp/captured"
sort -u "$tmp/answered" >"$tmp/answered.sorted"
missing=$(comm -23 "$tmp/answered.sorted" "$tmp/captured" | grep -c '')
expect "every delivery answered 2xx is in the capture ($missing missing)" [ "$missing" = 0 ]

# The file as the last kill left it opens, and parses whole afterwards.
start_listen final --capture "$cap"
kill -TERM "$lpid"
wait_exit "$lpid"
"$bin" replay "$cap" --list >/dev/null 2>"$tmp/list.err"
expect "the capture parses whole after $rounds kills" [ $? = 0 ]

# A torn tail on purpose: repaired and reported, the complete records kept.
before=$(grep -c '' "$cap")
printf '{"v":1,"seq":999999,"id":"torn' >>"$cap"
start_listen torn --capture "$cap"
expect "a torn tail is reported on the banner" grep -q "repaired:   a torn last line" "$tmp/torn.err"
kill -TERM "$lpid"
wait_exit "$lpid"
expect "the complete records are kept" [ "$(grep -c '' "$cap")" = "$before" ]
"$bin" replay "$cap" --list >/dev/null 2>&1
expect "the repaired file parses whole" [ $? = 0 ]
exit $fail
