#!/usr/bin/env bash
# hookctl listen when its capture file cannot grow: on a full file system (a 256 KiB tmpfs when
# this runs as root and may mount; otherwise a file size limit set on the running listener with
# prlimit, which fails the same writes with EFBIG) every delivery it cannot store is answered 503,
# never 2xx; every delivery answered 2xx is in the capture; when space returns, deliveries are
# answered 200 and captured again, and the file parses whole.
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/common.sh"

disk="$tmp/disk"
mkdir -p "$disk"
# HOOKCTL_TEST_FULL_DISK=prlimit forces the fallback (to test it where tmpfs works).
mode=prlimit
if [ "${HOOKCTL_TEST_FULL_DISK:-tmpfs}" = tmpfs ] && [ "$(id -u)" = 0 ] &&
  mount -t tmpfs -o size=256k tmpfs "$disk" 2>/dev/null; then
  mode=tmpfs
  unmount_disk() { umount "$disk" 2>/dev/null; }
  trap 'unmount_disk; cleanup' EXIT
fi
echo "info: full disk by $mode"
cap="$disk/cap.jsonl"
start_listen full --capture "$cap" --durability always
body=$(head -c 3000 /dev/zero | tr '\0' 'b')

# deliver N TAG: N deliveries with ids TAG-1..TAG-N; appends "id status" lines to $tmp/results.
deliver() {
  local i status
  for i in $(seq 1 "$1"); do
    status=$("$bin" send "http://127.0.0.1:$port/hook" --data "{\"id\":\"$2-$i\",\"pad\":\"$body\"}" --retries 0 \
      --timeout 5s --json 2>/dev/null | grep -o '"attempts":\[{[^]]*' | grep -o '"status":[0-9]*' | head -n 1 |
      cut -d: -f2)
    echo "$2-$i ${status:-none}" >>"$tmp/results"
  done
}

deliver 5 before
expect "with space: answered 200" [ "$(grep -c '^before-[0-9]* 200$' "$tmp/results")" = 5 ]
# Fill the disk (or cap the file at its current size).
if [ "$mode" = tmpfs ]; then
  dd if=/dev/zero of="$disk/filler" bs=1k count=1024 >/dev/null 2>&1
else
  prlimit --pid "$lpid" --fsize="$(stat -c %s "$cap"):unlimited" # the soft limit only
fi
deliver 10 full
expect "disk full: every delivery answered 503" [ "$(grep -c '^full-[0-9]* 503$' "$tmp/results")" = 10 ]
expect "disk full: listen keeps running" kill -0 "$lpid"
expect "disk full: the failure is logged" grep -q "capture failed" "$tmp/full.out"
# Space returns.
if [ "$mode" = tmpfs ]; then rm -f "$disk/filler"; else prlimit --pid "$lpid" --fsize=unlimited:unlimited; fi
deliver 5 after
expect "space back: answered 200 again" [ "$(grep -c '^after-[0-9]* 200$' "$tmp/results")" = 5 ]
kill -TERM "$lpid"
wait_exit "$lpid"

# Every 2xx is captured; nothing answered 503 is.
grep -o 'id\\":\\"[a-z]*-[0-9]*' "$cap" | sed 's/.*"//' | sort -u >"$tmp/captured"
awk '$2 ~ /^2/ {print $1}' "$tmp/results" | sort -u >"$tmp/ok"
expect "every delivery answered 2xx is in the capture" [ -z "$(comm -23 "$tmp/ok" "$tmp/captured")" ]
expect "no delivery answered 503 is in the capture" [ -z "$(grep '^full-' "$tmp/captured")" ]
"$bin" replay "$cap" --list >/dev/null 2>&1
expect "the capture parses whole" [ $? = 0 ]
exit $fail
