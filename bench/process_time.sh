#!/usr/bin/env bash
# Median wall time of whole hookctl processes next to /bin/true (the cost of any process) in the
# same run; target: median under 5 ms. A benchmark: prints PASS/MISS and exits 0 once measured.
# Usage: bench/process_time.sh BUILD_DIR [RUNS]   (RUNS defaults to 200 per command)
# Uses hyperfine (--export-json) and jq when installed, otherwise (or with PROCESS_TIME_LOOP=1) a
# bash loop timed with $EPOCHREALTIME, the commands interleaved.
set -u
if [ $# -lt 1 ]; then
  echo "usage: $0 BUILD_DIR [RUNS]" >&2
  exit 2
fi
hk="$1/apps/hookctl/hookctl"
runs=${2:-200}
target_ms=5
if [ ! -x "$hk" ]; then
  echo "process_time.sh: $hk not found; build the hookctl target first" >&2
  exit 2
fi
hk=$(cd "$(dirname "$hk")" && pwd)/hookctl

names=("/bin/true (peer)" "hookctl --version" "hookctl sign github")
cmds=("/bin/true" "$hk --version" "$hk sign --provider github --secret s --data x")
# Every command must succeed, or its time means nothing.
for c in "${cmds[@]}"; do
  $c >/dev/null 2>&1 || { echo "process_time.sh: '$c' failed" >&2; exit 2; }
done

medians=()
if [ "${PROCESS_TIME_LOOP:-0}" != 1 ] && command -v hyperfine >/dev/null && command -v jq >/dev/null; then
  tool="hyperfine -N, $runs runs each after 20 warm-up runs"
  json=$(mktemp)
  trap 'rm -f "$json"' EXIT
  args=()
  for i in "${!cmds[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
  hyperfine -N --style none --warmup 20 --runs "$runs" --export-json "$json" "${args[@]}" >/dev/null 2>&1 || {
    echo "process_time.sh: hyperfine failed" >&2
    exit 2
  }
  mapfile -t medians < <(jq -r '.results[].median * 1000' "$json")
else
  tool="bash loop timed with \$EPOCHREALTIME, $runs runs each, commands interleaved"
  declare -A samples
  for ((r = 0; r < runs + 10; r++)); do
    for i in "${!cmds[@]}"; do
      s=$EPOCHREALTIME
      ${cmds[$i]} >/dev/null 2>&1
      e=$EPOCHREALTIME
      # The first 10 rounds warm the caches and are dropped.
      [ $r -ge 10 ] && samples[$i]+="$((${e/./} - ${s/./}))"$'\n'
    done
  done
  for i in "${!cmds[@]}"; do
    medians+=("$(printf '%s' "${samples[$i]}" | sort -n | awk '{v[NR]=$1} END {m = NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2; printf "%.6f", m/1000}')")
  done
fi

echo "hookctl process wall time: median, $tool"
echo "target: median under $target_ms ms"
echo
printf '%-22s %10s %12s  %s\n' command "median ms" "x /bin/true" target
base=${medians[0]}
for i in "${!cmds[@]}"; do
  m=${medians[$i]}
  awk -v n="${names[$i]}" -v m="$m" -v b="$base" -v t="$target_ms" -v peer=$((i == 0)) 'BEGIN {
    v = peer ? "-" : (m < t ? "PASS" : "MISS")
    printf "%-22s %10.3f %12.2f  %s\n", n, m, m / b, v
  }'
done
exit 0
