"""The Slurm workflow on a real one-node Slurm: plan, submit the array, lose a task, ask
status, resubmit exactly what it says, and get the standard scan's rows exactly once.

Marked `slurm` (select with -m slurm, leave out with -m "not slurm") but part of the default
suite. Needs root; installs slurm-wlm and munge through scripts/install_deps.sh when missing.
When the cluster cannot start the test fails with the daemons' logs: it never skips.
"""

import re
import subprocess
import time

import pytest

from one_node_slurm import ClusterError, OneNodeSlurm
from shard_helpers import (REPO, assert_same_rows, make_skewed, manifest, read_rows, run,
                           scanner, shard_files, standard_scan)

pytestmark = pytest.mark.slurm

SHARDS = 4
# One CPU per task: the node has two, so two tasks run while two wait. The resources override
# the script's #SBATCH defaults, which are sized for a real cluster.
SBATCH_ARGS = "--partition=debug --cpus-per-task=1 --mem-per-cpu=200M --time=00:05:00"
# Slow enough (metadata operations per second) that a task is caught while it runs.
SCAN_ARGS = "--max-rate 80 --rows-per-chunk 20 --chunk-interval-secs 1 --threads 2"


@pytest.fixture
def slurm():
    cluster = OneNodeSlurm()
    try:
        cluster.start()
    except ClusterError as e:
        cluster.stop()
        pytest.fail(f"the one-node Slurm did not start: {e}", pytrace=False)
    yield cluster
    cluster.stop()


def wait_for(predicate, timeout, what, cluster):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found is not None:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}; queue {cluster.queue()}\n{cluster.logs()}")


def test_array_cancel_status_resubmit(slurm, tmp_path):
    t0 = time.monotonic()
    root = tmp_path / "tree"
    root.mkdir()
    make_skewed(root, big_dirs=16, sub=2, files=20, small_dirs=6, small_files=20)
    ref = tmp_path / "ref"
    ref.mkdir()
    reference = standard_scan(root, ref)
    snap = tmp_path / "snap"

    # 1. Plan and submit, as a user would: scripts/submit_plan.sh.
    env = slurm.env(SSCAN_PATH=root, SSCAN_SHARDS=SHARDS, SSCAN_SNAPSHOT_DIR=snap,
                    SSCAN_NAME="cluster", SSCAN_BIN=scanner(), SSCAN_SBATCH_ARGS=SBATCH_ARGS,
                    SSCAN_SCAN_ARGS=SCAN_ARGS, SSCAN_LOG_DIR=tmp_path / "slurm_out")
    proc = subprocess.run([str(REPO / "scripts" / "submit_plan.sh")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    job = re.search(r"submitted array job (\d+)", proc.stdout).group(1)
    plan = snap / "plan.json"

    # 2. Cancel a task that is running and has published part of its shard.
    def running_with_chunks():
        queue = slurm.queue()
        if queue == []:
            logs = "\n".join(f.read_text() for f in sorted((tmp_path / "slurm_out").glob("*")))
            raise AssertionError(f"every task ended before one could be cancelled:\n{logs}")
        for task, state in queue or []:
            if state != "RUNNING" or "_" not in task:
                continue
            shard = int(task.split("_")[1])
            m = manifest(snap, "cluster", shard)
            if m and not m["completed"] and m["chunk_count"] >= 1:
                return shard
        return None

    victim = wait_for(running_with_chunks, 60, "a running task with a chunk", slurm)
    slurm.client("scancel", f"{job}_{victim}")
    slurm.wait_queue_empty(90)
    log = (tmp_path / "slurm_out").glob(f"*_{job}_{victim}.out")
    assert any("exit code: 143" in f.read_text() for f in log), "the task did not report 143"

    # 3. status: everything complete but the cancelled shard, which is to be resubmitted.
    status = run("status", plan, check=False)
    assert status.returncode == 3, status.stdout + status.stderr
    line = next(l for l in status.stdout.splitlines() if l.startswith("resubmit: "))
    command = line[len("resubmit: "):]
    assert command.startswith(f"sbatch --array={victim} "), command
    states = [r["state"] for r in
              __import__("json").loads(run("status", plan, "--json", check=False).stdout)
              ["groups"][0]["reports"]]
    assert states == ["partial" if i == victim else "complete" for i in range(SHARDS)], states
    kept = [c["file_path"] for c in manifest(snap, "cluster", victim)["chunks"]]
    assert kept

    # 4. Resubmit exactly that line, wait, and read the whole snapshot with one glob.
    resubmit = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=slurm.env(),
                              capture_output=True, text=True, timeout=60)
    assert resubmit.returncode == 0, resubmit.stderr
    slurm.wait_queue_empty(90)
    final = run("status", plan, check=False)
    assert final.returncode == 0, final.stdout + slurm.logs()
    after = manifest(snap, "cluster", victim)
    assert all(k in [c["file_path"] for c in after["chunks"]] for k in kept)  # resumed
    assert_same_rows(reference, read_rows(shard_files(snap, "cluster")))
    assert time.monotonic() - t0 < 120
