#!/usr/bin/env bash
# Every first-party C++ file is clang-formatted and passes the enforced .clang-tidy checks.
# Usage: tests/lint.sh SOURCE_DIR BUILD_DIR (BUILD_DIR holds compile_commands.json)
set -u
src=$1
build=$2
cd "$src" || exit 2
fail=0
files=$(git ls-files '*.cpp' '*.hpp' 2>/dev/null || find lib apps tests bench -name '*.cpp' -o -name '*.hpp')
bad=$(for f in $files; do clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || echo "$f"; done)
if [ -n "$bad" ]; then
  echo "not clang-formatted (run: cmake --build $build -t format):"
  echo "$bad"
  fail=1
fi
tidy_files=$(printf '%s\n' $files | grep -E '^(lib|apps)/.*\.cpp$')
if ! printf '%s\n' $tidy_files | xargs -P2 -n4 clang-tidy -p "$build" --quiet >"$build/tidy.log" 2>&1; then
  grep -E "(warning|error):" "$build/tidy.log" | head -40
  fail=1
fi
[ $fail -eq 0 ] && echo "lint: $(printf '%s\n' $files | wc -l) files formatted, $(printf '%s\n' $tidy_files | wc -l) files pass clang-tidy"
exit $fail
