"""The catalogue exported as a hive-partitioned dataset and read back with DuckDB, Polars and
PyArrow (one glob, the `snapshot` column from the directory names); --copy keeping the rows
when the originals are gone; the HTML page rendered in headless Chromium."""
import html.parser
import json
import shutil

import duckdb
import polars as pl
import pyarrow.dataset as ds
import pytest

import treegen
from browser import find_chromium, render
from history_harness import HISTORY, history_json, import_ok, run


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory, scan_tree):
    base = tmp_path_factory.mktemp("export")
    tree = treegen.build_plain_tree(base / "tree", dirs=3)
    catalog = base / "history.duckdb"
    rows = {}
    for i, name in enumerate(("jan", "feb", "mar")):
        treegen.write(tree / f"d{i}" / "month.bin", 100_000 * (i + 1))
        treegen.write(tree / "grow" / f"f{i}.dat", 200_000 * (i + 1))
        out = scan_tree(tree, base / f"{name}.parquet")
        rows[name] = duckdb.sql(f"SELECT count(*) FROM '{out}'").fetchall()[0][0]
        import_ok(out, name, catalog, "--date", f"2026-0{i + 1}-15",
                  *(["--copy"] if name == "feb" else []))
    return {"base": base, "tree": tree, "catalog": catalog, "rows": rows}


def test_export_reads_back_with_duckdb_polars_and_pyarrow(catalogue, tmp_path):
    out = tmp_path / "dataset"
    proc = run(HISTORY, "--catalog", catalogue["catalog"], "--export-hive", out)
    assert proc.returncode == 0, proc.stderr
    assert "3 snapshot(s) exported" in proc.stdout
    expected = catalogue["rows"]

    got = dict(duckdb.sql(f"""SELECT snapshot, count(*) FROM read_parquet(
                                '{out}/entries/*/*.parquet', hive_partitioning = true)
                              GROUP BY snapshot""").fetchall())
    assert got == expected
    frame = (pl.scan_parquet(f"{out}/entries/**/*.parquet", hive_partitioning=True)
             .group_by("snapshot").len().collect())
    assert dict(zip(frame["snapshot"], frame["len"])) == expected
    table = ds.dataset(out / "entries", format="parquet", partitioning="hive").to_table(
        columns=["snapshot", "path"])
    counts = table.group_by("snapshot").aggregate([("path", "count")]).to_pylist()
    assert {r["snapshot"]: r["path_count"] for r in counts} == expected

    # the summaries and the catalogue's own tables travel too
    dirs = dict(duckdb.sql(f"""SELECT snapshot, max(allocated) FROM read_parquet(
                                 '{out}/dirs/*/*.parquet', hive_partitioning = true)
                               GROUP BY snapshot""").fetchall())
    report = history_json(catalogue["catalog"])
    assert dirs == {s["name"]: s["allocated"] for s in report["snapshots"]}
    snaps = pl.read_parquet(out / "snapshots.parquet")
    assert sorted(snaps["name"].to_list()) == sorted(expected)


def test_export_is_incremental_and_skips_vanished_rows(catalogue, tmp_path):
    out = tmp_path / "dataset"
    assert run(HISTORY, "--catalog", catalogue["catalog"], "--export-hive", out).returncode == 0
    marker = out / "entries" / "snapshot=jan" / "part-0.parquet"
    stamp = marker.stat().st_mtime_ns
    proc = run(HISTORY, "--catalog", catalogue["catalog"], "--export-hive", out)
    assert proc.returncode == 0 and "0 snapshot(s) exported, 3 already there" in proc.stdout
    assert marker.stat().st_mtime_ns == stamp

    # Scratch purged: the originals are gone. feb was imported with --copy and survives;
    # the others are reported, one line each, and the exit status says so.
    catalog = tmp_path / "copy.duckdb"
    shutil.copy(catalogue["catalog"], catalog)
    shutil.copytree(catalogue["catalog"].with_suffix(".d"), catalog.with_suffix(".d"))
    saved = tmp_path / "saved"
    saved.mkdir()
    for name in ("jan", "feb", "mar"):
        shutil.move(catalogue["base"] / f"{name}.parquet", saved / f"{name}.parquet")
    try:
        fresh = tmp_path / "fresh"
        proc = run(HISTORY, "--catalog", catalog, "--export-hive", fresh)
        assert proc.returncode == 1
        errors = [line for line in proc.stderr.splitlines() if "error:" in line]
        assert len(errors) == 2 and all("its rows are gone" in e for e in errors)
        assert (fresh / "entries" / "snapshot=feb" / "part-0.parquet").exists()
        assert not (fresh / "entries" / "snapshot=jan").exists()
        # the history itself needs no rows
        report = history_json(catalog)
        assert {s["name"]: s["rows_available"] for s in report["snapshots"]} == {
            "jan": False, "feb": True, "mar": False}
        assert report["fastest_growing"][0]["directories"]
    finally:
        for name in ("jan", "feb", "mar"):
            shutil.move(saved / f"{name}.parquet", catalogue["base"] / f"{name}.parquet")


