"""Helpers for the distributed-scan end-to-end tests (test_shards.py, test_slurm.py).

Self-contained on purpose (the shared e2e harness is written elsewhere): find the binary,
generate trees of known shapes, run the scanner, and read and compare Parquet rows.
SSCAN_BUILD_DIR names the build to test (default: <repo>/build/release).
"""

import json
import os
import subprocess
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[2]


def scanner() -> Path:
    build = Path(os.environ.get("SSCAN_BUILD_DIR", REPO / "build" / "release"))
    binary = build / "storage-scanner"
    assert binary.is_file(), f"no scanner at {binary}: build it (scripts/build.sh release)"
    return binary


def run(*args, check=True, timeout=120, **kwargs) -> subprocess.CompletedProcess:
    """Runs the scanner with `args`; output captured as text."""
    cmd = [str(scanner())] + [str(a) for a in args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(cmd)} exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc


# ----------------------------------------------------------------------------- trees
def _touch(path, size=0):
    with open(path, "wb") as f:
        if size:
            f.write(b"x" * size)


def make_skewed(root: Path, big_dirs=40, sub=3, files=25, small_dirs=10, small_files=30):
    """One top-level directory ('big') holds about 90% of the files, spread over subdirectories:
    the tree that one-task-per-top-level-directory handles worst."""
    for d in range(big_dirs):
        for s in range(sub):
            p = root / "big" / f"d{d:03}" / f"s{s}"
            p.mkdir(parents=True)
            for i in range(files):
                _touch(p / f"f{i}.dat", i % 3)
    for d in range(small_dirs):
        p = root / f"small{d}"
        p.mkdir(parents=True)
        for i in range(small_files):
            _touch(p / f"g{i}.txt")
    _touch(root / "README")


def make_deep_chain(root: Path, depth=150, files=5):
    p = root
    for level in range(depth):
        for i in range(files):
            _touch(p / f"L{level}_{i}.log")
        p = p / "c"
        p.mkdir()


def make_flat(root: Path, files=5000):
    for i in range(files):
        _touch(root / f"file{i:05}.bin")


def make_mixed(root: Path):
    """Names of any bytes, links (never followed), empty directories, a FIFO, hidden files."""
    (root / "a" / "b" / "c").mkdir(parents=True)
    (root / "empty").mkdir()
    (root / "e" / "f").mkdir(parents=True)
    for d in ["a", "a/b", "a/b/c", "e", "e/f"]:
        for i in range(40):
            _touch(root / d / f"x{i}.py")
    _touch(root / ".hidden")
    raw = os.fsencode(root) + b"/\xff\xfe-latin1-\xe9"
    os.mkdir(raw)
    for i in range(30):
        _touch(raw + b"/n\x80" + str(i).encode())
    os.symlink("a", root / "link_to_a")
    os.symlink("/nonexistent/target", root / "broken_link")
    os.mkfifo(root / "e" / "fifo")
    (root / "unicode-ü-dir").mkdir()
    _touch(root / "unicode-ü-dir" / "ß.txt")


TREES = {"skewed": make_skewed, "deep": make_deep_chain, "flat": make_flat, "mixed": make_mixed}


# ----------------------------------------------------------------------------- rows
def read_rows(files):
    tables = [pq.read_table(f) for f in files]
    if not tables:
        return []
    return pa.concat_tables(tables, promote_options="default").to_pylist()


def raw_path(row) -> bytes:
    return row["path_bytes"] if row.get("path_bytes") is not None else row["path"].encode()


def comparable(row):
    """A row as it must be equal in every scan: listing a directory may touch its access
    time, so a directory's accessed_time is left out."""
    r = dict(row)
    if r["file_type"] == "directory":
        r.pop("accessed_time")
    return r


def assert_same_rows(expected, actual):
    """Row for row, whatever the order; no path twice."""
    exp = {raw_path(r): comparable(r) for r in expected}
    dupes = {p for p, n in Counter(raw_path(r) for r in actual).items() if n > 1}
    assert not dupes, f"{len(dupes)} paths twice, e.g. {sorted(dupes)[:3]}"
    act = {raw_path(r): comparable(r) for r in actual}
    missing = sorted(set(exp) - set(act))
    extra = sorted(set(act) - set(exp))
    assert not missing and not extra, f"missing {missing[:5]} ({len(missing)}), extra {extra[:5]} ({len(extra)})"
    for p, row in exp.items():
        assert act[p] == row, f"row of {p!r} differs:\nstandard {row}\nshards   {act[p]}"


def standard_scan(root: Path, out_dir: Path, *options):
    out = out_dir / "standard.parquet"
    run("scan", "--path", root, "--output", out, *options)
    return read_rows([out])


def shard_files(out_dir: Path, stem: str):
    return sorted(out_dir.glob(f"{stem}_*.parquet"))


def manifest(out_dir: Path, stem: str, shard: int):
    path = out_dir / f"{stem}_shard{shard:04}_manifest.json"
    return json.loads(path.read_text()) if path.exists() else None
