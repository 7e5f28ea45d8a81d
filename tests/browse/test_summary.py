"""Where the browser's per-directory summary comes from: computed once into the browse cache
(with a progress bar) and reused; read from a history catalogue without computing; never
written inside the scanned tree. Opening reads the summary, not the rows."""
import io
import json
import os
import pathlib
import shutil
import stat
import subprocess
import sys
import tempfile

import browse_reference as ref
import duckdb
import pytest
from browse_harness import IMPORT, NOBODY, REPO, run_browse, text

sys.path.insert(0, str(REPO / "scripts"))

from scan_browse.progress import QueryProgress  # noqa: E402


def entries(cache) -> list:
    return [p for p in cache.iterdir() if not p.name.startswith(".")] if cache.exists() else []


def test_summary_is_computed_once_and_kept_private(snapshot, fresh_cache):
    proc = run_browse(snapshot, "--list", "--cache-dir", fresh_cache)
    assert proc.returncode == 0, text(proc, "stderr")
    err = text(proc, "stderr")
    assert "summarising directories and indexing files of" in err and "(one time)" in err
    [entry] = entries(fresh_cache)
    meta = json.loads((entry / "browse.json").read_text())
    assert meta["summary"] and meta["file_index"] and meta["rows"] > 0
    assert {p.name for p in entry.iterdir()} == {"browse.json", "dirs.parquet",
                                                 "dir_owners.parquet", "files.parquet"}
    assert stat.S_IMODE(entry.stat().st_mode) == 0o700
    for p in entry.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    before = {p.name: p.stat().st_mtime_ns for p in entry.iterdir()}

    again = run_browse(snapshot, "--list", "--cache-dir", fresh_cache)
    assert again.returncode == 0
    assert text(again, "stderr") == ""  # nothing computed
    assert text(again) == text(proc)
    assert {p.name: p.stat().st_mtime_ns for p in entry.iterdir()} == before


def test_the_same_snapshot_moved_finds_its_summary(snapshot, fresh_cache, tmp_path):
    assert run_browse(snapshot, "--prepare", "--cache-dir", fresh_cache).returncode == 0
    moved = tmp_path / "elsewhere" / "copy.parquet"
    moved.parent.mkdir()
    shutil.copy2(snapshot, moved)
    proc = run_browse(moved, "--list", "--cache-dir", fresh_cache)
    assert proc.returncode == 0 and text(proc, "stderr") == ""
    assert len(entries(fresh_cache)) == 1


def test_no_index_lists_files_from_the_rows(snapshot, fresh_cache, tree):
    proc = run_browse(snapshot, "--list", "--no-index", "--cache-dir", fresh_cache,
                      "--path", tree / "alpha", "--bytes")
    assert proc.returncode == 0, text(proc, "stderr")
    [entry] = entries(fresh_cache)
    assert not (entry / "files.parquet").exists()
    names = {line.split()[-1] for line in text(proc).splitlines()[1:-1]}
    assert names == {f"small_{i:02}.txt" for i in range(30)} | {"sub/"}
    # --prepare adds the index to the same entry.
    assert run_browse(snapshot, "--prepare", "--cache-dir", fresh_cache).returncode == 0
    assert (entry / "files.parquet").exists()


def test_progress_bar_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    out = Terminal()
    con = duckdb.connect(config={"threads": 1})
    with QueryProgress(con, "counting", stream=out, interval=0.02):
        con.execute("SELECT sum(hash(i)) FROM range(400000000) t(i)").fetchall()
    drawn = out.getvalue()
    assert "browse: counting  [" in drawn and "%" in drawn, drawn
    assert drawn.rstrip().endswith(tuple("0123456789s")) and "counting: done in" in drawn


def test_cache_inside_the_scanned_tree_is_refused(snapshot, tree):
    inside = tree / ".browse-cache"
    proc = run_browse(snapshot, "--list", "--cache-dir", inside)
    assert proc.returncode == 1
    err = text(proc, "stderr").strip().splitlines()[-1]
    assert f"is inside the scanned tree {tree}" in err
    assert not inside.exists()


