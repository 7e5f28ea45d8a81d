"""The benchmark tools at a tiny size: the tree generator is deterministic and counts right,
ref_walk counts what the scanner writes, scan_bench runs its five groups, run_benchmarks.sh
keeps its results, and compare_walkers.py produces its table, JSON and chart."""
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pyarrow.parquet as pq
import pytest


REPO = Path(__file__).resolve().parents[2]
MAKE_TREE = REPO / "bench" / "make_tree.py"
COMPARE = REPO / "bench" / "compare_walkers.py"
RUN_BENCHMARKS = REPO / "scripts" / "run_benchmarks.sh"
GROUPS = {
    "scan_small_files": ["100", "500", "1000"],
    "scan_nested": ["3", "5", "7"],
    "parallel_comparison": ["1", "2", "4", "8"],
    "batch_sizes": ["100", "1000", "10000"],
    "max_depth": ["2", "4", "unlimited"],
}


def make_tree(dest: Path, *args) -> dict[str, int]:
    done = subprocess.run([sys.executable, MAKE_TREE, dest, *map(str, args)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    counts = {}
    for line in done.stdout.splitlines():
        key, value = line.split(": ")
        counts[key] = float(value) if key == "seconds" else int(value)
    return counts


def describe(root: Path) -> tuple[list, list]:
    """Everything the generator decides, independent of where the tree is and of inode numbers:
    each entry's relative path, kind, size, mtime, link target and link count, and which
    entries share an inode."""
    entries, inodes = [], {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = p.lstat()
            rel = str(p.relative_to(root))
            kind = "l" if p.is_symlink() else "d" if p.is_dir() else "f"
            target = os.readlink(p) if kind == "l" else None
            entries.append((rel, kind, st.st_size if kind == "f" else 0, int(st.st_mtime),
                            target, st.st_nlink if kind != "d" else 0))
            if kind != "d":
                inodes.setdefault(st.st_ino, []).append(rel)
    groups = sorted(sorted(g) for g in inodes.values() if len(g) > 1)
    return sorted(entries), groups


def walk_counts(root: Path) -> dict[str, int]:
    entries, groups = describe(root)
    kinds = [e[1] for e in entries]
    return {"entries": len(entries) + 1, "directories": kinds.count("d"),
            "symlinks": kinds.count("l"), "hardlinks": sum(len(g) - 1 for g in groups),
            "max_depth": max(e[0].count("/") + 1 for e in entries)}


def test_make_tree_is_deterministic_and_counts_what_it_makes(tmp_path):
    a = make_tree(tmp_path / "a", "--files", 3000, "--seed", 7)
    b = make_tree(tmp_path / "b", "--files", 3000, "--seed", 7, "--jobs", 1)
    c = make_tree(tmp_path / "c", "--files", 3000, "--seed", 8, "--no-sizes", "--no-times")
    assert describe(tmp_path / "a") == describe(tmp_path / "b")
    assert describe(tmp_path / "a")[0] != describe(tmp_path / "c")[0]
    for key in ("entries", "directories", "symlinks", "hardlinks", "max_depth"):
        assert a[key] == b[key]
    walked = walk_counts(tmp_path / "a")
    for key, value in walked.items():
        assert a[key] == value, key
    assert a["files"] + a["hardlinks"] + a["symlinks"] == 3000
    assert a["max_depth"] == 10
    # The shape the docstring promises: hard links, symlinks, a directory far above the rest.
    assert a["hardlinks"] > 0 and a["symlinks"] > 0
    assert a["largest_directory"] >= 150
    plan = make_tree(tmp_path / "never-made", "--files", 3000, "--seed", 7, "--plan-only")
    assert not (tmp_path / "never-made").exists()
    assert {k: v for k, v in plan.items() if k != "seconds"} == \
        {k: v for k, v in a.items() if k != "seconds"}


def test_make_tree_copies_are_hard_links_of_the_first(tmp_path):
    one = make_tree(tmp_path / "one", "--files", 500, "--plan-only")
    three = make_tree(tmp_path / "three", "--files", 500, "--copies", 3)
    assert three["entries"] == 3 * one["entries"] + 1
    assert walk_counts(tmp_path / "three")["entries"] == three["entries"]
    first, _ = describe(tmp_path / "three" / "copy_000")
    third, _ = describe(tmp_path / "three" / "copy_002")
    assert [e[:3] for e in first] == [e[:3] for e in third]
    f = next(e[0] for e in first if e[1] == "f")
    assert (tmp_path / "three/copy_000" / f).stat().st_ino == \
        (tmp_path / "three/copy_002" / f).stat().st_ino


def test_ref_walk_counts_every_row_the_scanner_writes(tmp_path, bench_binaries):
    counts = make_tree(tmp_path / "tree", "--files", 2000, "--seed", 3)
    for threads in (1, 4):
        done = subprocess.run([bench_binaries / "bench" / "ref_walk", "-t", str(threads),
                               tmp_path / "tree"], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        fields = done.stdout.split()
        assert fields[0:2] == ["entries", str(counts["entries"])], done.stdout
        assert fields[2:4] == ["directories", str(counts["directories"] + 1)], done.stdout
    out = tmp_path / "scan.parquet"
    done = subprocess.run([bench_binaries / "storage-scanner", "scan", "-p", tmp_path / "tree",
                           "-o", out], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert pq.ParquetFile(out).metadata.num_rows == counts["entries"]
    usage = subprocess.run([bench_binaries / "bench" / "ref_walk", "--threads", "0", "x"],
                           capture_output=True, text=True)
    assert usage.returncode == 2


def test_scan_bench_has_the_seeds_groups_and_reports_files_per_second(bench_binaries):
    exe = bench_binaries / "bench" / "scan_bench"
    listed = subprocess.run([exe, "--benchmark_list_tests=true"], capture_output=True,
                            text=True, timeout=60, check=True).stdout.split()
    assert listed == [f"{g}/{a}/real_time" for g, args in GROUPS.items() for a in args]
    done = subprocess.run([exe, "--benchmark_filter=^(scan_small_files/100|max_depth/2)/",
                           "--benchmark_min_time=0.01", "--benchmark_format=json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    runs = {b["name"]: b for b in json.loads(done.stdout)["benchmarks"]}
    assert set(runs) == {"scan_small_files/100/real_time", "max_depth/2/real_time"}
    # 100 files and the root; the 7-level tree (3 subdirectories, 5 files each) to depth 2.
    assert runs["scan_small_files/100/real_time"]["rows"] == 101
    assert runs["max_depth/2/real_time"]["rows"] == 1 + (3 + 5) + 3 * (3 + 5)
    for b in runs.values():
        assert b["items_per_second"] > 0 and "error_occurred" not in b


def test_run_benchmarks_sh_runs_a_filter_and_keeps_the_results(tmp_path, bench_binaries):
    env = dict(os.environ, SSCAN_BUILD_DIR=str(bench_binaries), SSCAN_BENCH_RESULTS=str(tmp_path),
               SSCAN_BENCH_ARGS="--benchmark_min_time=0.01")
    done = subprocess.run([RUN_BENCHMARKS, "scan_small_files/100/"], capture_output=True,
                          text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    kept = list(tmp_path.glob("scan_bench-*.json"))
    assert len(kept) == 1, done.stderr
    assert [b["name"] for b in json.loads(kept[0].read_text())["benchmarks"]] == \
        ["scan_small_files/100/real_time"]


def test_compare_walkers_writes_table_json_and_chart(tmp_path, bench_binaries):
    make_tree(tmp_path / "tree", "--files", 1000, "--no-sizes")
    results = tmp_path / "results"
    done = subprocess.run([sys.executable, COMPARE, tmp_path / "tree", "--build", bench_binaries,
                           "--reps", "1", "--modes", "warm", "--ref-threads", "1,2",
                           "--scanner-threads", "2", "--results", results, "--name", "tiny"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    md = (results / "tiny.md").read_text()
    data = json.loads((results / "tiny.json").read_text())
    ET.parse(results / "tiny.svg")  # well-formed
    assert "## Warm cache" in md and "## Targets" in md and "ref_walk -t 2" in md
    rows = data["results"]["warm"]["rows"]
    default = rows["scanner-default"]
    assert default["threads"] >= 1 and f"ref-{default['threads']}" in rows
    assert default["rss_mib"] > 1 and default["entries"] == rows["ref-1"]["entries"]
    assert {"find", "du"} <= set(rows)
    assert any("peak RSS" in t["target"] for t in data["targets"])
    # Nothing of the scans is left beside the tree.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results", "tree"]


AB = REPO / "bench" / "ab_builds.py"


def test_ab_builds_compares_builds_round_by_round(tmp_path, bench_binaries):
    make_tree(tmp_path / "tree", "--files", 500, "--no-sizes")
    scanner = bench_binaries / "storage-scanner"
    done = subprocess.run([sys.executable, AB, tmp_path / "tree", f"old={scanner}",
                           f"new={scanner}", "--build", bench_binaries, "--rounds", "2",
                           "--ref-threads", "2", "--", "-t", "2"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("warm cache, 2 rounds") and "entries)" in lines[0]
    rows = {line.split()[0]: line.split() for line in lines[2:]}
    assert set(rows) == {"ref_walk", "old", "new"}
    assert float(rows["ref_walk"][-1]) > 0 and float(rows["old"][-1]) == 1.0  # old / old
    assert "round 2/2" in done.stderr  # progress on stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tree"]  # no scan left behind


def test_ab_builds_refuses_a_build_that_loses_rows(tmp_path, bench_binaries):
    make_tree(tmp_path / "tree", "--files", 300, "--no-sizes")
    lossy = tmp_path / "lossy.sh"
    lossy.write_text(f'#!/bin/sh\nexec {bench_binaries / "storage-scanner"} "$@" --max-depth 1\n')
    lossy.chmod(0o755)
    done = subprocess.run([sys.executable, AB, tmp_path / "tree", f"lossy={lossy}",
                           "--build", bench_binaries, "--rounds", "1"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("ab_builds.py: error: lossy: ")
    assert "entries, ref_walk counted" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("args, words", [
    (["x"], "expected NAME=BINARY"),
    (["a=/nonexistent"], "no such file"),
    (["ref_walk=/bin/true"], "must differ"),
])
def test_ab_builds_usage_errors(tmp_path, args, words):
    (tmp_path / "tree").mkdir()
    done = subprocess.run([sys.executable, AB, tmp_path / "tree", *args],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and words in done.stderr, done.stderr
