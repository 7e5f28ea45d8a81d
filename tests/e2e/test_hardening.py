"""Hardening (issue 6): trees and inputs that break naive walkers.

Every scan here is compared, entry for entry, with the independent os.lstat walk
(lib/reference.py), except where the point is a race: then the checks are the invariants a
race must never break (no crash, no duplicate, nothing from outside the root, every vanished
entry accounted for).

Soaks: SSCAN_SOAK_ROUNDS (default 6) sets the rounds of the race tests, SSCAN_BIG_DIR_ENTRIES
(default 250,000) the size of the one big directory, SSCAN_DEEP_LEVELS (default 2,500) the depth
of the deep tree.
"""
import ctypes
import errno
import json
import os
import random
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import scanner_binary
from lib import readers, sidecar, trees
from lib.compare import assert_rows_equal
from lib.logs import summary_number
from lib.outputs import assert_refused, directory_snapshot
from lib.privileges import requires_root
from lib.reference import reference_scan, row_raw_path
from test_incremental import assert_exactly_once, chunk_files, manifest_of

ROUNDS = int(os.environ.get("SSCAN_SOAK_ROUNDS", "6"))
BIG_DIR_ENTRIES = int(os.environ.get("SSCAN_BIG_DIR_ENTRIES", "250000"))
DEEP_LEVELS = int(os.environ.get("SSCAN_DEEP_LEVELS", "2500"))
FD_LIMIT = 64
PEAK_RSS_LIMIT_KB = 150 * 1024

# The reference walk and settle_atimes recurse once or twice per level, and keep one
# descriptor open per level: thousands of levels need more of both than Python's defaults.
sys.setrecursionlimit(max(sys.getrecursionlimit(), 4 * DEEP_LEVELS + 1000))
_soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if _soft != resource.RLIM_INFINITY and _soft < 2 * DEEP_LEVELS + 200:
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(_hard, 2 * DEEP_LEVELS + 200), _hard))


def scan_argv(root, output, *options, prefix=()) -> list[str]:
    return [*prefix, str(scanner_binary()), "scan", "--path", str(root), "--output", str(output),
            *map(str, options)]


def run(argv: list[str], timeout: float = 120, env=None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(argv, capture_output=True, text=True, errors="replace",
                              timeout=timeout, env={**os.environ, **(env or {})})
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running after {timeout} s (a hang): {' '.join(argv)}")


def pyarrow_rows(output: Path) -> list[dict]:
    """Rows read by pyarrow alone: the big trees here would take minutes through all five
    readers, whose agreement the smaller suites already check."""
    return readers.read_rows(output, readers=("pyarrow",))


# --- paths far longer than PATH_MAX -----------------------------------------------------------

@pytest.fixture(scope="module")
def deep_tree(tmp_path_factory):
    """DEEP_LEVELS nested directories of 5-byte names (paths of ~15,000 bytes, almost four
    times PATH_MAX) with a file every tenth level; built relative to directory descriptors."""
    root = trees.make_deep_tree(tmp_path_factory.mktemp("deep") / "tree", levels=DEEP_LEVELS,
                                name_len=5, files_every=10)
    yield root, reference_scan(root)
    shutil.rmtree(root)  # pytest keeps the last runs' temporary trees: not this one


def test_deep_tree_beyond_path_max(scanner, deep_tree, output):
    root, ref = deep_tree
    result = scanner.scan_ok(root, output, timeout=120)
    assert_rows_equal(result.rows, ref.rows, root=ref.root)
    assert result.errors == []
    assert max(len(row_raw_path(r)) for r in result.rows) > 3 * 4096


@pytest.mark.parametrize("threads", [1, 8, 32])
def test_deep_tree_with_64_descriptors(deep_tree, output, threads):
    """Under `prlimit --nofile=64:64` the walker cannot keep an open descriptor per level (nor
    raise the limit): it must evict and reopen, and still list everything."""
    root, ref = deep_tree
    done = run(scan_argv(root, output, "-t", threads,
                         prefix=("prlimit", f"--nofile={FD_LIMIT}:{FD_LIMIT}")))
    assert done.returncode == 0, done.stderr
    assert_rows_equal(pyarrow_rows(output), ref.rows, root=ref.root)
    assert sidecar.read_sidecar(output) == []


@pytest.fixture(scope="module")
def bushy_tree(tmp_path_factory):
    """12 x 12 x 6 directories with two files each: many more directories than descriptors,
    listed in an order that makes the walker reopen parents it has closed."""
    root = tmp_path_factory.mktemp("bushy") / "tree"
    for a in range(12):
        for b in range(12):
            for c in range(6):
                leaf = root / f"a{a:02d}" / f"b{b:02d}" / f"c{c}"
                leaf.mkdir(parents=True)
                (leaf / "x.txt").write_bytes(b"x")
                (leaf / "y.dat").write_bytes(b"y")
    trees.settle_atimes(root)
    return root, reference_scan(root)


@pytest.mark.parametrize("threads", [8, 32])
def test_bushy_tree_with_64_descriptors(bushy_tree, output, threads):
    root, ref = bushy_tree
    done = run(scan_argv(root, output, "-t", threads,
                         prefix=("prlimit", f"--nofile={FD_LIMIT}:{FD_LIMIT}")))
    assert done.returncode == 0, done.stderr
    assert_rows_equal(pyarrow_rows(output), ref.rows, root=ref.root)
    assert sidecar.read_sidecar(output) == []


def deep_incremental(root, output, *options, env=None, prefix=()) -> subprocess.Popen:
    argv = scan_argv(root, output, "--incremental", "--resume", "--rows-per-chunk", "250",
                     "-b", "100", *options, prefix=prefix)
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {})})


