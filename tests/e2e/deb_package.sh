#!/usr/bin/env bash
# CPack builds a .deb: the binary, every man page and the three shell completions under /usr, the
# package's metadata (name, version, architecture, section) and the shared libraries it needs as
# dependencies (dpkg-shlibdeps), inspected with dpkg-deb -I and -c.
# Usage: deb_package.sh PATH_TO_HOOKCTL   (the binary inside a CMake build directory)
set -u
bin=$1
build=$(cd "$(dirname "$bin")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $1"; fail=1; }
if ! (cd "$build" && cpack -G DEB -B "$tmp/out") >"$tmp/cpack.log" 2>&1; then
  cat "$tmp/cpack.log"
  echo "FAIL: cpack -G DEB"
  exit 1
fi
deb=$(ls "$tmp"/out/hookctl_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { cat "$tmp/cpack.log"; echo "FAIL: no hookctl_*.deb"; exit 1; }
version=$("$bin" --version | head -n 1 | awk '{print $2}')
info=$(dpkg-deb -I "$deb")
field() { echo "$info" | sed -n "s/^ $1: //p"; }
[ "$(field Package)" = hookctl ] || bad "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] || bad "Version is '$(field Version)', the binary says '$version'"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || bad "Architecture is '$(field Architecture)'"
[ "$(field Section)" = devel ] || bad "Section is '$(field Section)'"
depends=$(field Depends)
for lib in libc6 libstdc++6 libssl3 libfmt9; do
  echo "$depends" | grep -q "\\b$lib\\b" || bad "Depends lacks $lib: $depends"
done
# No development package: the binary needs libraries, not headers.
echo "$depends" | grep -q -- '-dev\b' && bad "Depends names a -dev package: $depends"
files=$(dpkg-deb -c "$deb" | awk '{print $NF}')
for f in ./usr/bin/hookctl ./usr/share/man/man1/hookctl.1 ./usr/share/man/man1/hookctl-fuzz.1 \
  ./usr/share/bash-completion/completions/hookctl ./usr/share/zsh/vendor-completions/_hookctl \
  ./usr/share/fish/vendor_completions.d/hookctl.fish; do
  echo "$files" | grep -qx "$f" || bad "$f is not in the package"
done
# Nothing outside /usr (no build paths, no headers or static libraries).
echo "$files" | grep -v '^\./usr/' | grep -v '^\./$' | grep -q . && bad "files outside /usr: $(echo "$files" | grep -v '^\./usr/')"
echo "$files" | grep -qE '\.(a|hpp|h)$' && bad "headers or static libraries in the package"
# The packaged binary runs.
mkdir -p "$tmp/x" && dpkg-deb -x "$deb" "$tmp/x"
"$tmp/x/usr/bin/hookctl" --version | grep -q "^hookctl $version" || bad "the packaged binary does not run"
[ $fail -eq 0 ] && echo "e2e deb_package: all checks passed ($(basename "$deb"), Depends: $depends)"
exit $fail
