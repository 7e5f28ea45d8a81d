"""remove_snapshot.py: a snapshot leaves every catalogue table and the store, the others and
its own Parquet files stay, the name and the snapshot can be imported again; refusals and a
failure leave the catalogue and its store byte for byte as they were."""
import json
import os
import pathlib
import socket
import subprocess

import duckdb
import pytest

import treegen
from history_harness import HISTORY, REPO, fingerprint, history_json, import_ok, run, store_of

REMOVE = REPO / "scripts" / "remove_snapshot.py"
TABLES = ("snapshots", "snapshot_top_level", "snapshot_owners", "snapshot_types")


@pytest.fixture(scope="module")
def scans(tmp_path_factory, scan_tree):
    base = tmp_path_factory.mktemp("remove")
    tree = treegen.build_plain_tree(base / "tree", dirs=3)
    first = scan_tree(tree, base / "first.parquet")
    treegen.write(tree / "d0" / "later.bin", 300_000)
    second = scan_tree(tree, base / "second.parquet")
    return {"first": first, "second": second}


@pytest.fixture
def catalog(scans, tmp_path):
    path = tmp_path / "history.duckdb"
    import_ok(scans["first"], "jan", path, "--date", "2026-01-15")
    import_ok(scans["second"], "feb", path, "--date", "2026-02-15", "--copy")
    return path


def rows_per_table(catalog: pathlib.Path) -> dict:
    con = duckdb.connect(str(catalog), read_only=True)
    try:
        out = {}
        for t in TABLES:
            key = "name" if t == "snapshots" else "snapshot"
            out[t] = dict(con.execute(f"SELECT {key}, count(*) FROM {t} GROUP BY ALL").fetchall())
        return out
    finally:
        con.close()


def test_removes_one_snapshot_everywhere_and_keeps_the_rest(scans, catalog):
    assert all(set(v) == {"jan", "feb"} for v in rows_per_table(catalog).values())
    proc = run(REMOVE, "jan", "--catalog", catalog)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("removed jan (") and "left where they are" in proc.stdout
    assert all(set(v) == {"feb"} for v in rows_per_table(catalog).values())
    store = store_of(catalog)
    assert sorted(p.name for p in store.iterdir()) == ["feb"]  # nothing hidden left behind
    assert scans["first"].exists()  # its own file is not the catalogue's to delete
    report = history_json(catalog)
    assert [s["name"] for s in report["snapshots"]] == ["feb"]
    # The name and the snapshot are free again.
    import_ok(scans["first"], "jan", catalog, "--date", "2026-01-15")
    assert [s["name"] for s in history_json(catalog)["snapshots"]] == ["jan", "feb"]


def test_removing_a_copied_snapshot_deletes_its_copy(catalog):
    copied = store_of(catalog) / "feb" / "rows"
    assert any(copied.iterdir())
    proc = run(REMOVE, "feb", "--catalog", catalog)
    assert proc.returncode == 0, proc.stderr
    assert "copied rows with it" in proc.stdout
    assert not (store_of(catalog) / "feb").exists()
    assert [s["name"] for s in history_json(catalog)["snapshots"]] == ["jan"]


def refused(catalog, *args, status=1, words=()):
    before = fingerprint(catalog)
    proc = run(REMOVE, *args, "--catalog", catalog)
    assert proc.returncode == status, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 if status == 1 else lines, proc.stderr
    for w in words:
        assert w in proc.stderr, (w, proc.stderr)
    assert fingerprint(catalog) == before
    return lines[-1]


def test_unknown_name_lists_the_snapshots_there_are(catalog):
    refused(catalog, "mar", words=["no snapshot 'mar' in catalogue", "it holds jan, feb"])


def test_invalid_name_is_a_usage_error(catalog):
    refused(catalog, "../jan", status=2, words=["invalid snapshot name"])


def test_missing_catalogue_or_not_a_catalogue(tmp_path):
    missing = tmp_path / "none.duckdb"
    proc = run(REMOVE, "jan", "--catalog", missing)
    assert proc.returncode == 1 and "does not exist" in proc.stderr, proc.stderr
    assert not missing.exists() and not store_of(missing).exists()
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).execute("CREATE TABLE t (x INT)").close()
    before = other.read_bytes()
    proc = run(REMOVE, "jan", "--catalog", other)
    assert proc.returncode == 1 and "not a storage-scanner catalogue" in proc.stderr
    assert other.read_bytes() == before