def import_to_catalogue(snapshot, catalogue, name="tree_2020") -> None:
    proc = subprocess.run([sys.executable, str(IMPORT), str(snapshot), name, "--catalog",
                           str(catalogue)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_catalogued_snapshot_opens_from_the_catalogue_summary(snapshot, tree, tmp_path,
                                                              fresh_cache):
    catalogue = tmp_path / "history.duckdb"
    import_to_catalogue(snapshot, catalogue)
    proc = run_browse("tree_2020", "--catalog", catalogue, "--list", "--bytes",
                      "--cache-dir", fresh_cache)
    assert proc.returncode == 0, text(proc, "stderr")
    assert "summarising" not in text(proc, "stderr")
    assert entries(fresh_cache) == []  # nothing computed, nothing cached
    assert f"{ref.du(tree):,}" in text(proc).splitlines()[-1]

    # The snapshot given by path, with the catalogue: its summary is found by fingerprint.
    proc = run_browse(snapshot, "--list", "--cache-dir", fresh_cache,
                      env={"SSCAN_CATALOG": str(catalogue)})
    assert proc.returncode == 0 and "summarising" not in text(proc, "stderr")

    proc = run_browse("nope", "--catalog", catalogue, "--list")
    assert proc.returncode == 1
    assert "has no snapshot named 'nope' (it has: tree_2020)" in text(proc, "stderr")


def test_catalogued_snapshot_interrupted_mid_removal_opens_again(snapshot, tree, tmp_path,
                                                                  fresh_cache):
    """A removal killed after moving the snapshot's summary aside and before its COMMIT: the
    catalogue still lists it. Browsing it puts the summary back (one stderr line) and opens."""
    catalogue = tmp_path / "history.duckdb"
    import_to_catalogue(snapshot, catalogue)
    store = catalogue.with_suffix(".d")
    gone = subprocess.Popen(["true"])
    gone.wait()
    (store / "tree_2020").rename(store / f".tree_2020.removed-{gone.pid}")
    proc = run_browse("tree_2020", "--catalog", catalogue, "--list", "--bytes",
                      "--cache-dir", fresh_cache)
    assert proc.returncode == 0, text(proc, "stderr")
    assert "restored" in text(proc, "stderr")
    assert sorted(p.name for p in store.iterdir()) == ["tree_2020"]
    assert f"{ref.du(tree):,}" in text(proc).splitlines()[-1]
    assert entries(fresh_cache) == []  # read from the catalogue, nothing computed


def test_catalogued_snapshot_browses_without_its_rows(snapshot, tree, tmp_path, fresh_cache):
    """Directories and totals need only the summary: with the snapshot's file gone, the
    listing still shows them, and says why the files of a directory are not listed."""
    copy = tmp_path / "copy" / "tree.parquet"
    copy.parent.mkdir()
    shutil.copy2(snapshot, copy)
    catalogue = tmp_path / "history.duckdb"
    import_to_catalogue(copy, catalogue, "gone")
    os.unlink(copy)
    proc = run_browse("gone", "--catalog", catalogue, "--list", "--bytes",
                      "--cache-dir", fresh_cache)
    assert proc.returncode == 0, text(proc, "stderr")
    out = text(proc)
    assert f"{ref.du(tree / 'beta'):,}" in out and "beta/" in out
    assert "not listed, the snapshot's rows are gone" in out
    proc = run_browse("gone", "--catalog", catalogue, "--export-ncdu", tmp_path / "x.json")
    assert proc.returncode == 1 and "is gone" in text(proc, "stderr")


@pytest.fixture
def public_dir():
    """A directory nobody (uid 65534) can enter: pytest's tmp_path is private to root."""
    path = pathlib.Path(tempfile.mkdtemp(prefix="sscan-browse-public-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_a_cache_that_cannot_be_written_is_one_line(snapshot, public_dir):
    if os.geteuid() != 0:
        pytest.skip("runs the browser as nobody (setpriv needs root)")
    public = public_dir
    copy = public / "snap.parquet"
    shutil.copy2(snapshot, copy)
    os.chmod(copy, 0o644)
    readonly = public / "ro"
    readonly.mkdir(mode=0o555)
    proc = subprocess.run(
        [*NOBODY, sys.executable, str(REPO / "scripts" / "browse_snapshot.py"), str(copy),
         "--list", "--cache-dir", str(readonly / "cache")],
        capture_output=True, text=True, env={**os.environ, "HOME": "/nonexistent"})
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f"browse_snapshot.py: error: cannot write the browse cache: {readonly}/cache: "
        "Permission denied (choose another with --cache-dir or $SSCAN_BROWSE_CACHE)"]
