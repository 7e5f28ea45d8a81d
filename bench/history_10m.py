#!/usr/bin/env python3
"""Time and peak memory of importing a synthetic N-row snapshot into the history catalogue.

    .venv/bin/python bench/history_10m.py [--rows 10000000] [--dir DIR] [--memory-limit 2GB]
                                          [--threads N] [--summary FILE]

Generates DIR/synth_<rows>.parquet and its variant a month later with bench/synth_snapshot.py
(kept for the next run, shared with bench/analysis_10m.py), then, each under /usr/bin/time -v
and into a fresh catalogue DIR/history.duckdb:
  import    scripts/import_snapshot.py of the first snapshot (fingerprint, per-directory
            summary of every directory, totals by top-level directory, owner and type);
  import2   the variant, dated a month later;
  history   scripts/snapshot_history.py --json --html: growth, and the fastest-growing
            directories, which joins the two summaries.
Prints wall time, CPU time and peak RSS of each, and the summary's size; --summary writes
them as JSON. The suite runs it on 100,000 rows (tests/history/test_bench.py).
"""
import argparse
import json
import os
import pathlib
import shutil
import sys

import duckdb

from analysis_10m import measure, snapshot

REPO = pathlib.Path(__file__).resolve().parents[1]
IMPORT = REPO / "scripts" / "import_snapshot.py"
HISTORY = REPO / "scripts" / "snapshot_history.py"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--dir", default="/tmp/sscan-history-bench",
                    help="where snapshots, the catalogue and DuckDB's spill files go")
    ap.add_argument("--memory-limit", default="2GB", help="passed to the scripts")
    ap.add_argument("--threads", type=int, help="passed to import_snapshot.py")
    ap.add_argument("--summary", help="write the figures as JSON to this file")
    args = ap.parse_args()
    directory = pathlib.Path(args.dir)
    directory.mkdir(parents=True, exist_ok=True)
    catalog = directory / "history.duckdb"
    for old in (catalog, catalog.with_suffix(".d")):
        if old.is_dir():
            shutil.rmtree(old)
        elif old.exists():
            old.unlink()
    common = ["--catalog", str(catalog), "--memory-limit", args.memory_limit,
              "--temp-dir", str(directory)]
    threads = ["--threads", str(args.threads)] if args.threads else []

    first = snapshot(directory, args.rows, 0, args.memory_limit)
    second = snapshot(directory, args.rows, 1, args.memory_limit)
    rows = duckdb.sql(f"SELECT count(*) FROM '{first}'").fetchall()[0][0]
    summary = {"rows": rows, "memory_limit": args.memory_limit, "cpus": os.cpu_count()}
    steps = (("import", [sys.executable, str(IMPORT), str(first), "synth_2026-11-01",
                         *common, *threads, "--quiet"]),
             ("import2", [sys.executable, str(IMPORT), str(second), "synth_2026-12-01",
                          "--date", "2026-12-01", *common, *threads, "--quiet"]),
             ("history", [sys.executable, str(HISTORY), "--json", "--html",
                          str(directory / "history.html"), *common]))
    for step, cmd in steps:
        result = measure(cmd)
        result.pop("stdout")
        summary[step] = result
        print(f"{step}: {result['seconds']} s wall, {result['cpu_seconds']} s CPU, "
              f"peak RSS {result['peak_rss_mb']} MB")
    dirs = catalog.with_suffix(".d") / "synth_2026-11-01"
    summary["directories"] = duckdb.sql(
        f"SELECT count(*) FROM '{dirs / 'dirs.parquet'}'").fetchall()[0][0]
    summary["summary_mb"] = round(sum(f.stat().st_size for f in dirs.iterdir()) / 2**20, 1)
    summary["snapshot_mb"] = round(first.stat().st_size / 2**20, 1)
    print(f"{rows:,} rows ({summary['snapshot_mb']} MB of Parquet): summary of "
          f"{summary['directories']:,} directories, {summary['summary_mb']} MB")
    if args.summary:
        pathlib.Path(args.summary).write_text(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
