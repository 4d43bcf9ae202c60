#!/usr/bin/env bash
# Loads the generated bash completion into a real bash and checks what <TAB> offers.
set -u
bin=$1
source <("$bin" completion bash) || { echo "FAIL: completion script does not load"; exit 1; }
fail=0
complete_line() { # complete_line WORDS... : the words of the line, the last one being completed
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _hookctl
  printf '%s\n' "${COMPREPLY[@]}"
}
expect() { # expect NAME EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then echo "FAIL: $1: got [$3], expected [$2]"; fail=1; else echo "ok: $1"; fi
}
expect "hookctl s<TAB>" "$(printf 'sign\nsend')" "$(complete_line hookctl s)"
expect "hookctl si<TAB>" "sign" "$(complete_line hookctl si)"
expect "hookctl --verbose ve<TAB>" "verify" "$(complete_line hookctl --verbose ve)"
expect "hookctl sign --prov<TAB>" "--provider" "$(complete_line hookctl sign --prov)"
expect "hookctl sign --provider s<TAB>" "$(printf 'stripe\nstandard\nsvix\nslack\nshopify\nsquare')" \
  "$(complete_line hookctl sign --provider s)"
expect "hookctl verify -p gi<TAB>" "$(printf 'github\ngitlab')" "$(complete_line hookctl verify -p gi)"
expect "hookctl completion <TAB>" "$(printf 'bash\nzsh\nfish')" "$(complete_line hookctl completion '')"
expect "hookctl sign --format <TAB>" "$(printf 'headers\njson\ncurl')" "$(complete_line hookctl sign --format '')"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
touch "$tmp/payload.json"
expect "hookctl sign --data @<dir>/pay<TAB>" "@$tmp/payload.json" "$(complete_line hookctl sign --data "@$tmp/pay")"
expect "hookctl sign --secret <TAB> offers nothing" "" "$(complete_line hookctl sign --secret '')"
exit $fail
