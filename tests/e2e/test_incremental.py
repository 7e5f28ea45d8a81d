"""Incremental mode: chunk files, the manifest, and resume that loses and duplicates nothing.

The promise under test: after any interruption — SIGKILL at a random moment, SIGTERM, a
crash at each named step of publishing, a full disk — resuming yields chunks in which every
entry of the tree appears exactly once. Each scenario ends by comparing the union of the
chunks with an independent os.lstat walk of the tree.

SSCAN_CRASH_ITERATIONS (default 8) sets how many random-kill rounds run per signal; raise it
for a soak (e.g. SSCAN_CRASH_ITERATIONS=200 pytest -k random_kill).
"""
import glob
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import scanner_binary
from lib import readers, sidecar
from lib.compare import assert_rows_equal
from lib.outputs import directory_snapshot, temp_files
from lib.privileges import requires_root
from lib.processes import wait_for_handlers
from lib.reference import reference_scan, row_raw_path
from lib import trees

CRASH_STEPS = ["chunk_written", "chunk_fsynced", "chunk_renamed", "manifest_written",
               "manifest_renamed"]
ITERATIONS = int(os.environ.get("SSCAN_CRASH_ITERATIONS", "8"))


def chunk_files(output: Path) -> list[str]:
    stem = output.name.removesuffix(".parquet")
    return sorted(glob.glob(str(output.parent / f"{stem}_chunk_*.parquet")))


def manifest_of(output: Path) -> dict:
    stem = output.name.removesuffix(".parquet")
    return json.loads((output.parent / f"{stem}_manifest.json").read_text())


def published_paths(output: Path) -> list[bytes]:
    """Raw paths of every row in every chunk (pyarrow only: fast enough for loops)."""
    paths = []
    for f in chunk_files(output):
        t = pq.read_table(f, columns=["path", "path_bytes"])
        for p, raw in zip(t.column("path").to_pylist(), t.column("path_bytes").to_pylist()):
            paths.append(raw if raw is not None else p.encode())
    return paths


def assert_exactly_once(output: Path, expected: set[bytes]) -> None:
    counts = Counter(published_paths(output))
    duplicated = sorted(p for p, n in counts.items() if n > 1)
    missing = sorted(expected - counts.keys())
    extra = sorted(counts.keys() - expected)
    assert not duplicated and not missing and not extra, (
        f"{len(duplicated)} duplicated, {len(missing)} missing, {len(extra)} extra; e.g. "
        f"dup {duplicated[:3]} missing {missing[:3]} extra {extra[:3]}")
    m = manifest_of(output)
    assert m["completed"] is True
    assert m["total_rows"] == len(expected)
    assert m["chunk_count"] == len(chunk_files(output)) == len(m["chunks"])
    assert sum(c["rows"] for c in m["chunks"]) == len(expected)
    assert temp_files(output) == []


def start_scan(root: Path, output: Path, *options, env=None) -> subprocess.Popen:
    argv = [str(scanner_binary()), "scan", "--path", str(root), "--output", str(output),
            "--incremental", "--resume", *options]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {})})


def wait_until_running(proc: subprocess.Popen, output: Path, timeout: float = 60) -> None:
    """The random moment starts once the scan runs (it catches SIGINT/SIGTERM and its manifest
    exists): start-up time varies a lot (a sanitizer build, a loaded machine) and is not what
    these tests are about. The manifest alone is not enough: a resumed round finds the last
    round's."""
    wait_for_handlers(proc, timeout)
    manifest = output.parent / (output.name.removesuffix(".parquet") + "_manifest.json")
    deadline = time.monotonic() + timeout
    while not manifest.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)


def finish(proc: subprocess.Popen, timeout: float = 120) -> tuple[int, str]:
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("scan did not finish in time")
    return proc.returncode, err.decode(errors="replace")


@pytest.fixture(scope="module")
def big_tree(tmp_path_factory) -> tuple[Path, set[bytes]]:
    """About 100,000 entries: 240 directories of 400, one directory of 4,000 (listed in many
    getdents buffers, so chunks end inside it), nested mixed content, names of any bytes."""
    root = tmp_path_factory.mktemp("big") / "tree"
    trees.make_many_entries_tree(root, 96000, per_directory=400)
    big = root / "wide"
    big.mkdir()
    src = root / "source0.dat"
    for i in range(4000):
        os.link(src, big / f"w{i:05d}_{'x' * (i % 40)}")
    trees.make_mixed_tree(root / "mixed", seed=3, files=200, dirs=30)
    trees.make_non_utf8_tree(root / "bytes")
    trees.settle_atimes(root)
    expected = {row_raw_path(r) for r in reference_scan(root).rows}
    assert len(expected) > 100000
    return root, expected


