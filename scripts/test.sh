#!/usr/bin/env bash
# test.sh — set up everything and run every test: unit tests (GoogleTest) and the Python suites
# (Parquet conformance, end-to-end scans), first against the release build, then the whole
# suite again under AddressSanitizer + UndefinedBehaviorSanitizer.
#
#   scripts/test.sh            everything (what CI runs)
#   SSCAN_SKIP_ASAN=1 ...      skip the sanitizer pass (quicker local runs)
#   PYTEST_ARGS="-k resume"    extra pytest arguments
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

scripts/install_deps.sh
scripts/setup_venv.sh
# shellcheck disable=SC2206
pytest_args=(${PYTEST_ARGS:-})

run_suite() {
  local flavour=$1
  echo "=== $flavour: build"
  scripts/build.sh "$flavour"
  echo "=== $flavour: unit tests"
  ctest --test-dir "build/$flavour" --output-on-failure -j2
  echo "=== $flavour: python suites"
  SSCAN_BUILD_DIR="$root/build/$flavour" "$root/.venv/bin/python" -m pytest -q -n 2 \
    tests/conformance tests/e2e "${pytest_args[@]}"
}

run_suite release
if [[ -z ${SSCAN_SKIP_ASAN:-} ]]; then
  run_suite asan
fi
echo "=== all tests passed"