def wait_for(proc: subprocess.Popen, timeout: float = 120) -> tuple[int, str]:
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("scan did not finish in time")
    return proc.returncode, err.decode(errors="replace")


@pytest.mark.parametrize("how", ["crash_point", "timed_kill"])
def test_deep_tree_resume_after_kill_9(deep_tree, output, how):
    """kill -9 in the middle of the deep tree, then resume (under the small descriptor limit,
    so the resumed walk must reopen a 15,000-byte path one component at a time): every entry
    exactly once."""
    root, ref = deep_tree
    if how == "crash_point":
        proc = deep_incremental(root, output, env={"SSCAN_CRASH_AT": "manifest_renamed:4"})
    else:
        # Slowed down (~10,000 operations in all) so that the kill lands mid-way.
        proc = deep_incremental(root, output, "--max-rate", "4000")
        deadline = time.monotonic() + 60
        while len(chunk_files(output)) < 3 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
    rc, err = wait_for(proc)
    assert rc == -9, f"the scan finished before it could be killed\n{err}"
    assert not manifest_of(output)["completed"]
    rc, err = wait_for(deep_incremental(root, output,
                                        prefix=("prlimit", f"--nofile={FD_LIMIT}:{FD_LIMIT}")))
    assert rc == 0, err
    assert "resuming" in err
    assert_exactly_once(output, {row_raw_path(r) for r in ref.rows})


# --- one directory of a few hundred thousand entries ------------------------------------------

@pytest.fixture(scope="module")
def big_directory(tmp_path_factory):
    root = tmp_path_factory.mktemp("bigdir") / "tree"
    trees.make_many_entries_tree(root, BIG_DIR_ENTRIES)
    yield root
    shutil.rmtree(root)  # hundreds of thousands of names: not left for pytest's retention


def peak_rss_kb(stderr: str) -> int:
    return summary_number(stderr, r"peak_rss_kb=(\d+)")


def test_big_directory_scanned_correctly_in_bounded_memory(big_directory, output):
    root = big_directory
    done = run(scan_argv(root, output, prefix=("/usr/bin/time", "-f", "peak_rss_kb=%M")))
    assert done.returncode == 0, done.stderr
    ref = reference_scan(root, output)  # after the scan: it costs more than the scan itself
    assert_rows_equal(pyarrow_rows(output), ref.rows, root=ref.root)
    assert len(ref.rows) == BIG_DIR_ENTRIES + 6
    if "asan" in run([str(scanner_binary()), "--version"]).stdout:
        return  # ASan's shadow memory and quarantine are not the scanner's footprint
    rss = peak_rss_kb(done.stderr)
    assert rss < PEAK_RSS_LIMIT_KB, f"peak RSS {rss} KiB for one directory of {BIG_DIR_ENTRIES}"


# --- entries created, deleted and renamed while the scan runs ---------------------------------