# --- the files and the manifest ------------------------------------------------------------

def test_incremental_chunks_equal_the_reference(scanner, tmp_path, output):
    root = trees.make_mixed_tree(tmp_path / "tree", seed=11, files=150, dirs=25)
    trees.make_non_utf8_tree(root / "b")
    ref = reference_scan(root, output)
    run = scanner.scan(root, output, "--incremental", "--rows-per-chunk", "20", "-b", "7")
    assert run.returncode == 0, run.describe()
    files = chunk_files(output)
    assert len(files) == -(-len(ref.rows) // 20)
    for f in files:
        assert pq.ParquetFile(f).metadata.num_rows <= 20
        assert os.stat(f).st_mode & 0o777 == 0o600
    rows = readers.read_rows(files)  # all five readers agree, footers and statistics right
    assert_rows_equal(rows, ref.rows, root=ref.root)
    m = manifest_of(output)
    for key in ("version", "root", "options", "started_at", "updated_at", "finished_at",
                "completed", "total_rows", "chunk_count", "chunks", "completed_dirs", "errors"):
        assert key in m, key
    assert m["completed"] and m["finished_at"] and m["total_rows"] == len(ref.rows)
    assert [Path(c["file_path"]).name for c in m["chunks"]] == [Path(f).name for f in files]
    assert all(c["bytes"] == os.path.getsize(c["file_path"]) for c in m["chunks"])
    tops = {r["top_level_dir"] for r in ref.rows if r["depth"] == 1 and r["file_type"] == "directory"}
    assert set(m["completed_dirs"]) == tops
    assert (output.parent / "scan_manifest.json").stat().st_mode & 0o777 == 0o600
    assert not output.exists(), "incremental mode writes chunks, not the standard output"
    assert sidecar.read_sidecar(output) == []


def test_seed_snippets_work_unchanged(scanner, tmp_path, out_dir, output):
    """The seed README's Python, verbatim — except `pq.lib.concat_tables`, which current
    pyarrow no longer has (pyarrow.concat_tables is the same function)."""
    root = trees.make_mixed_tree(tmp_path / "tree", seed=5, files=120, dirs=20)
    run = scanner.scan(root, output, "--incremental", "--rows-per-chunk", "25")
    assert run.returncode == 0, run.describe()
    snippet = """
import polars as pl
df = pl.read_parquet('scan_chunk_*.parquet')
import pandas as pd
import glob
files = glob.glob('scan_chunk_*.parquet')
df2 = pd.concat([pd.read_parquet(f) for f in files])
import pyarrow.parquet as pq
tables = [pq.read_table(f) for f in files]
import pyarrow as pa
table = pa.concat_tables(tables)
import json
with open('scan_manifest.json') as f:
    manifest = json.load(f)
print(f"Rows scanned: {manifest['total_rows']}")
print(f"Chunks completed: {manifest['chunk_count']}")
print(f"Scan complete: {manifest['completed']}")
safe_chunks = manifest['chunks'][:-1] if not manifest['completed'] else manifest['chunks']
df3 = pl.read_parquet([c['file_path'] for c in safe_chunks])
assert len(df) == len(df2) == table.num_rows == len(df3) == manifest['total_rows']
"""
    done = subprocess.run([sys.executable, "-c", snippet], cwd=out_dir, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Scan complete: True" in done.stdout


def test_rows_per_chunk_and_time_cut(scanner, big_tree, output):
    """Chunks are cut at --rows-per-chunk rows or --chunk-interval-secs, whichever first: a
    rate-limited scan of ~100k entries with a huge row limit still gets several chunks."""
    root, expected = big_tree
    run = scanner.scan(root, output, "--incremental", "--chunk-interval-secs", "1",
                       "--rows-per-chunk", "1000000000", "--max-rate", "40000", timeout=120)
    assert run.returncode == 0, run.describe()
    files = chunk_files(output)
    assert len(files) >= 2, "the interval never cut a chunk"
    assert_exactly_once(output, expected)


def test_chunks_readable_while_the_scan_runs(big_tree, output):
    """Every file matching the chunk glob is complete and readable, by every reader, at any
    moment: each chunk is read as soon as it appears, while the scan is still writing."""
    root, expected = big_tree
    proc = start_scan(root, output, "--rows-per-chunk", "3000", "--max-rate", "25000")
    read_during_scan = set()
    while proc.poll() is None:
        for f in chunk_files(output):
            if f not in read_during_scan and proc.poll() is None:
                readers.read_rows([f], readers=("pyarrow", "polars", "duckdb", "pandas"))
                read_during_scan.add(f)
        time.sleep(0.1)
    assert proc.returncode == 0, proc.stderr.read().decode()
    assert len(read_during_scan) >= 3, "the scan ended before chunks could be read during it"
    assert_exactly_once(output, expected)


# --- interruptions --------------------------------------------------------------------------

@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_random_interruptions_resume_exactly_once(big_tree, output, sig):
    """Interrupt a scan at random moments, several times, then let it finish."""
    root, expected = big_tree
    rng = random.Random(f"{sig}-{ITERATIONS}")
    options = ("--rows-per-chunk", "3000", "-b", "1000", "--max-rate", "250000")
    for _ in range(ITERATIONS):
        proc = start_scan(root, output, *options)
        wait_until_running(proc, output)
        time.sleep(rng.uniform(0.0, 0.5))
        proc.send_signal(sig)
        rc, err = finish(proc)
        if rc == 0:
            break  # finished before the signal: the next rounds have nothing to interrupt
        want = {signal.SIGKILL: -9, signal.SIGTERM: 143, signal.SIGINT: 130}[sig]
        assert rc == want, err
    rc, err = finish(start_scan(root, output, *options))
    assert rc == 0, err
    assert_exactly_once(output, expected)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_interruptions_with_time_cut_chunks_resume_exactly_once(big_tree, output, sig):
    """The same with chunks cut by --chunk-interval-secs 1 only (the row limit never
    reached): a signal lands between, during or just after time-based cuts."""
    root, expected = big_tree
    rng = random.Random(f"time-{sig}-{ITERATIONS}")
    options = ("--chunk-interval-secs", "1", "--rows-per-chunk", "1000000000", "-b", "2000",
               "--max-rate", "30000")
    rounds = max(2, ITERATIONS // 3)
    for _ in range(rounds):
        proc = start_scan(root, output, *options)
        wait_until_running(proc, output)
        time.sleep(rng.uniform(0.5, 2.5))
        proc.send_signal(sig)
        rc, err = finish(proc)
        if rc == 0:
            break
        assert rc == {signal.SIGKILL: -9, signal.SIGTERM: 143}[sig], err
    rc, err = finish(start_scan(root, output, *options))
    assert rc == 0, err
    assert len(chunk_files(output)) >= 2, "no time-based cut happened"
    assert_exactly_once(output, expected)


@pytest.mark.parametrize("step", CRASH_STEPS)
@pytest.mark.parametrize("nth", [1, 3])
def test_crash_at_each_publishing_step_resumes_exactly_once(big_tree, output, step, nth):
    root, expected = big_tree
    options = ("--rows-per-chunk", "20000", "-b", "5000")
    rc, err = finish(start_scan(root, output, *options, env={"SSCAN_CRASH_AT": f"{step}:{nth}"}))
    assert rc == -9, f"expected the process to die at {step}:{nth}; exit {rc}\n{err}"
    had_manifest = (output.parent / "scan_manifest.json").exists()
    rc, err = finish(start_scan(root, output, *options))
    assert rc == 0, err
    # Dying while writing the very first manifest leaves none: then it is a fresh scan.
    assert ("Found existing manifest, resuming scan..." in err) == had_manifest, err
    assert_exactly_once(output, expected)


def test_resume_report_and_completed_noop(big_tree, output):
    root, expected = big_tree
    options = ("--rows-per-chunk", "5000")
    rc, _ = finish(start_scan(root, output, *options, env={"SSCAN_CRASH_AT": "manifest_renamed:6"}))
    assert rc == -9
    rc, err = finish(start_scan(root, output, *options))
    assert rc == 0, err
    for line in ("Found existing manifest, resuming scan...", "Resume state:",
                 "- Completed directories:", "- Existing chunks: 5",
                 "- Rows already scanned: 25,000", "Starting scan of:"):
        assert line in err, f"{line!r} missing from:\n{err}"
    assert_exactly_once(output, expected)
    before = directory_snapshot(output.parent)
    rc, err = finish(start_scan(root, output, *options))
    assert rc == 0 and "already complete" in err
    assert directory_snapshot(output.parent) == before


@requires_root
def test_full_disk_stops_cleanly_and_resumes_exactly_once(big_tree, tmp_path):
    """Output on a small tmpfs: the scan stops with a clear error and exit 1, what it
    published stays valid; once space is freed, --resume completes exactly once."""
    root, expected = big_tree
    mnt = tmp_path / "small"
    mnt.mkdir()
    # The whole output of this tree is ~0.5 MB: 256 KiB fills up about half-way.
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)], check=True)
    try:
        output = mnt / "scan.parquet"
        options = ("--rows-per-chunk", "8000", "-b", "4000")
        rc, err = finish(start_scan(root, output, *options))
        assert rc == 1, err
        assert "No space left on device" in err
        assert len([l for l in err.splitlines() if "storage-scanner:" in l]) == 1
        m = manifest_of(output)  # still valid JSON, describing only complete chunks
        assert not m["completed"]
        for c in m["chunks"]:
            assert pq.ParquetFile(c["file_path"]).metadata.num_rows == c["rows"]
        assert temp_files(output) == []
        subprocess.run(["mount", "-o", "remount,size=64m", str(mnt)], check=True)
        rc, err = finish(start_scan(root, output, *options))
        assert rc == 0, err
        assert_exactly_once(output, expected)
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