class HistoryDom(html.parser.HTMLParser):
    """Tables (section -> key -> field -> value, per series root) and line points."""

    def __init__(self, dom):
        super().__init__()
        self.tables, self.points, self.tags = {}, {}, set()
        self.root = self.table = self.row = self.line = None
        self.feed(dom)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        if tag == "section":
            self.root = a.get("data-root")
        elif tag == "table" and "data-section" in a:
            self.table = self.tables.setdefault((self.root, a["data-section"]), {})
        elif tag == "tr" and self.table is not None and "data-key" in a:
            self.row = self.table.setdefault(a["data-key"], {})
        elif tag == "td" and self.row is not None and "data-field" in a:
            self.row[a["data-field"]] = a["data-value"]
        elif tag == "g" and "data-chart" in a:
            self.line = (self.root, a["data-chart"], a.get("data-key"))
        elif tag == "circle" and self.line:
            self.points.setdefault(self.line, {})[a["data-snapshot"]] = int(a["data-value"])

    def handle_endtag(self, tag):
        if tag == "table":
            self.table = self.row = None
        elif tag == "section":
            self.root = None
        elif tag == "g":
            self.line = None


@pytest.mark.skipif(find_chromium() is None, reason="chromium not installed")
def test_html_page_shows_the_json_figures_and_loads_nothing(catalogue, tmp_path):
    page = tmp_path / "history.html"
    proc = run(HISTORY, "--catalog", catalogue["catalog"], "--html", page, "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    dom, requests = render(page)
    assert requests == []
    parsed = HistoryDom(dom)
    raw = page.read_text()
    assert raw.count("<script") == 1 and '<script type="application/json" id="history-data">' in raw
    assert json.loads(raw.split('id="history-data">')[1].split("</script>")[0]) == report
    (series,) = report["series"]
    root = series["root"]
    for section, key_of in (("top_level", lambda r: r["name"]),
                            ("owners", lambda r: str(r["uid"])),
                            ("types", lambda r: r["type"])):
        table = parsed.tables[(root, section)]
        assert set(table) == {key_of(r) for r in series[section]}
        for r in series[section]:
            row = table[key_of(r)]
            assert int(row["allocated_delta"]) == r["allocated_delta"]
            for name, value in zip(series["snapshots"], r["values"]):
                assert int(row[f"allocated@{name}"]) == value["allocated"]
        for r in series[section][:10]:
            assert parsed.points[(root, section, key_of(r))] == {
                n: v["allocated"] for n, v in zip(series["snapshots"], r["values"])}
    snapshots = parsed.tables[(None, "snapshots")]
    for s in report["snapshots"]:
        assert int(snapshots[s["name"]]["allocated"]) == s["allocated"]
    (comparison,) = report["fastest_growing"]
    fastest = parsed.tables[(None, "fastest_growing")]
    assert {p: int(r["allocated_delta"]) for p, r in fastest.items()} == {
        d["path"]: d["allocated_delta"] for d in comparison["directories"]}
    assert str(catalogue["tree"] / "grow") in fastest
