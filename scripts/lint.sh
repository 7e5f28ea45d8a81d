#!/usr/bin/env bash
# lint.sh [BUILD_DIR] — the style gates CI applies to the C++ sources, warnings as errors:
#   clang-format  every .cc/.h in the repository matches .clang-format (Google, 100 columns)
#   clang-tidy    every translation unit under src/ passes .clang-tidy (bugprone-*,
#                 performance-*, some modernize-*), using BUILD_DIR's compile_commands.json
# BUILD_DIR defaults to build/release (scripts/build.sh release makes it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
cd "$root"

echo "lint: clang-format"
git ls-files -z -- '*.cc' '*.h' | xargs -0 clang-format --dry-run --Werror

echo "lint: clang-tidy (src/)"
if [[ ! -f $build/compile_commands.json ]]; then
  echo "lint: $build/compile_commands.json missing: build first (scripts/build.sh release)" >&2
  exit 1
fi
tidy=$(command -v run-clang-tidy || command -v run-clang-tidy-14)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# run-clang-tidy prints every command; keep its output only when something is wrong.
if ! "$tidy" -quiet -p "$build" -j "$(nproc)" "$root/src/" >"$log" 2>&1 ||
    grep -qE '(warning|error): ' "$log"; then
  grep -E -A4 '(warning|error): ' "$log" || tail -40 "$log"
  echo "lint: clang-tidy found problems" >&2
  exit 1
fi
echo "lint: clean"
