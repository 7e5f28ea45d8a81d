#!/usr/bin/env python3
"""import_snapshot.py — record a storage-scanner snapshot in the history catalogue.

    import_snapshot.py SNAPSHOT NAME [--catalog PATH] [--date TIME] [--copy] [--allow-partial]

Registers the snapshot under NAME, computes its per-directory summary once (Parquet, beside
the catalogue) and its totals by top-level directory, owner and type, so that
scripts/snapshot_history.py reports growth without rescanning rows. Details:
docs/history.md.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from scan_analysis import catalog, engine, history_import  # noqa: E402
from scan_analysis.cli_errors import run_reporting_errors, stderr_lines  # noqa: E402
from scan_analysis.engine import parse_time  # noqa: E402
from scan_analysis.snapshot import resolve  # noqa: E402

PROG = "import_snapshot.py"

EPILOG = f"""\
the catalogue:
  a DuckDB database file (default: $SSCAN_CATALOG, else
  ~/.local/share/storage-scanner/history.duckdb; now {catalog.default_catalog()}),
  and beside it a directory STEM.d/ holding each snapshot's per-directory summary
  (NAME/dirs.parquet, NAME/dir_owners.parquet) and, with --copy, its rows. Move or
  back up the two together. The snapshot's own Parquet files stay where they are
  unless --copy is given: without it, keep them (or export the catalogue with
  snapshot_history.py --export-hive) before scratch is purged.

refused, with one line on stderr, exit status 1 and the catalogue unchanged:
  a NAME already in the catalogue; the same snapshot again under another name (same
  files, wherever they are now); an incomplete scan (its manifest says
  completed=false) unless --allow-partial, which records it as partial; a snapshot
  that cannot be read (missing, damaged or not the scanner's files); a CATALOG
  that is not a DuckDB database, or a DuckDB database that is not a catalogue.

examples:
  {PROG} /snapshots/2026-11-25/lab.parquet lab_2026-11-25
  {PROG} '/scratch/scans/lab_chunk_*.parquet' lab_2026-11-25 --catalog /srv/history.duckdb
  {PROG} /scratch/scans/lab_manifest.json lab_2026-11-25 --copy
  {PROG} /scratch/snap/2026-11-25/ cil_2026-11-25          # every shard of a plan

exit status: 0 imported; 1 refused or failed (one line on stderr; nothing changed);
2 usage error."""


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog=PROG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Record a storage-scanner snapshot in the history catalogue, with its "
                    "per-directory summary, for scripts/snapshot_history.py.",
        epilog=EPILOG)
    ap.add_argument("snapshot", metavar="SNAPSHOT",
                    help="a Parquet file, a quoted chunk glob, a directory of chunks or "
                         "shards, or a manifest (as analyze_scan.py reads them)")
    ap.add_argument("name", metavar="NAME", type=catalog.name_argument,
                    help="the snapshot's name in the catalogue, e.g. lab_2026-11-25 (letters, "
                         "digits, '.', '_', '-'); it names a directory and a hive partition")
    ap.add_argument("--catalog", metavar="PATH", default=catalog.default_catalog(),
                    help="the catalogue's DuckDB file, created on first import "
                         "(default: %(default)s)")
    ap.add_argument("--date", type=_time, metavar="TIME",
                    help="when the snapshot was taken, ISO 8601 (2026-11-25 or "
                         "2026-11-25T05:57:04Z) or epoch seconds (default: the scan's start "
                         "time, from its manifest or Parquet metadata)")
    ap.add_argument("--copy", action="store_true",
                    help="also copy the snapshot's Parquet files into the catalogue's store, "
                         "so the history keeps its rows when the originals are deleted")
    ap.add_argument("--allow-partial", action="store_true",
                    help="import an incomplete scan (manifest completed=false), marked partial")
    ap.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    ap.add_argument("--memory-limit", default=engine.default_memory_limit(), metavar="SIZE",
                    help="DuckDB's memory limit; beyond it, work spills to --temp-dir "
                         "(default: a quarter of RAM, at most 4GB: %(default)s)")
    ap.add_argument("--temp-dir", metavar="DIR",
                    help="where DuckDB spills (default: $TMPDIR or /tmp)")
    ap.add_argument("--threads", type=_positive, metavar="N",
                    help="DuckDB threads (default: one per core)")
    return ap


def _time(text: str) -> int:
    try:
        return parse_time(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected ISO 8601 (2026-11-25 or 2026-11-25T05:57:04Z) or epoch seconds, "
            f"got {text!r}") from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return int(text)


def run(args: argparse.Namespace) -> int:
    start = time.monotonic()

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"{PROG}: {message} ({time.monotonic() - start:.0f} s)", file=sys.stderr)

    # The catalogue first: a file that is not one is refused before any work.
    catalog.check_file(args.catalog, must_exist=False)
    snap = resolve(args.snapshot)
    eng = engine.Engine(args.memory_limit, args.temp_dir, args.threads)
    try:
        row = history_import.run(eng, history_import.ImportRequest(
            catalog=os.path.abspath(args.catalog), name=args.name, snap=snap, date=args.date,
            copy=args.copy, allow_partial=args.allow_partial), progress, stderr_lines(PROG))
    finally:
        eng.close()
    partial = "" if row["completed"] else " (PARTIAL: the scan is incomplete)"
    print(f"imported {row['name']}{partial}: {row['rows']:,} rows of "
          f"{', '.join(row['roots']) or row['spec']}, taken {_iso(row['taken_at'])}, "
          f"{time.monotonic() - start:.1f} s; catalogue {args.catalog}")
    return 0


def _iso(epoch: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    # The catalogue, its summaries, exports and pages name every user's directories: private
    # like the scanner's own output (mode 0600, docs/history.md); share with chmod/chgrp.
    os.umask(0o077)
    return run_reporting_errors(PROG, lambda: run(args))


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main(sys.argv[1:]))
