#!/usr/bin/env bash
# Fuzzes every libFuzzer target for SECONDS each, starting from a copy of its seed corpus in a
# temporary directory (the committed corpus is never written to). Exits 1 when any target finds
# a crash, leak, sanitizer report or failed property, and prints the saved input's path.
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
#   BUILD_DIR is a build configured with -DHOOKCTL_FUZZ=ON and clang; the targets are built first.
#   tests/fuzz/dict/TARGET.dict, when present, is passed as -dict.
#   Set HOOKCTL_FUZZ_KEEP=1 to keep the temporary directory (grown corpora and logs).
set -u
if [ $# -lt 2 ]; then
  echo "usage: $0 BUILD_DIR SECONDS [TARGET...]" >&2
  exit 2
fi
build=$(cd "$1" && pwd) || exit 2
seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for d in "$here"/corpus/*/; do targets+=("$(basename "$d")"); done
fi

if ! out=$(cmake --build "$build" --target "${targets[@]}" 2>&1); then
  printf '%s\n' "$out" >&2
  echo "run.sh: building the fuzz targets in $build failed" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/hookctl-fuzz.XXXXXX")
[ "${HOOKCTL_FUZZ_KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
# Crash inputs are copied out of $work so they outlive it.
crashes="$build/fuzz-crashes"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
printf '%-22s %8s %12s %10s %8s  %s\n' target seconds executions exec/s corpus result
for t in "${targets[@]}"; do
  bin="$build/tests/fuzz/$t"
  if [ ! -x "$bin" ]; then
    echo "run.sh: $bin is missing" >&2
    failed+=("$t")
    continue
  fi
  mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
  cp "$here/corpus/$t/"* "$work/$t/corpus/" 2>/dev/null
  log="$work/$t/log"
  dict=()
  [ -f "$here/dict/$t.dict" ] && dict=(-dict="$here/dict/$t.dict")
  start=$(date +%s)
  "$bin" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/$t/artifacts/" "${dict[@]}" "$work/$t/corpus" >"$log" 2>&1
  rc=$?
  took=$(($(date +%s) - start))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  size=$(find "$work/$t/corpus" -type f | wc -l)
  artifacts=$(find "$work/$t/artifacts" -type f)
  if [ $rc -eq 0 ] && [ -z "$artifacts" ]; then
    printf '%-22s %8s %12s %10s %8s  %s\n' "$t" "$took" "${execs:-?}" "${rate:-?}" "$size" ok
    continue
  fi
  printf '%-22s %8s %12s %10s %8s  %s\n' "$t" "$took" "${execs:-?}" "${rate:-?}" "$size" "FAILED (exit $rc)"
  failed+=("$t")
  mkdir -p "$crashes/$t"
  for a in $artifacts; do
    cp "$a" "$crashes/$t/"
    echo "  crashing input: $crashes/$t/$(basename "$a")"
    echo "  reproduce:      $bin $crashes/$t/$(basename "$a")"
  done
  cp "$log" "$crashes/$t/log"
  echo "  log:            $crashes/$t/log"
  grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|property failed' "$log" | sed 's/^/  /'
  grep -E '^ +#[0-9]+ ' "$log" | head -8 | sed 's/^/  /'
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "run.sh: ${#failed[@]} target(s) failed: ${failed[*]}"
  exit 1
fi
echo "run.sh: ${#targets[@]} target(s), ${seconds} s each, no crash"