def make_churn_area(area: Path) -> None:
    """big/ with 3,000 files, which the churn deletes and recreates in random order, so entries
    often vanish between the getdents that lists them and the statx that describes them;
    d0..d9, which see files created and moved across them and subdirectories renamed."""
    (area / "big").mkdir(parents=True)
    for i in range(3000):
        (area / "big" / f"f{i:05d}").write_bytes(b"")
    for d in range(10):
        (area / f"d{d}" / "sub").mkdir(parents=True)


class Churn(threading.Thread):
    """Creates, deletes and renames files and directories below a make_churn_area() until
    stopped."""

    def __init__(self, area: Path, seed: int):
        super().__init__(daemon=True)
        self.area, self.rng = area, random.Random(seed)
        self.stopping = threading.Event()
        self.operations = 0

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.step()
            except OSError:
                pass  # racing with ourselves (a renamed directory): just go on
            self.operations += 1

    def step(self) -> None:
        rng, area = self.rng, self.area
        victim = area / "big" / f"f{rng.randrange(3000):05d}"
        try:
            victim.unlink()
        except FileNotFoundError:
            victim.write_bytes(b"")
        d, e = area / f"d{rng.randrange(10)}", area / f"d{rng.randrange(10)}"
        kind = rng.randrange(4)
        if kind == 0:
            (d / f"n{rng.randrange(50)}").write_bytes(b"n")
        elif kind == 1:
            os.rename(d / f"n{rng.randrange(50)}", e / f"n{rng.randrange(50)}")
        elif kind == 2:
            os.rename(d / "sub", d / "sub2") if (d / "sub").exists() \
                else os.rename(d / "sub2", d / "sub")
        else:
            (d / "sub" / f"s{rng.randrange(20)}").mkdir()

    def stop(self) -> None:
        self.stopping.set()
        self.join()


@pytest.fixture
def churn_tree(tmp_path):
    """tree/stable: a tree nobody touches (compared with the reference); tree/churn: the
    area the churn thread works on."""
    root = tmp_path / "tree"
    trees.make_mixed_tree(root / "stable", seed=7, files=150, dirs=25)
    trees.make_non_utf8_tree(root / "stable/bytes")
    make_churn_area(root / "churn")
    trees.settle_atimes(root)
    return root


def rows_below(rows: list[dict], directory: bytes) -> list[dict]:
    return [r for r in rows
            if row_raw_path(r) == directory or row_raw_path(r).startswith(directory + b"/")]


def assert_tree_shaped(rows: list[dict], raw_root: bytes) -> None:
    """Whatever raced, the rows form a tree: each row's parent is a directory row, its depth one
    more than its parent's, its top_level_dir the first component below the root."""
    by_path = {r["path"]: r for r in rows}
    for r in rows:
        if row_raw_path(r) == raw_root:
            continue
        parent = by_path.get(r["parent_path"])
        assert parent is not None and parent["file_type"] == "directory", r["path"]
        assert r["depth"] == parent["depth"] + 1, r["path"]
        assert r["top_level_dir"] == (parent["top_level_dir"] or r["path"].rsplit("/", 1)[1])


def test_entries_changing_during_the_scan(churn_tree, out_dir):
    root = churn_tree
    raw_root, stable = os.fsencode(root), os.fsencode(root / "stable")
    expected_stable = rows_below(reference_scan(root).rows, stable)
    vanished_seen = 0
    for round_no in range(ROUNDS):
        threads = [1, 4, 16, 64][round_no % 4]
        output = out_dir / f"round{round_no}.parquet"
        churn = Churn(root / "churn", seed=round_no)
        churn.start()
        try:
            # The rate limit stretches the scan so that the churn has time to act in it.
            done = run(scan_argv(root, output, "-t", threads, "--max-rate", "40000"))
        finally:
            churn.stop()
        assert done.returncode == 0, done.stderr
        rows = pyarrow_rows(output)
        paths = Counter(row_raw_path(r) for r in rows)
        assert [p for p, n in paths.items() if n > 1] == [], f"duplicated paths, {threads} threads"
        assert all(p == raw_root or p.startswith(raw_root + b"/") for p in paths)
        assert_tree_shaped(rows, raw_root)
        assert_rows_equal(rows_below(rows, stable), expected_stable, root=raw_root)
        errors = sidecar.read_sidecar(output)
        churn_prefix = os.fsencode(root / "churn") + b"/"
        assert all(e.path.startswith(churn_prefix) for e in errors), errors
        assert {e.errno for e in errors} <= {errno.ENOENT, errno.ENOTDIR, errno.ESTALE}, errors
        vanished = [e for e in errors if e.op == "statx" and e.errno == errno.ENOENT]
        assert summary_number(done.stderr, r"errors: [\d,]+ \(([\d,]+) vanished") == len(vanished)
        assert summary_number(done.stderr, r"errors: ([\d,]+) \(") == len(errors)
        vanished_seen += len(vanished)
    assert vanished_seen > 0, "no entry vanished between listing and stat in any round: the " \
                              "test did not exercise what it is for"


