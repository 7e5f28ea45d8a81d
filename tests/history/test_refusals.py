"""Refusals: importing twice, a damaged or incomplete snapshot, a catalogue that is not one.
Each is one line on stderr with exit status 1 (2 for usage errors), and leaves the catalogue
and its store byte for byte as they were — or absent when there was none."""
import json
import os

import duckdb
import pytest

import treegen
from history_harness import (HISTORY, IMPORT, fingerprint, history_json, import_ok, run,
                             store_of)


@pytest.fixture(scope="module")
def setup(tmp_path_factory, scan_tree):
    base = tmp_path_factory.mktemp("refusals")
    tree = treegen.build_plain_tree(base / "tree")
    good = scan_tree(tree, base / "good.parquet")
    inc = base / "inc"
    inc.mkdir()
    scan_tree(tree, inc / "scan.parquet", "--incremental", "--rows-per-chunk", "7")
    part = base / "part"
    part.mkdir()
    # The scanner kills itself right after publishing its second manifest: completed=false.
    scan_tree(tree, part / "scan.parquet", "--incremental", "--rows-per-chunk", "5",
              env={"SSCAN_CRASH_AT": "manifest_renamed:2"}, check=False)
    assert json.loads((part / "scan_manifest.json").read_text())["completed"] is False
    return {"base": base, "tree": tree, "good": good, "inc": inc, "part": part}


@pytest.fixture
def catalog(setup, tmp_path):
    path = tmp_path / "history.duckdb"
    import_ok(setup["good"], "first", path)
    return path


def refused(catalog, *args, status=1, words=()):
    """Runs import_snapshot.py, expecting a one-line refusal that leaves everything as it was."""
    before = fingerprint(catalog)
    proc = run(IMPORT, *args, "--catalog", catalog, "--quiet")
    assert proc.returncode == status, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])
    assert fingerprint(catalog) == before
    return lines[0]


def test_same_name_twice(setup, catalog):
    refused(catalog, setup["inc"], "first", words=["name 'first' is already in the catalogue"])


def test_same_snapshot_under_another_name_in_any_form(setup, catalog, tmp_path):
    refused(catalog, setup["good"], "again", words=["already in the catalogue as 'first'"])
    moved = tmp_path / "moved.parquet"
    moved.write_bytes(setup["good"].read_bytes())
    refused(catalog, moved, "again", words=["already in the catalogue as 'first'"])
    import_ok(setup["inc"] / "scan_manifest.json", "chunks", catalog)
    for form in (setup["inc"], str(setup["inc"] / "scan_chunk_*.parquet")):
        refused(catalog, form, "again", words=["as 'chunks'"])


def test_overlapping_scans_read_together(setup, catalog, scan_tree, tmp_path):
    twice = tmp_path / "twice"
    twice.mkdir()
    for name in ("a.parquet", "b.parquet"):
        (twice / name).write_bytes(setup["good"].read_bytes())
    refused(catalog, str(twice / "*.parquet"), "twice",
            words=["holds the same scan root 2 times", "import each scan's files on their own"])
    nested = tmp_path / "nested"
    nested.mkdir()
    (nested / "outer.parquet").write_bytes(setup["good"].read_bytes())
    inner = next(p for p in sorted(setup["tree"].iterdir()) if p.is_dir())
    scan_tree(inner, nested / "inner.parquet")
    refused(catalog, str(nested / "*.parquet"), "nested",
            words=[f"holds scan root {inner} inside scan root {setup['tree']}",
                   "nested scans read together"])
    # Sibling roots (the seed's one scan per top-level directory) are one snapshot.
    siblings = tmp_path / "siblings"
    siblings.mkdir()
    for d in ("d0", "d1"):
        scan_tree(setup["tree"] / d, siblings / f"{d}.parquet")
    import_ok(str(siblings / "*.parquet"), "siblings", catalog)


def _truncated(setup, tmp_path):
    bad = tmp_path / "truncated.parquet"
    bad.write_bytes(setup["good"].read_bytes()[:-100])
    return bad


