"""What the snapshot does not cover: a tree scanned as nobody with two unreadable directories.

The error summary must list exactly those directories; the totals must equal what `du`
run as nobody sees (the locked directories' own blocks, none of their contents).
"""
import json
import os

import pytest

import reference
import treegen
from analysis_harness import analyze_json, run_analyze

pytestmark = pytest.mark.needs_root


@pytest.fixture
def locked_scan(public_tmp, scan):
    tree = treegen.build_plain_tree(public_tmp / "tree")
    for d in ("d0/sub1", "d2"):
        treegen.write(tree / d / "secret" / "hidden.dat", 5_000)
        os.chmod(tree / d / "secret", 0o700)  # root's, so nobody cannot list it
    out = public_tmp / "out"
    out.mkdir(mode=0o777)
    out.chmod(0o777)
    scan(tree, out / "scan.parquet", "--incremental", "--rows-per-chunk", "4", as_nobody=True)
    return {"tree": tree, "out": out,
            "locked": sorted(str(tree / d / "secret") for d in ("d0/sub1", "d2"))}


def test_errors_summary(locked_scan):
    report = analyze_json(locked_scan["out"] / "scan_manifest.json")
    errors = report["errors"]
    assert errors["total"] == 2 and errors["unlisted_directories"] == 2
    assert errors["by_error"] == [{"op": "open", "errno": 13, "error": "Permission denied",
                                   "count": 2}]
    assert [s["path"] for s in errors["sample"]] == locked_scan["locked"]
    assert sorted(d["path"] for d in errors["top_directories"]) == sorted(
        os.path.dirname(p) for p in locked_scan["locked"])
    assert errors["sidecars"] == [str(locked_scan["out"] / "scan_errors.jsonl")]


def test_totals_equal_du_as_the_same_user(locked_scan):
    report = analyze_json(locked_scan["out"] / "scan_manifest.json")
    assert report["totals"]["allocated"] == reference.du(locked_scan["tree"], as_nobody=True)
    assert report["totals"]["apparent"] == reference.du(locked_scan["tree"], apparent=True,
                                                        as_nobody=True)
    assert report["totals"]["allocated"] < reference.du(locked_scan["tree"])


def test_text_report_names_what_is_missing(locked_scan):
    proc = run_analyze(locked_scan["out"])
    assert proc.returncode == 0
    assert "2 entries the snapshot does not cover" in proc.stdout
    assert "Permission denied" in proc.stdout


def test_sidecar_lines_past_the_manifest_are_ignored(locked_scan):
    """An interrupted scan may have logged errors for work it will redo on resume: only the
    prefix the manifest vouches for (resume.errors_bytes) belongs to the snapshot."""
    out = locked_scan["out"]
    doc = json.loads((out / "scan_manifest.json").read_text())
    assert doc["resume"]["errors_bytes"] == (out / "scan_errors.jsonl").stat().st_size
    with open(out / "scan_errors.jsonl", "a") as f:
        f.write(json.dumps({"path": "/redone/later", "op": "open", "errno": 13,
                            "error": "Permission denied"}) + "\n")
    assert analyze_json(out / "scan_manifest.json")["errors"]["total"] == 2
