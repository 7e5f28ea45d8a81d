"""bench/history_10m.py on 100,000 synthetic rows, as users run it; and the summaries it
imports checked against pandas on the same rows (a different engine, row by row): the
synthetic tree has many owners per directory and hard links across directories, which a
small real tree does not."""
import json
import sys

import pandas as pd
import pytest

from history_harness import REPO

sys.path.insert(0, str(REPO / "bench"))
import analysis_10m  # noqa: E402

ROWS = 100_000


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    base = tmp_path_factory.mktemp("bench")
    summary = base / "summary.json"
    proc = analysis_10m.measure([sys.executable, str(REPO / "bench" / "history_10m.py"),
                                 "--rows", str(ROWS), "--dir", str(base), "--memory-limit",
                                 "128MB", "--threads", "2", "--summary", str(summary)])
    return {"base": base, "figures": json.loads(summary.read_text()), "peak": proc}


def test_bench_script_runs_within_memory(bench):
    figures = bench["figures"]
    assert figures["rows"] > 0.95 * ROWS and figures["directories"] > 1000
    for step in ("import", "import2", "history"):
        assert figures[step]["peak_rss_mb"] < 600, step


def counted(df: pd.DataFrame) -> pd.DataFrame:
    linked = (df["nlink"] > 1) & (df["file_type"] != "directory")
    return pd.concat([df[~linked],
                      df[linked].sort_values("path").drop_duplicates(["device", "inode"])])


def test_summary_equals_pandas_on_the_synthetic_rows(bench):
    base = bench["base"]
    rows = pd.read_parquet(base / f"synth_{ROWS}.parquet")
    store = base / "history.d" / "synth_2026-11-01"
    dirs = pd.read_parquet(store / "dirs.parquet").set_index("path")
    owners = pd.read_parquet(store / "dir_owners.parquet")
    sample = list(dirs.sort_values("allocated", ascending=False).index[:8])
    sample += list(dirs[dirs["depth"] >= 4].sample(12, random_state=1).index)
    for d in sample:
        inside = counted(rows[(rows["path"] == d) | rows["path"].str.startswith(d + "/")])
        row = dirs.loc[d]
        assert row["allocated"] == inside["allocated_size"].sum(), d
        assert row["apparent"] == inside["size"].sum(), d
        assert row["entries"] == len(inside), d
        assert row["newest_mtime"] == inside["modified_time"].max(), d
        per_uid = inside.groupby("uid")["allocated_size"].sum()
        top = per_uid.sort_values(ascending=False, kind="stable")
        best = top[top == top.iloc[0]].index.min()
        assert (row["top_owner_uid"], row["top_owner_allocated"]) == (best, top.iloc[0]), d
        mine = owners[owners["path"] == d].set_index("uid")["allocated"]
        assert mine.to_dict() == per_uid.to_dict(), d
        direct = counted(rows[(rows["parent_path"] == d) & (rows["file_type"] != "directory")])
        assert row["direct_allocated"] == direct["allocated_size"].sum(), d
        assert row["child_dirs"] == ((rows["parent_path"] == d) &
                                     (rows["file_type"] == "directory")).sum(), d