def _corrupt_pages(setup, tmp_path):
    """The footer intact, the data pages garbage: only reading the rows finds it."""
    data = bytearray(setup["good"].read_bytes())
    for i in range(8, len(data) // 2):
        data[i] = (data[i] * 7 + 13) % 256
    bad = tmp_path / "pages.parquet"
    bad.write_bytes(bytes(data))
    return bad


def _bad_manifest(setup, tmp_path):
    bad = tmp_path / "bad_manifest.json"
    bad.write_text("{oops")
    return bad


def _missing_chunk(setup, tmp_path):
    d = tmp_path / "gone"
    d.mkdir()
    for f in setup["inc"].iterdir():
        (d / f.name).write_bytes(f.read_bytes())
    manifest = json.loads((d / "scan_manifest.json").read_text())
    for chunk in manifest["chunks"]:  # listed where they are now, as a scan there lists them
        chunk["file_path"] = str(d / os.path.basename(chunk["file_path"]))
    (d / "scan_manifest.json").write_text(json.dumps(manifest))
    (d / "scan_chunk_0002.parquet").unlink()
    return d / "scan_manifest.json"


@pytest.mark.parametrize("make, words", [
    (_truncated, ["cannot read"]),
    (_corrupt_pages, ["cannot read snapshot"]),
    (_bad_manifest, ["not valid JSON"]),
    (_missing_chunk, ["scan_chunk_0002.parquet", "missing"]),
    (lambda s, t: t / "nothing.parquet", ["no such file or directory"]),
])
def test_damaged_snapshot(setup, catalog, tmp_path, make, words):
    refused(catalog, make(setup, tmp_path), "damaged", words=words)


def test_damaged_snapshot_into_a_new_catalogue_creates_nothing(setup, tmp_path):
    catalog = tmp_path / "sub" / "new.duckdb"
    refused(catalog, _corrupt_pages(setup, tmp_path), "damaged", words=["cannot read"])
    assert not (tmp_path / "sub").exists()


def test_partial_snapshot_needs_allow_partial(setup, catalog):
    refused(catalog, setup["part"], "part", words=["incomplete", "--allow-partial"])
    import_ok(setup["part"], "part", catalog, "--allow-partial")
    snaps = {s["name"]: s for s in history_json(catalog)["snapshots"]}
    assert snaps["part"]["completed"] is False and snaps["first"]["completed"] is True
    text = run(HISTORY, "--catalog", catalog).stdout
    assert "PARTIAL" in text


@pytest.mark.parametrize("content", [b"", b"just some text, not a database\n" * 10,
                                     b"PAR1" + b"\0" * 100])
def test_catalogue_that_is_not_a_duckdb_file(setup, tmp_path, content):
    catalog = tmp_path / "history.duckdb"
    catalog.write_bytes(content)
    refused(catalog, setup["good"], "x", words=["is not a DuckDB database"])
    assert catalog.read_bytes() == content and not store_of(catalog).exists()
    proc = run(HISTORY, "--catalog", catalog)
    assert proc.returncode == 1 and "is not a DuckDB database" in proc.stderr


def test_duckdb_database_that_is_not_a_catalogue(setup, tmp_path):
    catalog = tmp_path / "other.duckdb"
    con = duckdb.connect(str(catalog))
    con.execute("CREATE TABLE invoices (id INTEGER)")
    con.close()
    refused(catalog, setup["good"], "x", words=["not a storage-scanner catalogue"])
    proc = run(HISTORY, "--catalog", catalog)
    assert proc.returncode == 1 and "not a storage-scanner catalogue" in proc.stderr


def test_catalogue_is_a_directory(setup, tmp_path):
    proc = run(IMPORT, setup["good"], "x", "--catalog", tmp_path, "--quiet")
    assert proc.returncode == 1 and "is a directory" in proc.stderr
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("args", [
    ["only-one-argument"],
    ["{good}", "bad/name"],
    ["{good}", ".hidden"],
    ["{good}", "ok", "--date", "last tuesday"],
    ["{good}", "ok", "--threads", "0"],
])
def test_usage_errors_exit_2(setup, catalog, args):
    args = [a.format(good=setup["good"]) for a in args]
    before = fingerprint(catalog)
    proc = run(IMPORT, *args, "--catalog", catalog)
    assert proc.returncode == 2 and "usage:" in proc.stderr
    assert fingerprint(catalog) == before


def test_history_usage_and_unknown_names(catalog, tmp_path):
    assert run(HISTORY, "--catalog", catalog, "--from", "first").returncode == 2
    proc = run(HISTORY, "--catalog", catalog, "--from", "first", "--to", "nope")
    assert proc.returncode == 1 and "no snapshot named 'nope'" in proc.stderr
    proc = run(HISTORY, "--catalog", catalog, "--root", "/elsewhere")
    assert proc.returncode == 1 and "no snapshot of root '/elsewhere'" in proc.stderr
    proc = run(HISTORY, "--catalog", tmp_path / "absent.duckdb")
    assert proc.returncode == 1 and "does not exist" in proc.stderr
    assert not (tmp_path / "absent.duckdb").exists()


def test_history_leaves_the_catalogue_alone(catalog, tmp_path):
    before = fingerprint(catalog)
    history_json(catalog)
    run(HISTORY, "--catalog", catalog, "--html", tmp_path / "h.html")
    assert fingerprint(catalog) == before


def test_an_orphan_of_a_crashed_import_is_replaced(setup, catalog):
    """A crash between renaming the summary into the store and COMMIT leaves a directory the
    catalogue does not know; importing that name again replaces it."""
    orphan = store_of(catalog) / "second"
    orphan.mkdir()
    (orphan / "dirs.parquet").write_text("half-written")
    import_ok(setup["inc"], "second", catalog)
    assert duckdb.sql(f"SELECT count(*) FROM '{orphan / 'dirs.parquet'}'").fetchall()[0][0] > 0


@pytest.mark.parametrize("script, words", [
    (IMPORT, ["SNAPSHOT", "NAME", "--catalog", "--date", "--copy", "--allow-partial",
              "refused", "history.duckdb", "exit status"]),
    (HISTORY, ["--catalog", "--from", "--to", "--json", "--html", "--export-hive",
               "hive_partitioning", "fastest", "exit status"]),
])
def test_help_teaches(script, words):
    proc = run(script, "--help")
    assert proc.returncode == 0
    for w in words:
        assert w in proc.stdout, w


def test_default_catalogue_location(setup, tmp_path):
    env_home = tmp_path / "home"
    proc = _run_env(IMPORT, [setup["good"], "dflt", "--quiet"], {"HOME": str(env_home),
                                                                  "XDG_DATA_HOME": ""})
    assert proc.returncode == 0, proc.stderr
    default = env_home / ".local" / "share" / "storage-scanner" / "history.duckdb"
    assert default.exists() and (default.parent / "history.d" / "dflt" / "dirs.parquet").exists()
    proc = _run_env(IMPORT, [setup["inc"], "via-env", "--quiet"],
                    {"SSCAN_CATALOG": str(tmp_path / "env.duckdb")})
    assert proc.returncode == 0 and (tmp_path / "env.duckdb").exists()


def _run_env(script, args, env):
    import subprocess
    import sys
    return subprocess.run([sys.executable, str(script), *map(str, args)], capture_output=True,
                          text=True, env={**os.environ, **env})


def test_what_an_import_writes_is_private(setup, tmp_path):
    catalog = tmp_path / "private.duckdb"
    import_ok(setup["good"], "p", catalog, "--copy")
    assert catalog.stat().st_mode & 0o777 == 0o600
    for dirpath, dirnames, filenames in os.walk(store_of(catalog)):
        assert os.stat(dirpath).st_mode & 0o777 == 0o700, dirpath
        for name in filenames:
            assert os.stat(os.path.join(dirpath, name)).st_mode & 0o777 == 0o600, name