# --- a directory swapped for a symlink while the scan runs ------------------------------------

_libc = ctypes.CDLL(None, use_errno=True)
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: bytes, b: bytes) -> None:
    """renameat2(RENAME_EXCHANGE): swap two names atomically (a directory and a symlink)."""
    if _libc.renameat2(_AT_FDCWD, a, _AT_FDCWD, b, _RENAME_EXCHANGE) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


class Swapper(threading.Thread):
    """Swaps each (directory, symlink) pair in a tight loop until stopped."""

    def __init__(self, pairs: list[tuple[Path, Path]]):
        super().__init__(daemon=True)
        self.pairs = [(os.fsencode(a), os.fsencode(b)) for a, b in pairs]
        self.stopping = threading.Event()
        self.swaps = 0

    def run(self) -> None:
        while not self.stopping.is_set():
            for a, b in self.pairs:
                exchange(a, b)
                self.swaps += 1

    def stop(self) -> None:
        self.stopping.set()
        self.join()


@pytest.fixture
def swap_setup(tmp_path):
    """tree/ with two places where a directory (victim) and a symlink (door) trade names, and
    outside/ with a canary: a directory whose file names and contents must never reach the
    output."""
    token = secrets.token_hex(8)
    outside = tmp_path / "outside"
    trees.write_file(outside / "door" / f"canary_{token}.txt", f"secret {token}".encode())
    (outside / "door" / f"canary_dir_{token}").mkdir()
    root = tmp_path / "tree"
    pairs = []
    for place in (root, root / "sub/deeper"):
        for i in range(30):
            trees.write_file(place / "victim" / f"file{i}.txt", b"v")
        trees.write_file(place / "victim" / "inner" / "leaf.txt", b"l")
        pairs.append((place / "victim", place / "door"))
    trees.write_file(root / "plain.txt", b"p")
    trees.settle_atimes(root)
    inodes = set()
    for directory, dirs, files in os.walk(root):
        for name in [".", *dirs, *files]:
            st = os.lstat(os.path.join(directory, name))
            inodes.add((st.st_dev, st.st_ino))
    return root, outside, pairs, inodes, token


@pytest.mark.parametrize("target", ["slash", "outside"])
def test_directory_swapped_for_a_symlink_never_leads_outside(swap_setup, out_dir, target):
    root, outside, pairs, inodes, token = swap_setup
    link_target = "/" if target == "slash" else str(outside / "door")
    for _, door in pairs:
        os.symlink(link_target, door)
        inodes.add((os.lstat(door).st_dev, os.lstat(door).st_ino))
    swapper = Swapper(pairs)
    swapper.start()
    try:
        for round_no in range(ROUNDS * 3):
            output = out_dir / f"round{round_no}.parquet"
            threads = [1, 2, 8, 32][round_no % 4]
            # Uncompressed, so a byte search of the file finds any name that got in.
            done = run(scan_argv(root, output, "-t", threads, "--compression", "none"), timeout=60)
            assert done.returncode == 0, done.stderr
            rows = pyarrow_rows(output)
            foreign = [r["path"] for r in rows if (r["device"], r["inode"]) not in inodes]
            assert foreign == [], f"rows from outside the root ({threads} threads): {foreign[:5]}"
            assert max(r["depth"] for r in rows) <= 5
            for path in (output, sidecar.sidecar_path(output)):
                assert token.encode() not in path.read_bytes(), f"canary in {path.name}"
            output.unlink()
    finally:
        swapper.stop()
    assert swapper.swaps > 100, "the swapper hardly ran: the race was not exercised"


# --- /proc, /sys and /dev ---------------------------------------------------------------------

