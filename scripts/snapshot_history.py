#!/usr/bin/env python3
"""snapshot_history.py — growth over time, from the catalogue of snapshots.

    snapshot_history.py [--catalog PATH] [--root ROOT] [--from NAME --to NAME] [--top N]
                        [--json] [--html FILE] [--export-hive DIR]

Reads only the catalogue written by scripts/import_snapshot.py (its tables and per-directory
summaries), never a snapshot's rows — except --export-hive, which writes them out. Details
and JSON keys: docs/history.md.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from scan_analysis import (catalog, engine, hive_export, history, history_html,  # noqa: E402
                           history_text)
from scan_analysis.catalog import CatalogError  # noqa: E402
from scan_analysis.cli_errors import run_reporting_errors, stderr_lines  # noqa: E402

PROG = "snapshot_history.py"

EPILOG = f"""\
what it shows, for each scanned root (its snapshots in time order):
  totals              entries, files, apparent and allocated bytes of every snapshot
  growth              by top-level directory, by owner and by file type: each one's
                      figures in every snapshot and the change from the first to the
                      last (the --top largest changes); hard links count once, as du
  fastest-growing     directories whose allocated bytes (du -s) grew most between the
                      last two snapshots, or --from/--to any two; a directory's growth
                      includes its subdirectories', as du -s's does
Partial snapshots (imported with --allow-partial) are marked PARTIAL.

--export-hive DIR writes the whole catalogue as a hive-partitioned Parquet dataset:
  DIR/entries/snapshot=NAME/part-0.parquet   (every row), DIR/dirs/snapshot=NAME/...
  (per-directory summaries), DIR/snapshots.parquet (the catalogue). Snapshots already
  in DIR are left as they are, so rerunning it after each import adds the new one.
  Read it with one glob: polars.scan_parquet('DIR/entries/**/*.parquet',
  hive_partitioning=True), Spark spark.read.parquet('DIR/entries'), DuckDB
  read_parquet('DIR/entries/*/*.parquet', hive_partitioning = true).

examples:
  {PROG}                                         # the default catalogue
  {PROG} --catalog /srv/history.duckdb --html history.html
  {PROG} --from lab_2026-05-01 --to lab_2026-11-01 --json
  {PROG} --export-hive /srv/history-dataset

exit status: 0 done; 1 the catalogue cannot be read, a name or root is unknown, or
(--export-hive) some snapshot's rows could not be exported (one line each on
stderr); 2 usage error."""


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog=PROG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Growth over time of the snapshots in the history catalogue: by "
                    "top-level directory, owner and type, and the fastest-growing "
                    "directories.", epilog=EPILOG)
    ap.add_argument("--catalog", metavar="PATH", default=catalog.default_catalog(),
                    help="the catalogue's DuckDB file (default: %(default)s)")
    ap.add_argument("--root", action="append", metavar="ROOT",
                    help="only the snapshots of this scan root (repeatable; default: all)")
    ap.add_argument("--from", dest="from_name", metavar="NAME",
                    help="compare directories from this snapshot ... (with --to)")
    ap.add_argument("--to", dest="to_name", metavar="NAME", help="... to this one")
    ap.add_argument("--top", type=_positive, default=20, metavar="N",
                    help="rows in each growth list (default: 20)")
    ap.add_argument("--json", action="store_true",
                    help="print the report as JSON (keys in docs/history.md) instead of text")
    ap.add_argument("--html", metavar="FILE",
                    help="also write a self-contained HTML page with charts (opens offline)")
    ap.add_argument("--export-hive", metavar="DIR",
                    help="write the catalogue as a hive-partitioned Parquet dataset to DIR "
                         "(and no report)")
    ap.add_argument("--memory-limit", default=engine.default_memory_limit(), metavar="SIZE",
                    help="DuckDB's memory limit (default: %(default)s)")
    ap.add_argument("--temp-dir", metavar="DIR", help="where DuckDB spills (default: /tmp)")
    return ap


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return int(text)


def run(args: argparse.Namespace) -> int:
    catalog.check_file(args.catalog, must_exist=True)
    if args.html and not os.path.isdir(os.path.dirname(os.path.abspath(args.html))):
        raise CatalogError(f"--html {args.html}: no such directory")
    eng = engine.Engine(args.memory_limit, args.temp_dir, None)
    try:
        catalog.attach(eng, args.catalog, read_only=True)
        catalog.recover_attached(eng, os.path.abspath(args.catalog), stderr_lines(PROG))
        if args.export_hive:
            return _export(eng, args)
        pair = (args.from_name, args.to_name) if args.from_name else None
        report = history.build(eng, os.path.abspath(args.catalog), args.top, args.root, pair)
    finally:
        eng.close()
    if args.html:
        with open(args.html, "w", encoding="utf-8") as f:
            f.write(history_html.render(report))
    print(json.dumps(report, indent=2) if args.json else history_text.render(report))
    return 0


def _export(eng: engine.Engine, args: argparse.Namespace) -> int:
    done = hive_export.export(eng, os.path.abspath(args.catalog), args.export_hive,
                              stderr_lines(PROG))
    for name, reason in done["skipped"]:
        print(f"{PROG}: error: snapshot {name} not exported: {reason}", file=sys.stderr)
    print(f"{args.export_hive}: {len(done['exported'])} snapshot(s) exported, "
          f"{len(done['already'])} already there, {len(done['skipped'])} skipped")
    return 1 if done["skipped"] else 0


def main(argv: list[str]) -> int:
    ap = parser()
    args = ap.parse_args(argv)
    # The catalogue, its summaries, exports and pages name every user's directories: private
    # like the scanner's own output (mode 0600, docs/history.md); share with chmod/chgrp.
    os.umask(0o077)
    if bool(args.from_name) != bool(args.to_name):
        ap.error("--from and --to go together")
    if args.export_hive and (args.json or args.html or args.from_name or args.root):
        ap.error("--export-hive writes the dataset only: leave out --json, --html, --from, "
                 "--root")
    return run_reporting_errors(PROG, lambda: run(args))


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main(sys.argv[1:]))
