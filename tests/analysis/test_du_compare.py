"""--path: du is run now and the gap to the snapshot is explained, reason by reason."""
import reference
import treegen
from analysis_harness import analyze_json, run_analyze


def test_changes_since_the_scan_are_the_residual(tmp_path, scan):
    tree = treegen.build_plain_tree(tmp_path / "tree")
    out = scan(tree, tmp_path / "scan.parquet")
    at_scan = reference.du(tree)
    treegen.write(tree / "d2" / "late.bin", 300_000)  # written after the scan
    (tree / "readme.md").unlink()
    report = analyze_json(out, "--path", tree)
    du_now = reference.du(tree)
    assert report["totals"]["allocated"] == at_scan
    assert report["du"]["allocated"] == du_now
    assert report["du"]["apparent"] == reference.du(tree, apparent=True)
    assert report["du"]["allocated_difference"] == du_now - at_scan > 0
    items = {i["reason"]: i for i in report["space"]["explanation"]}
    assert items["changed_since_scan"]["bytes"] == du_now - at_scan
    assert sum(i["bytes"] for i in items.values()) == du_now - report["space"]["file_contents"]
    assert abs(sum(i["share"] for i in items.values()) - 1) < 1e-3


def test_text_report_shows_the_comparison(tmp_path, scan):
    tree = treegen.build_plain_tree(tmp_path / "tree")
    out = scan(tree, tmp_path / "scan.parquet")
    proc = run_analyze(out, "--path", tree)
    assert proc.returncode == 0, proc.stderr
    for words in ("du comparison", "block overhead of small files", "du -s now",
                  "sparse, compressed or inline files"):
        assert words in proc.stdout, words


def test_without_path_the_gap_ends_at_the_snapshot_allocated(tmp_path, scan):
    tree = treegen.build_plain_tree(tmp_path / "tree")
    report = analyze_json(scan(tree, tmp_path / "scan.parquet"))
    assert report["du"] is None
    reasons = [i["reason"] for i in report["space"]["explanation"]]
    assert "changed_since_scan" not in reasons
    assert (sum(i["bytes"] for i in report["space"]["explanation"])
            == report["totals"]["allocated"] - report["space"]["file_contents"])