@requires_root
@pytest.mark.parametrize("path", ["/proc", "/sys", "/dev"])
def test_pseudo_filesystems_finish_and_report(path, output):
    """Entries that vanish (processes), that cannot be read, devices and (in /dev) FIFOs: the
    scan ends, exit 0, and every problem is in the sidecar. A scanner that opened a FIFO or a
    device, or followed /proc/*/root, would hang or never end."""
    done = run(scan_argv(path, output), timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    table = pq.read_table(output, columns=["path", "file_type"])
    paths = table.column("path").to_pylist()
    assert len(paths) > 100
    assert all(p == path or p.startswith(path + "/") for p in paths)
    errors = sidecar.read_sidecar(output)  # every line well-formed
    assert summary_number(done.stderr, r"errors: ([\d,]+) \(") == len(errors)


# --- bad inputs -------------------------------------------------------------------------------
# What test_cli.py and test_incremental.py already cover is not repeated here: --threads 0,
# 1025, -1, 2**64+1, "four", "1.5", ""; --batch-size 0, -5, "lots"; --max-depth -1, "deep";
# --rows-per-chunk 0; --chunk-interval-secs -1; options without --incremental; an unknown
# option and command; a missing, unwritable (as nobody) or directory output; a manifest that
# is truncated, not JSON, has a wrong top-level type, is empty, belongs to another root, lists
# a missing chunk, or was made with other options.

HUGE = "9" * 30
# option -> (values that must be refused with exit 2, options the option needs)
NUMERIC_OPTIONS = {
    "--threads": (["1e3", " ", "+", "1,000"], []),
    "--batch-size": (["1000001", HUGE, "1.5", "", "1e3"], []),
    "--max-depth": (["1000001", HUGE, "2.0", "", "-0.5"], []),
    "--rows-per-chunk": (["1000000001", HUGE, "-3", "many", "", "1.5"], ["--incremental"]),
    "--chunk-interval-secs": (["0", "31536001", HUGE, "soon", "", "1.5"], ["--incremental"]),
    "--max-rate": (["-1", "1000000001", HUGE, "fast", "", "2.5"], []),
    "--progress-interval": (["0", "-1", "0.01", "86401", "inf", "-inf", "often", "", HUGE],
                            []),
    "--output-mode": (["0400", "999", "0x1ff", "", "17777", "rw", "-600"], []),
    "--compression": (["gzip", "", "ZSTD"], []),
}
USAGE_CASES = {f"{option}={value!r}": [*needs, f"{option}={value}"]
               for option, (values, needs) in NUMERIC_OPTIONS.items() for value in values}
USAGE_CASES.update({
    "typo_exclude_form": ["--exclude-form", "x"],
    "typo_one_filesystem": ["--one-filesystem"],
    "underscore_option": ["--max_rate", "5"],
    "unknown_short_X": ["-X"],
    "flag_with_value": ["-x=1"],
    "option_twice": ["--threads", "4", "--threads", "5"],
    "path_twice": ["--path", "/"],
    "extra_positional": ["positional"],
    "exclude_without_pattern": ["--exclude"],
})
# Integers in a prefix notation: CLI11 reads "0x10" as 16 and "010" as 8 (octal), so
# `--max-depth 010` silently keeps 8 levels. They must be refused, or read as decimal.
PREFIXED_INTEGERS = {f"{option}={value}": [*needs, f"{option}={value}"]
                     for option, needs in [("--threads", []), ("--batch-size", []),
                                           ("--max-depth", []), ("--max-rate", []),
                                           ("--rows-per-chunk", ["--incremental"]),
                                           ("--chunk-interval-secs", ["--incremental"])]
                     for value in ["0x10", "0X1F"]}


@pytest.fixture
def small_tree(tmp_path):
    return trees.make_seed_unit_tree(tmp_path / "tree")


@pytest.fixture
def previous(out_dir, output):
    """An output that already exists and that every refusal must leave as it was."""
    output.write_bytes(b"the previous snapshot")
    return out_dir


@pytest.mark.parametrize("case", sorted(USAGE_CASES))
def test_bad_option_values_are_usage_errors(scanner, small_tree, previous, output, case):
    before = directory_snapshot(previous)
    assert_refused(scanner.scan(small_tree, output, *USAGE_CASES[case]), 2, previous, before)


@pytest.mark.parametrize("case", sorted(PREFIXED_INTEGERS))
def test_hex_integers_are_usage_errors(scanner, small_tree, previous, output, case):
    before = directory_snapshot(previous)
    assert_refused(scanner.scan(small_tree, output, *PREFIXED_INTEGERS[case]), 2, previous,
                   before)


def test_leading_zero_is_not_octal(scanner, tmp_path, output):
    root = trees.make_deep_tree(tmp_path / "tree", levels=12, name_len=3)
    run_result = scanner.scan(root, output, "--max-depth", "010")
    if run_result.returncode == 2:
        return  # refusing is fine too
    assert run_result.returncode == 0, run_result.describe()
    assert max(r["depth"] for r in pyarrow_rows(output)) == 10


def test_progress_interval_nan_is_a_usage_error(scanner, small_tree, previous, output):
    before = directory_snapshot(previous)
    # CLI::Range lets NaN through (every comparison with NaN is false); the progress thread then
    # logged in a busy loop.
    assert_refused(scanner.scan(small_tree, output, "--progress-interval", "nan"), 2, previous,
                   before, "--progress-interval")


def test_empty_path_is_refused(scanner, tmp_path, previous, output):
    cwd = tmp_path / "cwd"
    trees.make_seed_unit_tree(cwd)
    before = directory_snapshot(previous)
    run_result = scanner.scan("", output, cwd=cwd)
    assert run_result.returncode in (1, 2), run_result.describe()
    assert_refused(run_result, run_result.returncode, previous, before)


@requires_root
def test_output_on_a_read_only_mount_is_fatal(scanner, small_tree, previous, output):
    """Root ignores permission bits but not a read-only mount: the output directory is bind
    mounted read-only over itself."""
    target = str(previous)
    subprocess.run(["mount", "--bind", target, target], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", target], check=True)
        before = directory_snapshot(previous)
        for extra in ([], ["--incremental"]):
            assert_refused(scanner.scan(small_tree, output, *extra), 1, previous, before,
                           target)
    finally:
        subprocess.run(["umount", target], check=True)


def test_output_below_a_regular_file_is_fatal(scanner, small_tree, previous):
    (previous / "plain_file").write_bytes(b"x")
    before = directory_snapshot(previous)
    assert_refused(scanner.scan(small_tree, previous / "plain_file" / "scan.parquet"), 1,
                   previous, before, "plain_file")


def test_incremental_output_that_is_a_directory_is_fatal(scanner, small_tree, previous):
    (previous / "snap.parquet").mkdir()
    before = directory_snapshot(previous)
    assert_refused(scanner.scan(small_tree, previous / "snap.parquet", "--incremental"), 1,
                   previous, before)


# --- damaged manifests ------------------------------------------------------------------------

def set_path(document, path: list, value):
    """document[path[0]][path[1]]... = value (value DELETE removes the key)."""
    for key in path[:-1]:
        document = document[key]
    if value is DELETE:
        del document[path[-1]]
    else:
        document[path[-1]] = value


DELETE = object()
# name -> (JSON path, new value, a word the one-line message must contain)
MANIFEST_DAMAGE = {
    "chunk_rows_string": (["chunks", 0, "rows"], "5", "rows"),
    "chunk_not_object": (["chunks", 0], "scan_chunk_0001.parquet", "chunks"),
    "chunk_bytes_negative": (["chunks", 0, "bytes"], -1, "bytes"),
    "chunk_path_missing": (["chunks", 0, "file_path"], DELETE, "file_path"),
    "chunks_object": (["chunks"], {}, "chunks"),
    "chunk_count_off": (["chunk_count"], 99, "chunk_count"),
    "total_rows_off": (["total_rows"], 1, "total_rows"),
    "total_rows_float": (["total_rows"], 1.5, "total_rows"),
    "version_2": (["version"], 2, "version"),
    "options_excludes_string": (["options", "excludes"], "*.tmp", "excludes"),
    "options_max_depth_string": (["options", "max_depth"], "3", "max_depth"),
    "options_missing": (["options"], DELETE, "options"),
    "resume_missing": (["resume"], DELETE, "resume"),
    "pending_dirs_object": (["resume", "pending_dirs"], {}, "pending_dirs"),
    "pending_cookie_negative": (["resume", "pending_dirs", 0, "cookie"], -1, "cookie"),
    "pending_depth_huge": (["resume", "pending_dirs", 0, "depth"], 2**40, "depth"),
    "pending_id_not_below_next": (["resume", "pending_dirs", 0, "id"], 10**9, "next_id"),
    "root_b64_garbage": (["root_b64"], "!!!not base64", "root_b64"),
    "completed_with_pending_work": (["completed"], True, "pending"),
    "finished_at_number": (["finished_at"], 5, "finished_at"),
}


@pytest.fixture
def interrupted_scan(tmp_path, out_dir, output):
    """An incremental scan killed after its second chunk, with directories still pending."""
    root = trees.make_mixed_tree(tmp_path / "tree", seed=9, files=150, dirs=25)
    done = run(scan_argv(root, output, "--incremental", "--rows-per-chunk", "30", "-t", "2"),
               env={"SSCAN_CRASH_AT": "manifest_renamed:3"})
    assert done.returncode == -9, done.stderr
    manifest = manifest_of(output)
    assert manifest["resume"]["pending_dirs"], "nothing pending: the manifest tests need some"
    return root, manifest


def write_manifest(output: Path, text: str) -> None:
    (output.parent / "scan_manifest.json").write_text(text)


@pytest.mark.parametrize("damage", sorted(MANIFEST_DAMAGE))
def test_damaged_manifest_fields_are_refused(scanner, interrupted_scan, out_dir, output, damage):
    root, manifest = interrupted_scan
    path, value, word = MANIFEST_DAMAGE[damage]
    set_path(manifest, path, value)
    write_manifest(output, json.dumps(manifest))
    before = directory_snapshot(out_dir)
    assert_refused(scanner.scan(root, output, "--incremental", "--resume"), 1, out_dir, before,
                   "manifest", word)


def test_chunk_of_another_size_is_refused(scanner, interrupted_scan, out_dir, output):
    """A chunk whose size differs from what the manifest recorded was replaced or damaged."""
    root, _ = interrupted_scan
    with open(out_dir / "scan_chunk_0001.parquet", "ab") as f:
        f.write(b"\0")
    before = directory_snapshot(out_dir)
    assert_refused(scanner.scan(root, output, "--incremental", "--resume"), 1, out_dir, before,
                   "scan_chunk_0001.parquet")


def test_manifest_that_is_a_directory_is_refused(scanner, small_tree, out_dir, output):
    (out_dir / "scan_manifest.json").mkdir()
    before = directory_snapshot(out_dir)
    assert_refused(scanner.scan(small_tree, output, "--incremental", "--resume"), 1, out_dir,
                   before, "scan_manifest.json")


def test_deeply_nested_manifest_is_refused_not_a_crash(scanner, interrupted_scan, out_dir,
                                                        output):
    root, manifest = interrupted_scan
    text = json.dumps(manifest).replace('"options": {', '"options": {"deep": '
                                        + "[" * 200_000 + "]" * 200_000 + ", ", 1)
    write_manifest(output, text)
    run_result = scanner.scan(root, output, "--incremental", "--resume")
    # Accepting it (the nesting is in a field nobody reads) or refusing it as damaged are both
    # fine; a crash is not (under ASan a stack overflow also exits 1, with a report).
    if run_result.returncode != 0:
        assert run_result.returncode == 1 and len(run_result.stderr_lines) == 1 \
            and "damaged" in run_result.stderr, run_result.describe()[-3000:]


def test_manifest_pending_path_cannot_leave_the_root(scanner, interrupted_scan, out_dir,
                                                      output):
    """A manifest whose pending directory is '../..' (device and inode 0: "not known") must be
    refused as damaged, or at least must not produce a row from outside the root."""
    root, manifest = interrupted_scan
    pending = manifest["resume"]["pending_dirs"][0]
    pending.update(path="../..", device=0, inode=0)
    write_manifest(output, json.dumps(manifest))
    run_result = scanner.scan(root, output, "--incremental", "--resume")
    if run_result.returncode == 1:
        return
    escaped = [p for p in published_paths_of(output) if b"/../" in p or p.endswith(b"/..")]
    assert escaped == [], f"rows from outside the root: {escaped[:5]}"


def published_paths_of(output: Path) -> list[bytes]:
    return [row_raw_path(r) for f in chunk_files(output) for r in
            pq.read_table(f, columns=["path", "path_bytes"]).to_pylist()]
