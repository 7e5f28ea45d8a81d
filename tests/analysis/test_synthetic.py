"""A 200,000-row synthetic snapshot (bench/synth_snapshot.py) analysed under a small memory
limit: the bench script runs as users run it, and the figures equal ones computed in pandas
from the same rows (a different engine, and row by row rather than by SQL)."""
import json
import sys

import pandas as pd
import pytest

from analysis_harness import REPO, analyze_json

sys.path.insert(0, str(REPO / "bench"))
import analysis_10m  # noqa: E402
import synth_snapshot  # noqa: E402

ROWS = 200_000
DAY = 86400


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    base = tmp_path_factory.mktemp("synth")
    old = base / "old.parquet"
    new = base / "new.parquet"
    synth_snapshot.generate(str(old), ROWS, 0, "512MB")
    synth_snapshot.generate(str(new), ROWS, 1, "512MB")
    return {"base": base, "old": old, "new": new, "df": pd.read_parquet(old),
            "report": analyze_json(old, "--memory-limit", "128MB", "--threads", "2",
                                   "--top", "10")}


def counted(df: pd.DataFrame) -> pd.DataFrame:
    """Hard-linked non-directories once per (device, inode)."""
    linked = (df["nlink"] > 1) & (df["file_type"] != "directory")
    once = df[linked].sort_values("path").drop_duplicates(["device", "inode"])
    return pd.concat([df[~linked], once])


def test_bench_script_runs_within_memory(synth):
    summary = synth["base"] / "summary.json"
    proc = analysis_10m.measure([sys.executable, str(REPO / "bench" / "analysis_10m.py"),
                                 "--rows", str(ROWS), "--dir", str(synth["base"]),
                                 "--memory-limit", "128MB", "--diff", "--summary",
                                 str(summary)])
    figures = json.loads(summary.read_text())
    assert figures["rows"] > 0.95 * ROWS
    # DuckDB's limit plus Python and the library itself; far below the snapshot's raw size.
    assert figures["report"]["peak_rss_mb"] < 600 and figures["diff"]["peak_rss_mb"] < 600
    assert proc["peak_rss_mb"] < 700


def test_totals_owners_and_ages(synth):
    df, report = counted(synth["df"]), synth["report"]
    assert report["snapshot"]["rows"] == len(synth["df"])
    assert report["totals"] == {"apparent": int(df["size"].sum()),
                                "allocated": int(df["allocated_size"].sum())}
    assert report["hard_links"]["extra_paths"] == len(synth["df"]) - len(df)
    per_uid = df.groupby("uid")["allocated_size"].sum().sort_values(ascending=False)
    assert [(o["uid"], o["allocated"]) for o in report["owners"]["top"]] == [
        (int(u), int(a)) for u, a in per_uid.head(10).items()]
    assert report["owners"]["others"]["allocated"] == int(per_uid.iloc[10:].sum())
    files = df[df["file_type"] != "directory"]
    age = synth_snapshot.AS_OF - files["modified_time"]
    edges = [0, 30 * DAY, 90 * DAY, 365 * DAY, 730 * DAY, 1825 * DAY]
    expected = [int((age < edges[0]).sum())] + [
        int(((age >= lo) & (age < hi)).sum()) for lo, hi in zip(edges, edges[1:])] + [
        int((age >= edges[-1]).sum())]
    assert [b["files"] for b in report["age"]["mtime"]] == expected


def du_of(df: pd.DataFrame, directory: str) -> int:
    """What du -s says of `directory`: its entries, hard links once within it."""
    inside = df[(df["path"] == directory) | df["path"].str.startswith(directory + "/")]
    return int(counted(inside)["allocated_size"].sum())


def test_largest_directories_and_top_level(synth):
    df, report = synth["df"], synth["report"]
    for d in report["largest_directories"]:
        assert d["allocated"] == du_of(df, d["path"]), d["path"]
    root = synth_snapshot.ROOT
    for t in report["top_level"]["top"]:
        assert t["allocated"] == du_of(df, f"{root}/{t['name']}"), t["name"]


def test_diff_paths(synth):
    d = analyze_json("diff", synth["old"], synth["new"], "--memory-limit", "128MB")
    old = set(synth["df"]["path"])
    new_df = pd.read_parquet(synth["new"], columns=["path", "size", "allocated_size",
                                                    "nlink", "device", "inode", "file_type"])
    new = set(new_df["path"])
    assert d["added"]["entries"] == len(new - old) > 0
    assert d["removed"]["entries"] == len(old - new) > 0
    merged = synth["df"].merge(new_df, on="path", suffixes=("_old", "_new"))
    assert d["changed"]["size_changed"] == int((merged["size_old"] != merged["size_new"]).sum())
    assert d["totals"]["delta"]["allocated"] == int(
        counted(new_df)["allocated_size"].sum() - counted(synth["df"])["allocated_size"].sum())