# --- refusals: one line, the documented exit code, nothing changed --------------------------

def interrupted(root: Path, output: Path) -> None:
    rc, _ = finish(start_scan(root, output, "--rows-per-chunk", "30",
                              env={"SSCAN_CRASH_AT": "manifest_renamed:3"}))
    assert rc == -9


def assert_refused(run, code: int, *words: str) -> None:
    assert run.returncode == code, run.describe()
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.describe()
    for w in words:
        assert w in lines[0], run.describe()


@pytest.mark.parametrize("damage", ["truncated", "not_json", "wrong_type", "empty"])
def test_damaged_manifest_is_refused(scanner, tmp_path, out_dir, output, damage):
    root = trees.make_mixed_tree(tmp_path / "tree", seed=2, files=120, dirs=20)
    interrupted(root, output)
    manifest = out_dir / "scan_manifest.json"
    text = manifest.read_text()
    manifest.write_text({"truncated": text[: len(text) // 2], "not_json": "hello",
                         "wrong_type": text.replace('"completed": false', '"completed": "no"', 1),
                         "empty": ""}[damage])
    before = directory_snapshot(out_dir)
    run = scanner.scan(root, output, "--incremental", "--resume")
    assert_refused(run, 1, "manifest", "damaged")
    assert directory_snapshot(out_dir) == before


def test_manifest_of_another_root_is_refused(scanner, tmp_path, out_dir, output):
    a = trees.make_mixed_tree(tmp_path / "a", seed=1, files=120, dirs=20)
    b = trees.make_mixed_tree(tmp_path / "b", seed=1, files=10, dirs=2)
    interrupted(a, output)
    before = directory_snapshot(out_dir)
    assert_refused(scanner.scan(b, output, "--incremental", "--resume"), 1, str(a))
    assert directory_snapshot(out_dir) == before


def test_missing_chunks_are_named_and_refused(scanner, tmp_path, out_dir, output):
    root = trees.make_mixed_tree(tmp_path / "tree", seed=4, files=120, dirs=20)
    interrupted(root, output)
    (out_dir / "scan_chunk_0002.parquet").unlink()
    before = directory_snapshot(out_dir)
    run = scanner.scan(root, output, "--incremental", "--resume")
    assert_refused(run, 1, "missing", "scan_chunk_0002.parquet")
    assert directory_snapshot(out_dir) == before


def test_changed_options_are_refused(scanner, tmp_path, out_dir, output):
    root = trees.make_mixed_tree(tmp_path / "tree", seed=4, files=120, dirs=20)
    interrupted(root, output)
    before = directory_snapshot(out_dir)
    run = scanner.scan(root, output, "--incremental", "--resume", "--max-depth", "2")
    assert_refused(run, 1, "--max-depth")
    assert directory_snapshot(out_dir) == before


def test_existing_manifest_without_resume_is_refused(scanner, tmp_path, out_dir, output):
    root = trees.make_mixed_tree(tmp_path / "tree", seed=4, files=120, dirs=20)
    interrupted(root, output)
    before = directory_snapshot(out_dir)
    assert_refused(scanner.scan(root, output, "--incremental"), 1, "--resume")
    assert directory_snapshot(out_dir) == before


@pytest.mark.parametrize("args", [["--resume"], ["--rows-per-chunk", "10"],
                                  ["--chunk-interval-secs", "5"],
                                  ["--incremental", "--rows-per-chunk", "0"],
                                  ["--incremental", "--chunk-interval-secs", "-1"]])
def test_incremental_usage_errors(scanner, tmp_path, out_dir, output, args):
    root = trees.make_seed_unit_tree(tmp_path / "tree")
    before = directory_snapshot(out_dir)
    assert_refused(scanner.scan(root, output, *args), 2)
    assert directory_snapshot(out_dir) == before
