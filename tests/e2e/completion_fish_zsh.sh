#!/usr/bin/env bash
# The zsh script parses; the fish script parses and completes commands, options and provider names.
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for sh in zsh fish; do
  command -v $sh >/dev/null 2>&1 || { echo "FAIL: $sh not installed (./build.sh test installs it)"; exit 1; }
done
"$bin" completion zsh >"$tmp/_hookctl" && zsh -n "$tmp/_hookctl" || { echo "FAIL: zsh script does not parse"; fail=1; }
grep -q '^#compdef hookctl' "$tmp/_hookctl" || { echo "FAIL: zsh script lacks #compdef"; fail=1; }
"$bin" completion fish >"$tmp/hookctl.fish" && fish -n "$tmp/hookctl.fish" || { echo "FAIL: fish script does not parse"; fail=1; }
complete_fish() { fish -c "source $tmp/hookctl.fish; complete -C '$1'" | cut -f1 | sort | tr '\n' ' '; }
expect() {
  if [ "$2" != "$3" ]; then echo "FAIL: $1: got [$3], expected [$2]"; fail=1; else echo "ok: $1"; fi
}
expect "fish: hookctl si" "sign " "$(complete_fish 'hookctl si')"
expect "fish: hookctl verify --prov" "--provider " "$(complete_fish 'hookctl verify --prov')"
expect "fish: hookctl sign --provider g" "github gitlab " "$(complete_fish 'hookctl sign --provider g')"
expect "fish: hookctl completion " "bash fish zsh " "$(complete_fish 'hookctl completion ')"
exit $fail
