"""Every form of SNAPSHOT gives the same figures; an incomplete scan is flagged; a snapshot
that cannot be read is refused with one line on stderr and a non-zero exit."""
import json
import os
import subprocess
import sys

import pytest

import treegen
from analysis_harness import WRAPPER, analyze_json, run_analyze


def figures_only(report: dict) -> dict:
    """The report without what describes the input (file count, spec, manifests)."""
    return {k: v for k, v in report.items() if k not in ("snapshot", "errors")}


@pytest.fixture(scope="module")
def scans(tmp_path_factory, scan):
    base = tmp_path_factory.mktemp("inputs")
    tree = treegen.build_plain_tree(base / "tree")
    for sub in ("std", "inc"):
        (base / sub).mkdir()
    std = scan(tree, base / "std" / "tree.parquet")
    scan(tree, base / "inc" / "tree.parquet", "--incremental", "--rows-per-chunk", "7")
    return {"tree": tree, "std": std, "inc": base / "inc"}


def test_file_glob_directory_and_manifest_agree(scans):
    inc = scans["inc"]
    chunks = sorted(inc.glob("tree_chunk_*.parquet"))
    assert len(chunks) >= 3
    reports = {
        "file": analyze_json(scans["std"]),
        "glob": analyze_json(str(inc / "tree_chunk_*.parquet")),
        "directory": analyze_json(inc),
        "manifest": analyze_json(inc / "tree_manifest.json"),
    }
    expected = figures_only(reports["file"])
    for form, report in reports.items():
        assert figures_only(report) == expected, form
        assert report["snapshot"]["completed"] is True, form
        assert report["errors"]["total"] == 0, form
    assert reports["glob"]["snapshot"]["files"] == len(chunks)
    assert reports["manifest"]["snapshot"]["manifests"][0]["completed"] is True


def test_manifest_of_a_moved_snapshot_finds_its_chunks(scans, tmp_path):
    moved = tmp_path / "moved"
    moved.mkdir()
    for f in scans["inc"].iterdir():
        (moved / f.name).write_bytes(f.read_bytes())
    report = analyze_json(moved / "tree_manifest.json")
    assert figures_only(report) == figures_only(analyze_json(scans["inc"]))


def test_incomplete_scan_is_flagged(scans, scan, tmp_path):
    # The scanner kills itself right after publishing its second manifest (chunk 1 listed).
    out = scan(scans["tree"], tmp_path / "part.parquet", "--incremental", "--rows-per-chunk",
               "5", env={"SSCAN_CRASH_AT": "manifest_renamed:2"}, check=False)
    manifest = tmp_path / "part_manifest.json"
    doc = json.loads(manifest.read_text())
    assert doc["completed"] is False and doc["chunk_count"] >= 1
    report = analyze_json(manifest)
    assert report["snapshot"]["completed"] is False
    assert report["snapshot"]["rows"] == doc["total_rows"]
    assert report["snapshot"]["manifests"][0]["pending_dirs"] > 0
    assert analyze_json(tmp_path)["snapshot"]["completed"] is False
    proc = run_analyze(manifest)
    assert proc.returncode == 0 and "INCOMPLETE" in proc.stdout
    assert out == tmp_path / "part.parquet"


def _file(path, text):
    path.write_text(text)
    return path


def _dir(path):
    path.mkdir()
    return path


@pytest.mark.parametrize("make, message", [
    (lambda d: d / "missing.parquet", "no such file or directory"),
    (lambda d: str(d / "nothing_*.parquet"), "matches no Parquet file"),
    (lambda d: _dir(d / "empty"), "no Parquet files in directory"),
    (lambda d: _file(d / "junk.parquet", "not parquet"), "cannot read snapshot"),
    (lambda d: _file(d / "bad_manifest.json", "{oops"), "not valid JSON"),
    (lambda d: _file(d / "x_manifest.json", json.dumps(
        {"completed": True, "chunks": [{"file_path": "/nowhere/x_chunk_0001.parquet"}]})),
     "x_chunk_0001.parquet listed in manifest"),
])
def test_unreadable_snapshots_are_refused_in_one_line(tmp_path, make, message):
    proc = run_analyze(make(tmp_path))
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], proc.stderr
    assert proc.stdout == ""


