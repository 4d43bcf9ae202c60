#!/usr/bin/env bash
# `cmake --install` puts the binary, every man page and the three shell completions where man and
# the shells look for them, and the installed binary runs.
# Usage: install.sh PATH_TO_HOOKCTL   (the binary inside a CMake build directory)
set -u
bin=$1
build=$(cd "$(dirname "$bin")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
if ! cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1; then
  cat "$tmp/install.log"
  echo "FAIL: cmake --install"
  exit 1
fi
p=$tmp/prefix
for f in bin/hookctl share/man/man1/hookctl.1 share/bash-completion/completions/hookctl \
  share/zsh/vendor-completions/_hookctl share/fish/vendor_completions.d/hookctl.fish; do
  [ -s "$p/$f" ] || { echo "FAIL: $f not installed"; fail=1; }
done
# One page per command the binary knows.
cmds=$("$p/bin/hookctl" --help | sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
[ "$(echo "$cmds" | wc -w)" -ge 6 ] || { echo "FAIL: fewer than 6 commands in --help: $cmds"; fail=1; }
for cmd in $cmds; do
  [ -s "$p/share/man/man1/hookctl-$cmd.1" ] || { echo "FAIL: no man page for $cmd"; fail=1; }
done
"$p/bin/hookctl" --version | grep -q '^hookctl ' || { echo "FAIL: the installed binary does not run"; fail=1; }
[ $fail -eq 0 ] && echo "e2e install: all checks passed"
exit $fail
