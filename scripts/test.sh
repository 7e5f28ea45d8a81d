#!/usr/bin/env bash
# test.sh — set up everything and run every test: unit tests (GoogleTest) and the Python suites
# (Parquet conformance, end-to-end scans), first against the release build, then the release
# checks (tests/release: the portable binary of scripts/build_release.sh, cmake --install, the
# container recipes), then the whole suite again under AddressSanitizer +
# UndefinedBehaviorSanitizer. The C++ sources are checked with clang-format and clang-tidy
# (scripts/lint.sh) after the release build.
#
#   scripts/test.sh            everything (what CI runs)
#   SSCAN_SKIP_ASAN=1 ...      skip the sanitizer pass (quicker local runs)
#   SSCAN_SKIP_PORTABLE=1 ...  skip the portable build and the release checks
#   PYTEST_ARGS="-k resume"    extra pytest arguments (for the conformance and e2e suites)
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
  # tests/release checks the portable binary: it runs in its own step below.
  SSCAN_BUILD_DIR="$root/build/$flavour" "$root/.venv/bin/python" -m pytest -q -n 2 \
    --ignore=tests/release "${pytest_args[@]}"
}

run_suite release
echo "=== lint: clang-format, clang-tidy"
scripts/lint.sh "$root/build/release"
if [[ -z ${SSCAN_SKIP_PORTABLE:-} ]]; then
  echo "=== portable: build (scripts/build_release.sh)"
  scripts/build_release.sh
  echo "=== release checks"
  # PYTEST_ARGS are not passed on: a -k meant for the suites above would deselect them all.
  SSCAN_BUILD_DIR="$root/build/release" "$root/.venv/bin/python" -m pytest -q tests/release
fi
if [[ -z ${SSCAN_SKIP_ASAN:-} ]]; then
  run_suite asan
fi
echo "=== all tests passed"
