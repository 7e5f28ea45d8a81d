"""Distributed scans without Slurm: plan, scan every shard, compare with one standard scan.

What must hold, on trees of every shape (skewed, deep chain, one flat huge directory, names
of any bytes) and at every shard count: the union of the shards is the standard scan, row
for row (all columns but a directory's access time); no path appears twice; the skewed tree
is balanced within 2x; status tells complete from not started and partial and prints the
exact resubmit list; a shard killed with SIGKILL resumes with every row exactly once.
"""

import json
import os
import signal
import stat
import subprocess
import time

import pytest

from lib.trees import settle_atimes
from shard_helpers import (TREES, assert_same_rows, make_skewed, manifest, read_rows, run,
                           scanner, shard_files, standard_scan)


@pytest.fixture(scope="module")
def trees(tmp_path_factory):
    """Each tree once per module, with its standard scan (the reference)."""
    made = {}
    for name, make in TREES.items():
        base = tmp_path_factory.mktemp(name)
        root = base / "tree"
        root.mkdir()
        make(root)
        # Reading a symlink (readlink) updates its atime under relatime when the atime is not
        # newer than its mtime/ctime: the reference scan would change what the shards see.
        settle_atimes(root)
        ref = base / "ref"
        ref.mkdir()
        made[name] = (root, standard_scan(root, ref))
    return made


def plan_and_scan(root, out, shards, *, plan_args=(), scan_args=()):
    plan = out / "plan.json"
    run("plan", "--path", root, "--shards", shards, "--output", plan, *plan_args)
    for i in range(shards):
        run("scan", "--plan", plan, "--shard", i, "--output", out / "snap.parquet", *scan_args)
    return plan


@pytest.mark.parametrize("shards", [1, 2, 3, 7])
@pytest.mark.parametrize("tree", sorted(TREES))
def test_union_of_shards_is_the_standard_scan(trees, tmp_path, tree, shards):
    root, reference = trees[tree]
    plan = plan_and_scan(root, tmp_path, shards, scan_args=("--rows-per-chunk", "700"))
    assert_same_rows(reference, read_rows(shard_files(tmp_path, "snap")))

    rows = [manifest(tmp_path, "snap", i)["total_rows"] for i in range(shards)]
    assert all(manifest(tmp_path, "snap", i)["completed"] for i in range(shards))
    assert sum(rows) == len(reference)
    doc = json.loads(plan.read_text())
    assert doc["shards"] == shards and len(doc["assignments"]) == shards
    # Exhaustive exploration of a small tree: the plan's figures are the real ones.
    assert doc["estimate"]["exact"]
    assert [a["estimated_entries"] for a in doc["assignments"]] == rows
    if tree == "skewed" and shards > 1:
        assert max(rows) <= 2 * min(rows), f"unbalanced shards: {rows}"


def test_skewed_tree_balance_is_reported_and_close(trees, tmp_path):
    root, reference = trees["skewed"]
    proc = run("plan", "--path", root, "--shards", 7, "--output", tmp_path / "plan.json")
    assert "max/min" in proc.stdout
    ratio = float(proc.stdout.rsplit("max/min ", 1)[1].split()[0])
    assert ratio <= 1.5, proc.stdout


def test_plan_with_a_small_budget_still_covers_everything(trees, tmp_path):
    root, reference = trees["skewed"]
    plan = plan_and_scan(root, tmp_path, 3, plan_args=("--budget-entries", "300"))
    doc = json.loads(plan.read_text())
    assert not doc["estimate"]["exact"] and not doc["exploration"]["exhausted"]
    assert any(not u["exact"] for a in doc["assignments"] for u in a["units"])
    assert_same_rows(reference, read_rows(shard_files(tmp_path, "snap")))


