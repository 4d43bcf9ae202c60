#!/usr/bin/env bash
# Every generated man page formats without a single groff warning.
set -u
bin=$1
command -v groff >/dev/null 2>&1 || { echo "FAIL: groff not installed (Debian package groff-base)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" man --out "$tmp" || { echo "FAIL: hookctl man --out"; exit 1; }
fail=0
count=0
for page in "$tmp"/*.1; do
  count=$((count + 1))
  warnings=$(groff -man -ww -z "$page" 2>&1)
  if [ -n "$warnings" ]; then echo "FAIL: $(basename "$page"): $warnings"; fail=1; fi
done
[ "$count" -ge 7 ] || { echo "FAIL: only $count pages"; fail=1; }
[ $fail -eq 0 ] && echo "man_lint: $count pages, no groff warnings"
exit $fail
