#!/bin/bash
# scan_cil_parallel.sh — scan /project/cil with a Slurm job array (the seed's script, made configurable).
#
# 8 threads per task, 24 h; for directories of more than a few million files see
# scan_cil_large.sh.
#
#   SSCAN_MODE=plan (default): task I scans shard I of a plan of /project/cil:
#     storage-scanner plan -p /project/cil -n 7 -o /scratch/midway3/$USER/cil_scans/$(date +%F)/plan.json
#     mkdir -p slurm_out && sbatch scan_cil_parallel.sh
#   (or let submit_plan.sh do both: SSCAN_ARRAY_SCRIPT=scripts/scan_cil_parallel.sh SSCAN_PATH=/project/cil
#   SSCAN_SHARDS=16 scripts/submit_plan.sh — it passes --array for the plan's shard count).
#   `storage-scanner status PLAN` then prints the exact sbatch line for the shards to resubmit.
#   SSCAN_MODE=dirs: the seed's one-task-per-top-level-directory layout (7 directories: --array=0-6).
#
# Settings: the #SBATCH lines (overridden by SBATCH_ACCOUNT, SBATCH_PARTITION,
# SBATCH_TIMELIMIT, ... or sbatch's command line) and the block below (each overridden by an
# environment variable of the same name). The part after the settings is the same in
# slurm_scan.sh, scan_cil_parallel.sh and scan_cil_large.sh.
# Exit status: the scanner's (0 done, 1 fatal, 2 usage, 143 stopped by Slurm: resubmit).
#
#SBATCH --job-name=cil_scan
#SBATCH --account=cil
#SBATCH --partition=caslake
#SBATCH --cpus-per-task=8
#SBATCH --ntasks=1
#SBATCH --mem-per-cpu=4G
#SBATCH --time=24:00:00
#SBATCH --array=0-6
#SBATCH -o ./slurm_out/scan_%a.out
#SBATCH -e ./slurm_out/scan_%a.err
#SBATCH --open-mode=append
# ---------------------------------------------------------------- settings
SSCAN_MODE=${SSCAN_MODE:-plan}                 # plan | dirs
SSCAN_BIN=${SSCAN_BIN:-storage-scanner}        # the scanner (absolute path, or on PATH)
SSCAN_THREADS=${SSCAN_THREADS:-8}
SSCAN_SCAN_ARGS=${SSCAN_SCAN_ARGS:-"--batch-size 50000 --verbose"}
# SSCAN_MODE=dirs, and the cil scripts' default plan location:
SSCAN_OUTPUT_DIR=${SSCAN_OUTPUT_DIR:-/scratch/midway3/${USER}/cil_scans}
SSCAN_DATE=${SSCAN_DATE:-$(date +%Y-%m-%d)}    # set it when resubmitting on another day
# SSCAN_MODE=plan (the first two script arguments win over these):
SSCAN_PLAN=${SSCAN_PLAN:-$SSCAN_OUTPUT_DIR/$SSCAN_DATE/plan.json}
SSCAN_NAME=${SSCAN_NAME:-cil}                  # output stem when SSCAN_OUTPUT is not set
SSCAN_OUTPUT=${SSCAN_OUTPUT:-}                 # DIR/STEM.parquet [default: $SSCAN_NAME.parquet beside the plan]
# SSCAN_MODE=dirs: one task per directory of SSCAN_DIRS below SSCAN_BASE_PATH
SSCAN_BASE_PATH=${SSCAN_BASE_PATH:-/project/cil}
SSCAN_DIRS=${SSCAN_DIRS:-"battuta-shares-S3-archive battuta_shares gcp home_dirs kupe_shares norgay sacagawea_shares"}
# ---------------------------------------------------------------- end of settings

set -u
TASK=${SLURM_ARRAY_TASK_ID:?"run me as a job array: sbatch --array=0-N slurm_scan.sh ..."}
# shellcheck disable=SC2206  # SSCAN_SCAN_ARGS is a list of words on purpose
extra=(${SSCAN_SCAN_ARGS})

case $SSCAN_MODE in
  plan)
    plan=${1:-$SSCAN_PLAN}
    [[ -n $plan ]] || { echo "slurm_scan.sh: no plan (first argument or SSCAN_PLAN)" >&2; exit 2; }
    output=${2:-${SSCAN_OUTPUT:-$(dirname "$plan")/$SSCAN_NAME.parquet}}
    (($# > 2)) && extra+=("${@:3}")
    args=(--plan "$plan" --shard "$TASK" --output "$output")
    what="shard $TASK of $plan"
    glob="${output%.parquet}_shard$(printf %04d "$TASK")_chunk_*.parquet (all shards: ${output%.parquet}_*.parquet)"
    ;;
  dirs)
    # shellcheck disable=SC2206
    dirs=(${SSCAN_DIRS})
    dir=${dirs[$TASK]:-}
    [[ -n $dir ]] || { echo "slurm_scan.sh: no directory for task $TASK (${#dirs[@]} in SSCAN_DIRS)" >&2; exit 2; }
    mkdir -p "$SSCAN_OUTPUT_DIR"
    output="$SSCAN_OUTPUT_DIR/${dir}_${SSCAN_DATE}.parquet"
    args=(--path "$SSCAN_BASE_PATH/$dir" --output "$output" --incremental --resume)
    what="$SSCAN_BASE_PATH/$dir"
    glob="${output%.parquet}_chunk_*.parquet"
    ;;
  *)
    echo "slurm_scan.sh: SSCAN_MODE must be plan or dirs, not '$SSCAN_MODE'" >&2
    exit 2
    ;;
esac

echo "================================================"
echo "Scanning: $what"
echo "Array Task ID: $TASK (job ${SLURM_ARRAY_JOB_ID:-?})"
echo "Node: $(hostname)"
echo "Start Time: $(date)"
echo "================================================"

# Slurm's stop signal (scancel, the time limit) reaches the scanner, which publishes what it has
# and exits 143; this shell waits for that and reports it rather than dying first.
# SSCAN_THREADS unless the options name a thread count themselves (given twice is an error).
threads=(--threads "$SSCAN_THREADS")
for a in "${extra[@]}"; do [[ $a == -t* || $a == --threads* ]] && threads=(); done
"$SSCAN_BIN" scan "${args[@]}" "${threads[@]}" "${extra[@]}" </dev/null &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null' TERM
trap 'kill -INT "$pid" 2>/dev/null' INT
wait "$pid"
EXIT_CODE=$?
while kill -0 "$pid" 2>/dev/null; do  # `wait` returned early for a trapped signal
  wait "$pid"
  EXIT_CODE=$?
done

echo "================================================"
echo "Scan completed with exit code: $EXIT_CODE"
echo "End Time: $(date)"
echo "Output: $glob"
echo "================================================"
exit $EXIT_CODE