def test_max_depth_and_one_file_system_are_the_plans(tmp_path):
    root = tmp_path / "tree"
    root.mkdir()
    make_skewed(root, big_dirs=10, files=5, small_dirs=3, small_files=5)
    ref = tmp_path / "ref"
    ref.mkdir()
    reference = standard_scan(root, ref, "--max-depth", "2", "-x")
    out = tmp_path / "out"
    out.mkdir()
    plan = out / "plan.json"
    run("plan", "-p", root, "-n", 3, "-o", plan, "--max-depth", "2", "-x")
    for i in range(3):
        run("scan", "--plan", plan, "--shard", i, "-o", out / "snap.parquet", "--max-depth", "2", "-x")
    assert_same_rows(reference, read_rows(shard_files(out, "snap")))
    # Without the plan's options the shard is refused, and nothing is written.
    before = sorted(os.listdir(out))
    proc = run("scan", "--plan", plan, "--shard", 0, "-o", out / "other.parquet", check=False)
    assert proc.returncode == 2 and "-x" in proc.stderr
    assert sorted(os.listdir(out)) == before


def test_a_directory_created_after_the_plan_is_scanned_once(tmp_path):
    root = tmp_path / "tree"
    root.mkdir()
    make_skewed(root, big_dirs=12, files=10)
    out = tmp_path / "out"
    out.mkdir()
    plan = out / "plan.json"
    run("plan", "-p", root, "-n", 4, "-o", plan)
    # Below directories the plan split (root, big): new subtrees nobody was assigned.
    for parent in [root, root / "big"]:
        (parent / "late" / "deeper").mkdir(parents=True)
        for i in range(7):
            (parent / "late" / "deeper" / f"n{i}").write_bytes(b"")
    for i in range(4):
        run("scan", "--plan", plan, "--shard", i, "-o", out / "snap.parquet")
    ref = tmp_path / "ref"
    ref.mkdir()
    assert_same_rows(standard_scan(root, ref), read_rows(shard_files(out, "snap")))


def test_output_and_plan_inside_the_scanned_tree_are_not_rows(tmp_path):
    root = tmp_path / "tree"
    root.mkdir()
    make_skewed(root, big_dirs=4, files=3)
    snap = root / "small0" / "snap"  # a flat or subtree unit's directory, either way
    snap.mkdir()
    run("plan", "-p", root, "-n", 3, "-o", snap / "plan.json")
    for i in range(3):
        run("scan", "--plan", snap / "plan.json", "--shard", i, "-o", snap / "s.parquet")
    paths = [r["path"] for r in read_rows(shard_files(snap, "s"))]
    assert str(snap) in paths  # the directory is part of the tree
    assert not [p for p in paths if p.startswith(str(snap) + "/")], "own files scanned"


