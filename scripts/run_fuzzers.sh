#!/usr/bin/env bash
# run_fuzzers.sh [MINUTES] [TARGET...] — build the libFuzzer targets of fuzz/ with clang into
# build/fuzz (every library compiled with -fsanitize=fuzzer-no-link,address,undefined so that
# coverage reaches into src/) and run each for MINUTES (default 1) on its saved corpus.
# MINUTES=0 only runs every saved input once (a quick regression check of the corpus).
#
# The committed seeds in fuzz/corpus/<target>/ are read, never written: new inputs go to
# build/fuzz/corpus/<target>/, and a crash is saved as build/fuzz/crashes/<target>-crash-*
# (re-run one with: build/fuzz/fuzz/<target> FILE). Exit status 1 if any target failed.
# Not part of the default test run: it takes MINUTES x 4 and a clang build.
# SSCAN_FUZZ_JOBS=N runs N fuzzing processes per target (default 1: the machine is shared).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
minutes=${1:-1}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(manifest_fuzzer exclude_pattern_fuzzer pattern_file_fuzzer utf8_base64_fuzzer)
build=$root/build/fuzz
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DSSCAN_BUILD_FUZZERS=ON -DSSCAN_BUILD_TESTS=OFF -DSSCAN_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" --target "${targets[@]}"

declare -A max_len=([manifest_fuzzer]=16384)
parallel=()
jobs=${SSCAN_FUZZ_JOBS:-1}
# -jobs writes fuzz-N.log files into the working directory: only ask for it when wanted.
[[ $jobs -gt 1 ]] && parallel=(-jobs="$jobs" -workers="$jobs")
failed=()
mkdir -p "$build/crashes"
for t in "${targets[@]}"; do
  scratch=$build/corpus/$t
  mkdir -p "$scratch"
  echo "== $t: ${minutes} min"
  # libFuzzer reads -max_total_time=0 as "no limit"; -runs=0 runs the corpus and stops.
  limit=(-max_total_time=$((minutes * 60)))
  [[ $minutes -gt 0 ]] || limit=(-runs=0)
  if ! "$build/fuzz/$t" "${limit[@]}" -max_len="${max_len[$t]:-4096}" \
      -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "${parallel[@]}" \
      -artifact_prefix="$build/crashes/$t-" \
      "$scratch" "$root/fuzz/corpus/$t" 2>"$build/$t.log"; then
    failed+=("$t")
    tail -40 "$build/$t.log"
  else
    grep -E "stat::(number_of_executed_units|new_units_added)|cov:" "$build/$t.log" | tail -3
  fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "run_fuzzers: FAILED: ${failed[*]} (inputs in $build/crashes/)" >&2
  exit 1
fi
echo "run_fuzzers: ${targets[*]}: no failures in ${minutes} min each"
