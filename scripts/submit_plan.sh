#!/bin/bash
# submit_plan.sh — plan a distributed scan and submit its Slurm job array, in one step.
#
#   SSCAN_PATH=/project/cil SSCAN_SHARDS=32 scripts/submit_plan.sh
#
# 1. `storage-scanner plan` explores the top of SSCAN_PATH and writes
#    SSCAN_SNAPSHOT_DIR/plan.json (SSCAN_SHARDS balanced shards);
# 2. `sbatch --array=0-(SSCAN_SHARDS-1)` submits SSCAN_ARRAY_SCRIPT (slurm_scan.sh) with the
#    plan and the output as its arguments; each task scans one shard into
#    SSCAN_SNAPSHOT_DIR/SSCAN_NAME_shardNNNN_chunk_NNNN.parquet (+ its manifest);
# 3. the plan records that sbatch command, so `storage-scanner status PLAN` prints the exact
#    line that resubmits the shards that did not finish.
# Read the whole snapshot with SSCAN_SNAPSHOT_DIR/SSCAN_NAME_*.parquet.
#
# Settings: the block below; each is overridden by an environment variable of the same name.
# Prints the array's job id on the last line ("submitted array job 12345 ...").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

# ---------------------------------------------------------------- settings
SSCAN_PATH=${SSCAN_PATH:-/project/cil}              # the tree to scan
SSCAN_SHARDS=${SSCAN_SHARDS:-32}                    # array size (1-100000)
SSCAN_SNAPSHOT_DIR=${SSCAN_SNAPSHOT_DIR:-/scratch/midway3/${USER:-$(id -un)}/cil_scans/$(date +%Y-%m-%d)}
SSCAN_NAME=${SSCAN_NAME:-scan}                      # output stem
SSCAN_BIN=${SSCAN_BIN:-}                            # the scanner [default: this checkout's build, else PATH]
SSCAN_ARRAY_SCRIPT=${SSCAN_ARRAY_SCRIPT:-$here/slurm_scan.sh}
SSCAN_ROW_ARGS=${SSCAN_ROW_ARGS:-}                  # options that decide rows, for plan AND scan: "-x --max-depth 12"
SSCAN_PLAN_ARGS=${SSCAN_PLAN_ARGS:-}                # plan only: "--budget-secs 120 --threads 16"
SSCAN_SCAN_ARGS=${SSCAN_SCAN_ARGS:-}                # every task: "--max-rate 20000 --rows-per-chunk 1000000"
SSCAN_SBATCH_ARGS=${SSCAN_SBATCH_ARGS:-}            # "--account=cil --partition=caslake --time=24:00:00"
SSCAN_MAX_PARALLEL=${SSCAN_MAX_PARALLEL:-}          # at most this many tasks at once (sbatch --array=...%N)
SSCAN_LOG_DIR=${SSCAN_LOG_DIR:-$PWD/slurm_out}      # task logs
# ---------------------------------------------------------------- end of settings

if [[ -z $SSCAN_BIN ]]; then
  if [[ -x $here/../build/release/storage-scanner ]]; then
    SSCAN_BIN=$(cd "$here/../build/release" && pwd)/storage-scanner
  else
    SSCAN_BIN=$(command -v storage-scanner) || {
      echo "submit_plan.sh: no storage-scanner (build it, or set SSCAN_BIN)" >&2
      exit 2
    }
  fi
fi
[[ $SSCAN_SHARDS =~ ^[0-9]+$ ]] || { echo "submit_plan.sh: SSCAN_SHARDS must be a number" >&2; exit 2; }

mkdir -p "$SSCAN_SNAPSHOT_DIR" "$SSCAN_LOG_DIR"
snapshot=$(cd "$SSCAN_SNAPSHOT_DIR" && pwd)
logs=$(cd "$SSCAN_LOG_DIR" && pwd)
plan=$snapshot/plan.json
output=$snapshot/$SSCAN_NAME.parquet

# shellcheck disable=SC2206  # the *_ARGS settings are lists of words on purpose
sbatch_args=(--output="$logs/%x_%A_%a.out" --error="$logs/%x_%A_%a.err" ${SSCAN_SBATCH_ARGS})
# The tasks get everything as arguments (not environment), so the resubmit line that status
# prints from the plan is complete on its own. SSCAN_BIN travels through --export, and the
# submitter's SSCAN_SCAN_ARGS must not reach the tasks a second time through the environment.
# shellcheck disable=SC2206
task_args=("$(cd "$(dirname "$SSCAN_ARRAY_SCRIPT")" && pwd)/$(basename "$SSCAN_ARRAY_SCRIPT")"
  "$plan" "$output" ${SSCAN_ROW_ARGS} ${SSCAN_SCAN_ARGS})
export_arg=--export=ALL,SSCAN_BIN=$SSCAN_BIN,SSCAN_MODE=plan,SSCAN_SCAN_ARGS=
submit_text=$(printf '%q ' "$export_arg" "${sbatch_args[@]}" "${task_args[@]}")

# shellcheck disable=SC2086
"$SSCAN_BIN" plan --path "$SSCAN_PATH" --shards "$SSCAN_SHARDS" --output "$plan" \
  $SSCAN_ROW_ARGS $SSCAN_PLAN_ARGS --submit-args "${submit_text% }"

array=0-$((SSCAN_SHARDS - 1))${SSCAN_MAX_PARALLEL:+%$SSCAN_MAX_PARALLEL}
job=$(sbatch --parsable --array="$array" "$export_arg" "${sbatch_args[@]}" "${task_args[@]}")
echo "monitor:  $SSCAN_BIN status $plan"
echo "read:     $snapshot/${SSCAN_NAME}_*.parquet (when status says every shard is complete)"
echo "submitted array job ${job%%;*} ($SSCAN_SHARDS tasks, logs in $logs)"