@pytest.mark.needs_root
def test_unreadable_file_is_refused(public_tmp, scans):
    private = public_tmp / "private.parquet"
    private.write_bytes(scans["std"].read_bytes())
    os.chmod(private, 0o600)
    proc = run_analyze(private, as_nobody=True)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (f"analyze_scan.py: error: cannot read {private}: "
                                   "Permission denied")


def test_nonexistent_path_is_refused(scans, tmp_path):
    proc = run_analyze(scans["std"], "--path", tmp_path / "gone")
    assert proc.returncode == 1 and "--path" in proc.stderr


@pytest.mark.parametrize("args, words", [
    (["--help"], ["SNAPSHOT", "--path", "--html", "--json", "--memory-limit", "du", "diff"]),
    (["diff", "--help"], ["OLD", "NEW", "added", "owner"]),
])
def test_help_teaches(args, words):
    proc = run_analyze(*args)
    assert proc.returncode == 0
    for w in words:
        assert w in proc.stdout, w


def test_wrapper_help():
    proc = subprocess.run([sys.executable, WRAPPER, "--help"], capture_output=True, text=True)
    assert proc.returncode == 0
    assert "--scanner" in proc.stdout and "exit status" in proc.stdout


@pytest.mark.parametrize("make_root", [
    lambda d: _dir(d / "empty"),
    lambda d: _file(d / "only.txt", "hello"),
])
def test_an_empty_tree_or_a_single_file_has_a_report(tmp_path, scan, make_root):
    root = make_root(tmp_path)
    out = scan(root, tmp_path / "scan.parquet")
    proc = run_analyze(out, "--html", tmp_path / "r.html", "--path", root)
    assert proc.returncode == 0, proc.stderr
    report = analyze_json(out, "--path", root)
    assert report["counts"]["entries"] == 1
    assert report["du"]["allocated_difference"] == 0
    assert report["largest_directories"] == [] and report["top_level"]["top"] == []


def test_overlapping_scans_read_together_are_flagged(scans, tmp_path):
    """A directory holding a scan's standard output and its chunks counts every entry twice:
    the report says so instead of silently doubling every figure."""
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    for f in [scans["std"], *scans["inc"].glob("*.parquet")]:
        (mixed / f.name).write_bytes(f.read_bytes())
    single = analyze_json(scans["std"])
    report = analyze_json(mixed)
    assert report["snapshot"]["rows"] == 2 * single["snapshot"]["rows"]
    assert report["snapshot"]["root_rows"] == 2 and single["snapshot"]["root_rows"] == 1
    assert "WARNING: 2 scan roots" in run_analyze(mixed).stdout


def test_snapshot_without_the_scanner_columns_is_refused(tmp_path):
    """The seed's eleven columns lack uid, allocated_size, nlink, ...: no figure would be
    right, so the file is refused, naming what is missing."""
    import duckdb
    seed = tmp_path / "seed.parquet"
    duckdb.connect().execute(f"""COPY (SELECT '/x' AS path, 1::UBIGINT AS size)
                                 TO '{seed}' (FORMAT parquet)""")
    proc = run_analyze(seed)
    assert proc.returncode == 1
    assert "lacks columns" in proc.stderr and "allocated_size" in proc.stderr


def test_owner_names_resolved_here_when_the_scan_left_them_out(scans, scan, tmp_path):
    """--no-resolve-names leaves owner null; the analysis names the uid through pwd."""
    import pwd
    out = scan(scans["tree"], tmp_path / "anon.parquet", "--no-resolve-names")
    owners = analyze_json(out)["owners"]["top"]
    assert [(o["uid"], o["owner"]) for o in owners] == [
        (os.geteuid(), pwd.getpwuid(os.geteuid()).pw_name)]


def test_as_of_moves_the_age_buckets(scans):
    report = analyze_json(scans["std"], "--as-of", "2046-01-01T00:00:00Z")
    assert report["snapshot"]["as_of_source"] == "--as-of"
    ages = {b["bucket"]: b["files"] for b in report["age"]["mtime"]}
    assert ages[">5y"] == report["counts"]["files"] and ages["<30d"] == 0
    assert run_analyze(scans["std"], "--as-of", "yesterday").returncode == 2