def test_a_store_that_cannot_change_leaves_the_catalogue_as_it_was(catalog):
    store = store_of(catalog)
    # An immutable store directory: its entries cannot be renamed, even by root.
    if subprocess.run(["chattr", "+i", str(store)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        refused(catalog, "jan", words=["Operation not permitted"])
    finally:
        subprocess.run(["chattr", "-i", str(store)], check=True)
    assert all(set(v) == {"jan", "feb"} for v in rows_per_table(catalog).values())


# --- leftovers of a command killed half-way (catalog.recover) -------------------------------
# A kill leaves the store in one of the states below; the tests make each state directly (a
# real kill lands in a window of microseconds) with the pid of a process that has exited.


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def report_lines(proc) -> list:
    return [line for line in proc.stderr.splitlines() if line.startswith("snapshot_history.py")
            or line.startswith("remove_snapshot.py") or line.startswith("import_snapshot.py")]


def test_removal_killed_before_commit_is_undone_by_the_next_command(catalog):
    # The directory was moved aside, the transaction never committed: jan is still listed.
    store = store_of(catalog)
    (store / "jan").rename(store / f".jan.removed-{dead_pid()}")
    proc = run(HISTORY, "--catalog", catalog, "--json", "--memory-limit", "512MB")
    assert proc.returncode == 0, proc.stderr
    assert len(report_lines(proc)) == 1 and "restored" in proc.stderr, proc.stderr
    assert sorted(p.name for p in store.iterdir()) == ["feb", "jan"]
    report = json.loads(proc.stdout)
    assert [s["name"] for s in report["snapshots"]] == ["jan", "feb"]
    # jan works as before: it can be removed, leaving nothing behind.
    proc = run(REMOVE, "jan", "--catalog", catalog)
    assert proc.returncode == 0 and report_lines(proc) == [], proc.stderr
    assert sorted(p.name for p in store.iterdir()) == ["feb"]


def test_removal_killed_after_commit_is_finished_by_the_next_command(scans, catalog):
    store = store_of(catalog)
    assert run(REMOVE, "jan", "--catalog", catalog).returncode == 0
    leftover = store / f".jan.removed-{dead_pid()}@{socket.gethostname()}"
    (leftover / "rows").mkdir(parents=True)  # committed, not yet deleted
    proc = run(REMOVE, "feb", "--catalog", catalog)
    assert proc.returncode == 0, proc.stderr
    assert len(report_lines(proc)) == 1 and f"deleted {leftover}" in proc.stderr, proc.stderr
    assert list(store.iterdir()) == []
    import_ok(scans["first"], "jan", catalog, "--date", "2026-01-15")  # the name is free


def test_import_killed_before_commit_leaves_nothing_after_the_next_command(scans, catalog):
    store = store_of(catalog)
    staging = store / f".mar.tmp-{dead_pid()}@{socket.gethostname()}"
    (staging / "rows").mkdir(parents=True)
    proc = run(REMOVE, "jan", "--catalog", catalog)
    assert proc.returncode == 0 and f"deleted {staging}" in proc.stderr, proc.stderr
    assert sorted(p.name for p in store.iterdir()) == ["feb"]


def test_leftovers_of_running_or_foreign_processes_are_left_alone(scans, catalog):
    store = store_of(catalog)
    running = store / f".jan.removed-{os.getpid()}"  # this test's own process: alive
    other_host = store / f".mar.tmp-{dead_pid()}@not-{socket.gethostname()}"
    for d in (running, other_host):
        d.mkdir()
    before = fingerprint(catalog)
    history_json(catalog)
    assert fingerprint(catalog) == before
    assert sorted(p.name for p in store.iterdir()) == sorted(
        ["jan", "feb", running.name, other_host.name])


def test_a_leftover_that_cannot_be_deleted_is_named_and_the_command_goes_on(catalog):
    store = store_of(catalog)
    leftover = store / f".mar.tmp-{dead_pid()}@{socket.gethostname()}"
    leftover.mkdir()
    # An immutable store directory: nothing in it can be deleted or renamed, even by root.
    if subprocess.run(["chattr", "+i", str(store)], capture_output=True).returncode != 0:
        leftover.rmdir()
        pytest.skip("chattr +i is not available here")
    try:
        proc = run(HISTORY, "--catalog", catalog, "--json", "--memory-limit", "512MB")
    finally:
        subprocess.run(["chattr", "-i", str(store)], check=True)
    assert proc.returncode == 0, proc.stderr
    assert f"cannot clean up {leftover}: Operation not permitted" in proc.stderr, proc.stderr
    assert [s["name"] for s in json.loads(proc.stdout)["snapshots"]] == ["jan", "feb"]
    assert leftover.is_dir()
