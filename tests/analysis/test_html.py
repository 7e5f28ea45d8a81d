"""The HTML report rendered in headless Chromium: its numbers read back from the DOM equal
the JSON report and the filesystem, its charts and treemap draw those numbers, and the page
requests nothing."""
import json
import os

import pytest

import reference
import treegen
from browser import ReportDom, find_chromium, render
from analysis_harness import run_analyze

pytestmark = pytest.mark.skipif(find_chromium() is None,
                                reason="chromium not installed (scripts/install_deps.sh)")

# data-section of each table -> (where its rows are in the JSON, the field that keys a row)
SECTIONS = {
    "types": (("types", "top"), lambda r: r["type"]),
    "top_level": (("top_level", "top"), lambda r: r["name"]),
    "owners": (("owners", "top"), lambda r: str(r["uid"])),
    "groups": (("groups", "top"), lambda r: str(r["gid"])),
    "largest_files": (("largest_files",), lambda r: r["path"]),
    "largest_directories": (("largest_directories",), lambda r: r["path"]),
    "age.mtime": (("age", "mtime"), lambda r: r["bucket"]),
    "age.atime": (("age", "atime"), lambda r: r["bucket"]),
    "space.explanation": (("space", "explanation"), lambda r: r["reason"]),
    "errors.by_error": (("errors", "by_error"), lambda r: f'{r["op"]}:{r["errno"]}'),
    "errors.top_directories": (("errors", "top_directories"), lambda r: r["path"]),
}


def as_attribute(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def lookup(report: dict, path) -> object:
    for key in path:
        report = report[key]
    return report


@pytest.fixture(scope="module")
def page(tmp_path_factory, scan):
    base = tmp_path_factory.mktemp("html")
    tree = treegen.build_plain_tree(base / "tree", dirs=4)
    os.symlink("readme.md", tree / "readme.link")
    os.mkfifo(tree / "d2" / "pipe")
    out = scan(tree, base / "scan.parquet")
    html_file = base / "report.html"
    proc = run_analyze(out, "--html", html_file, "--json", "--path", tree)
    assert proc.returncode == 0, proc.stderr
    dom, requests = render(html_file)
    return {"tree": tree, "report": json.loads(proc.stdout), "dom": ReportDom(dom),
            "requests": requests, "raw": html_file.read_text()}


def test_page_loads_no_external_resource(page, tmp_path):
    assert page["requests"] == []
    assert page["dom"].resource_attributes == []
    assert not page["dom"].tags & {"link", "img", "iframe", "object", "embed", "video", "audio"}
    assert "url(" not in page["raw"] and "@import" not in page["raw"]
    assert "default-src 'none'" in page["raw"]
    # The detector itself works: a page with an external image is caught.
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><img src="http://example.invalid/x.png">')
    assert render(bad)[1] == ["http://example.invalid/x.png"]


def test_every_metric_equals_the_json(page):
    metrics = page["dom"].metrics
    for key in ("counts.entries", "counts.files", "counts.directories", "counts.symlinks",
                "counts.other", "totals.apparent", "totals.allocated", "snapshot.rows",
                "snapshot.as_of", "snapshot.completed", "hard_links.files",
                "space.file_contents", "du.allocated", "du.apparent", "errors.total"):
        assert key in metrics, key
    for key, value in metrics.items():
        assert value == as_attribute(lookup(page["report"], key.split("."))), key


def test_every_table_equals_the_json(page):
    tables, others = page["dom"].tables, page["dom"].others
    assert set(SECTIONS) <= set(tables)
    for section, (path, key_of) in SECTIONS.items():
        expected = {key_of(r): r for r in lookup(page["report"], path)}
        assert set(tables[section]) == set(expected), section
        for key, cells in tables[section].items():
            for field, value in cells.items():
                assert value == as_attribute(expected[key][field]), (section, key, field)
    for section in ("types", "top_level", "owners", "groups"):
        expected = page["report"][section]["others"]
        assert {k: int(v) for k, v in others[section].items()} == expected, section


def test_page_numbers_equal_the_filesystem(page):
    tree, dom = page["tree"], page["dom"]
    entries = reference.walk(tree)
    assert int(dom.metrics["totals.allocated"]) == reference.du(tree)
    assert int(dom.metrics["totals.apparent"]) == reference.du(tree, apparent=True)
    assert int(dom.metrics["counts.entries"]) == reference.totals(entries)["entries"]
    for name in os.listdir(tree):
        row = dom.tables["top_level"][name]
        assert int(row["allocated"]) == reference.du(tree / name), name
    as_of = int(dom.metrics["snapshot.as_of"])
    for column, attr in (("mtime", "st_mtime"), ("atime", "st_atime")):
        files = {b: int(r["files"]) for b, r in dom.tables[f"age.{column}"].items()
                 if int(r["files"])}
        assert files == reference.age_buckets(entries, as_of, attr), column


def test_charts_draw_the_table_numbers(page):
    bars, report = page["dom"].bars, page["report"]
    assert {k: int(v) for k, v in bars["top_level"].items()} == {
        t["name"]: t["allocated"] for t in report["top_level"]["top"]}
    assert {k: int(v) for k, v in bars["owners"].items()} == {
        str(o["uid"]): o["allocated"] for o in report["owners"]["top"]}
    for column in ("mtime", "atime"):
        assert {k: int(v) for k, v in bars[f"age_{column}"].items()} == {
            b["bucket"]: b["allocated"] for b in report["age"][column]}
    assert set(bars["types"]) == {t["type"] for t in report["types"]["top"][:12]}


def test_treemap_tiles_are_directories_sized_like_du(page):
    tiles, tree = page["dom"].tiles, page["tree"]
    tops = [tree / f"d{i}" for i in range(4)]
    for d in [tree, *tops]:
        assert int(tiles[str(d)]["data-allocated"]) == reference.du(d), d

    def area(d):
        t = tiles[str(d)]
        return float(t["width"]) * float(t["height"])

    # Siblings' areas are proportional to their allocated bytes (squarified layout).
    biggest = max(tops, key=lambda d: reference.du(d))
    for d in tops:
        ratio = (area(d) / area(biggest)) / (reference.du(d) / reference.du(biggest))
        assert 0.95 < ratio < 1.05, d
    assert "<title>" in page["raw"]


def test_incomplete_snapshot_has_a_banner(page, scan, tmp_path):
    scan(page["tree"], tmp_path / "part.parquet", "--incremental", "--rows-per-chunk", "5",
         env={"SSCAN_CRASH_AT": "manifest_renamed:2"}, check=False)
    html_file = tmp_path / "part.html"
    assert run_analyze(tmp_path / "part_manifest.json", "--html", html_file).returncode == 0
    dom = ReportDom(render(html_file)[0])
    assert dom.metrics["snapshot.completed"] == "false"
    assert "data-incomplete" in html_file.read_text()
