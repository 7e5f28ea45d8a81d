#!/usr/bin/env bash
# build.sh [release|debug|asan] — configure and build into build/<flavour> with Ninja.
#   release  optimised, what users run (default)
#   debug    no optimisation, assertions on
#   asan     AddressSanitizer + UndefinedBehaviorSanitizer, -fno-sanitize-recover=all
# Extra CMake arguments can be passed in SSCAN_CMAKE_ARGS. Warnings are errors.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
flavour=${1:-release}
case $flavour in
  release) args=(-DCMAKE_BUILD_TYPE=Release) ;;
  debug) args=(-DCMAKE_BUILD_TYPE=Debug) ;;
  asan) args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DSSCAN_SANITIZE=ON -DSSCAN_BUILD_BENCH=OFF
              -DSSCAN_MANPAGE=OFF) ;;
  *) echo "usage: build.sh [release|debug|asan]" >&2; exit 2 ;;
esac
# shellcheck disable=SC2206
extra=(${SSCAN_CMAKE_ARGS:-})
cmake -S "$root" -B "$root/build/$flavour" -G Ninja -DSSCAN_WERROR=ON "${args[@]}" "${extra[@]}" >/dev/null
cmake --build "$root/build/$flavour" -- -k 0
