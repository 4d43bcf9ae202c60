#!/usr/bin/env bash
# Installs what is missing (Debian 12 packages), builds hookctl, and runs it or its tests.
#   ./build.sh        build, then start `hookctl listen` on 127.0.0.1:8080 (Ctrl-C stops it), capturing
#                     to ./hookctl-captures.jsonl
#   ./build.sh test   build, then run every test with CTest (unit, CLI, e2e, interop)
set -euo pipefail
cd "$(dirname "$0")"
mode=${1:-run}
case "$mode" in run | test) ;; *) echo "usage: ./build.sh [run|test]" >&2; exit 2 ;; esac

# Debian packages this project builds and tests with; commands are checked by name so that a
# Node.js from another source (for example nodesource) is used as it is.
libs=(cmake ninja-build g++ pkg-config ccache groff-base libssl-dev libcli11-dev libcpp-httplib-dev nlohmann-json3-dev
  libfmt-dev doctest-dev zlib1g-dev libbrotli-dev)
if [ "$mode" = test ]; then
  libs+=(clang libclang-rt-14-dev clang-format clang-tidy zsh fish curl dpkg-dev time)
fi
missing=()
for p in "${libs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ "$mode" = test ]; then
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "build.sh: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

build=${HOOKCTL_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHOOKCTL_WERROR=ON >/dev/null
if [ "$mode" = run ]; then
  cmake --build "$build" --target hookctl # the main job needs only the binary
else
  cmake --build "$build"
fi

if [ "$mode" = run ]; then
  "$build/apps/hookctl/hookctl" --version
  # The main job: a local receiver, until Ctrl-C. Send it a delivery from a second terminal:
  #   build/apps/hookctl/hookctl send http://127.0.0.1:8080/ --event github.push --secret dev-secret
  exec "$build/apps/hookctl/hookctl" listen --secret "${HOOKCTL_SECRET:-dev-secret}"
else
  ctest --test-dir "$build" --output-on-failure
fi