def test_status_states_and_resubmit_list(trees, tmp_path):
    root, reference = trees["skewed"]
    plan = tmp_path / "plan.json"
    out = tmp_path / "snap.parquet"
    run("plan", "-p", root, "-n", 7, "-o", plan, "--submit-args", "--partition=x my_array.sh")

    proc = run("status", plan, check=False)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert proc.stdout.count("not started") == 7 + 1  # one per shard, and the summary
    assert "resubmit: sbatch --array=0-6 --partition=x my_array.sh" in proc.stdout

    for i in [0, 2, 3]:
        run("scan", "--plan", plan, "--shard", i, "-o", out)
    proc = run("status", plan, check=False)
    assert proc.returncode == 3
    lines = {int(l.split()[0]): l for l in proc.stdout.splitlines() if l[:1].isdigit()}
    for i in range(7):
        assert ("complete" if i in (0, 2, 3) else "not started") in lines[i], lines[i]
    assert "resubmit: sbatch --array=1,4-6 --partition=x my_array.sh" in proc.stdout

    doc = json.loads(run("status", plan, "--json", check=False).stdout)
    assert doc["exit_code"] == 3
    group, = doc["groups"]
    assert group["stem"] == "snap" and group["resubmit"] == [1, 4, 5, 6]
    assert [r["state"] for r in group["reports"]] == [
        "complete", "not started", "complete", "complete", "not started", "not started",
        "not started"]
    # The directory form finds the same shards through their manifests.
    proc = run("status", tmp_path, check=False)
    assert proc.returncode == 3 and "resubmit: sbatch --array=1,4-6" in proc.stdout

    for i in [1, 4, 5, 6]:
        run("scan", "--plan", plan, "--shard", i, "-o", out)
    proc = run("status", plan, "--output", out)
    assert proc.returncode == 0 and "all shards complete" in proc.stdout
    # A finished shard run again does nothing and succeeds.
    again = run("scan", "--plan", plan, "--shard", 2, "-o", out)
    assert "already complete" in again.stderr
    assert_same_rows(reference, read_rows(shard_files(tmp_path, "snap")))


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_killed_shard_resumes_exactly_once(tmp_path):
    root = tmp_path / "tree"
    root.mkdir()
    make_skewed(root, big_dirs=20, sub=2, files=25)
    out = tmp_path / "out"
    out.mkdir()
    plan = out / "plan.json"
    run("plan", "-p", root, "-n", 2, "-o", plan)
    # Slow enough to be caught mid-way: a few hundred metadata operations per second.
    cmd = [str(scanner()), "scan", "--plan", str(plan), "--shard", "1", "-o",
           str(out / "snap.parquet"), "--max-rate", "150", "--rows-per-chunk", "30",
           "--chunk-interval-secs", "1", "--threads", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: (manifest(out, "snap", 1) or {}).get("chunk_count", 0) >= 2, 30,
                 "two published chunks")
        live = run("status", plan, check=False)
        assert live.returncode == 3  # shard 0 has not started
        row = next(l for l in live.stdout.splitlines() if l.startswith("1 "))
        assert "running" in row, live.stdout
        assert "resubmit: sbatch --array=0 " in live.stdout  # never a running shard
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    before = manifest(out, "snap", 1)
    assert not before["completed"] and before["resume"]["pending_dirs"]
    kept = {c["file_path"]: c["bytes"] for c in before["chunks"]}

    status = run("status", plan, check=False)
    assert status.returncode == 3
    assert "partial" in status.stdout and "--array=0-1" in status.stdout

    subprocess.run(cmd, check=True, capture_output=True, timeout=120)  # the same command again
    run("scan", "--plan", plan, "--shard", 0, "-o", out / "snap.parquet")
    after = manifest(out, "snap", 1)
    assert after["completed"]
    # Resumed, not restarted: what was published before the kill is still there, unchanged.
    for path, size in kept.items():
        assert os.path.getsize(path) == size
        assert path in [c["file_path"] for c in after["chunks"]]
    ref = tmp_path / "ref"
    ref.mkdir()
    assert_same_rows(standard_scan(root, ref), read_rows(shard_files(out, "snap")))
    assert run("status", plan).returncode == 0


def test_a_manifest_of_another_plan_is_refused(tmp_path):
    root = tmp_path / "tree"
    root.mkdir()
    make_skewed(root, big_dirs=5, files=3)
    out = tmp_path / "out"
    out.mkdir()
    # (Two plans of identical content, made in the same second, are the same plan: same id.)
    run("plan", "-p", root, "-n", 2, "-o", out / "a.json")
    run("plan", "-p", root, "-n", 3, "-o", out / "b.json")
    run("scan", "--plan", out / "a.json", "--shard", 0, "-o", out / "snap.parquet")
    before = {n: (out / n).read_bytes() for n in os.listdir(out)}
    proc = run("scan", "--plan", out / "b.json", "--shard", 0, "-o", out / "snap.parquet",
               check=False)
    assert proc.returncode == 1
    assert "belongs to plan" in proc.stderr and proc.stderr.count("\n") == 1
    assert {n: (out / n).read_bytes() for n in os.listdir(out)} == before


