#!/usr/bin/env bash
# run_benchmarks.sh [FILTER] — build (if needed) and run the scan benchmarks (bench/scan_bench.cc).
#
#   scripts/run_benchmarks.sh                     every group (a minute or two)
#   scripts/run_benchmarks.sh scan_small_files    one group: scan_small_files, scan_nested,
#                                                 parallel_comparison, batch_sizes, max_depth
#   scripts/run_benchmarks.sh 'parallel_comparison/(1|8)$'   any Google Benchmark regex
#
# Prints the table (items_per_second = rows, i.e. files and directories, per second) and keeps
# it as JSON in $SSCAN_BENCH_RESULTS (default build/bench-results/) as
# scan_bench-YYYYmmdd-HHMMSS.json, the machine's description included; compare two runs with
# Google Benchmark's tools/compare.py. The trees are generated under $SSCAN_BENCH_DIR (default
# $TMPDIR or /tmp) and removed afterwards. Extra Google Benchmark flags go in
# $SSCAN_BENCH_ARGS (e.g. "--benchmark_repetitions=5 --benchmark_min_time=2").
#
# The whole-process comparison on 1M+ files (warm and cold cache, against a reference walker,
# find, du and gdu) is bench/compare_walkers.py; see the README's Performance section.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SSCAN_BUILD_DIR:-$root/build/release}
filter=${1:-.}
results=${SSCAN_BENCH_RESULTS:-$root/build/bench-results}

if [[ ! -x $build/bench/scan_bench ]]; then
  echo "run_benchmarks: building $build (scripts/build.sh release)" >&2
  "$root/scripts/build.sh" release
  build=$root/build/release
fi
mkdir -p "$results"
out=$results/scan_bench-$(date +%Y%m%d-%H%M%S).json
# shellcheck disable=SC2206
extra=(${SSCAN_BENCH_ARGS:-})
"$build/bench/scan_bench" --benchmark_filter="$filter" --benchmark_out="$out" \
  --benchmark_out_format=json "${extra[@]}"
echo "run_benchmarks: results in $out" >&2