def test_refusals_are_one_line_with_the_documented_code_and_change_nothing(tmp_path):
    root = tmp_path / "tree"
    root.mkdir()
    make_skewed(root, big_dirs=3, files=2)
    out = tmp_path / "out"
    out.mkdir()
    plan = out / "plan.json"
    run("plan", "-p", root, "-n", 3, "-o", plan)
    (out / "damaged.json").write_text(plan.read_text().replace('"shards": 3', '"shards": 4'))
    cases = [
        (["plan", "-p", root, "-n", 0, "-o", out / "p.json"], 2, "--shards"),
        (["plan", "-p", root, "-n", 100001, "-o", out / "p.json"], 2, "--shards"),
        (["plan", "-p", root, "-n", 2, "-o", out / "p.json", "--bogus"], 2, "--bogus"),
        (["plan", "-p", root, "-n", 2, "-o", out / "p.json", "--follow-symlinks"], 2,
         "cannot coordinate"),
        (["plan", "-p", tmp_path / "missing", "-n", 2, "-o", out / "p.json"], 1, "missing"),
        (["plan", "-p", root, "-n", 2, "-o", tmp_path / "nodir" / "p.json"], 1, "nodir"),
        (["plan", "-p", root, "-n", 2, "-o", plan], 1, "exists"),
        (["scan", "--plan", out / "nope.json", "--shard", 0, "-o", out / "s.parquet"], 1,
         "nope.json"),
        (["scan", "--plan", out / "damaged.json", "--shard", 0, "-o", out / "s.parquet"], 1,
         "does not match its content"),
        (["scan", "--plan", plan, "--shard", 3, "-o", out / "s.parquet"], 2, "outside 0..2"),
        (["scan", "--plan", plan, "--shard", -1, "-o", out / "s.parquet"], 2, "--shard"),
        (["scan", "--plan", plan, "--shard", 0, "-p", tmp_path, "-o", out / "s.parquet"], 2,
         "differs from the plan's root"),
        (["scan", "--plan", plan, "--shard", 0, "-m", 4, "-o", out / "s.parquet"], 2,
         "--max-depth"),
        (["scan", "--plan", plan, "--shard", 0, "-f", "-o", out / "s.parquet"], 2,
         "cannot coordinate"),
        (["scan", "--plan", plan, "-o", out / "s.parquet"], 2, "--shard"),
        (["scan", "--shard", 1, "-p", root, "-o", out / "s.parquet"], 2, "--plan"),
        (["status", tmp_path / "missing"], 1, "missing"),
        (["status", out / "damaged.json"], 1, "damaged"),
        (["status", out, "--output", out / "s.parquet"], 2, "--output"),
        (["status", root], 1, "no shard manifests"),
    ]
    before = sorted(os.listdir(out))
    for args, code, needle in cases:
        proc = run(*args, check=False)
        assert proc.returncode == code, (args, proc.returncode, proc.stderr)
        assert proc.stderr.count("\n") == 1 and needle in proc.stderr, (args, proc.stderr)
        assert sorted(os.listdir(out)) == before, args


def test_files_are_private_unless_asked(tmp_path):
    root = tmp_path / "tree"
    root.mkdir()
    make_skewed(root, big_dirs=2, files=2)
    run("plan", "-p", root, "-n", 2, "-o", tmp_path / "p.json")
    assert stat.S_IMODE(os.stat(tmp_path / "p.json").st_mode) == 0o600
    run("plan", "-p", root, "-n", 2, "-o", tmp_path / "q.json", "--output-mode", "0640")
    assert stat.S_IMODE(os.stat(tmp_path / "q.json").st_mode) == 0o640
    run("scan", "--plan", tmp_path / "q.json", "--shard", 1, "-o", tmp_path / "s.parquet")
    for name in os.listdir(tmp_path):
        if name.startswith("s_shard"):
            assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600, name


def test_help_documents_the_commands():
    for command, needles in [("plan", ["--shards", "--budget-entries", "--budget-secs",
                                       "--submit-args", "Exit status"]),
                             ("status", ["--json", "--output", "3 some shard", "4 nothing"]),
                             ("scan", ["--plan", "--shard"])]:
        proc = run(command, "--help")
        for n in needles:
            assert n in proc.stdout, (command, n)
