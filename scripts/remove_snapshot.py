#!/usr/bin/env python3
"""remove_snapshot.py — remove a snapshot from the history catalogue.

    remove_snapshot.py NAME [--catalog PATH]

Deletes NAME's rows from the catalogue and its directory from the store (its per-directory
summary, and its rows if it was imported with --copy). The snapshot's own Parquet files, which
the catalogue only pointed to, are not touched. Details: docs/history.md.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from scan_analysis import catalog, engine, history_remove  # noqa: E402
from scan_analysis.cli_errors import run_reporting_errors, stderr_lines  # noqa: E402

PROG = "remove_snapshot.py"

EPILOG = f"""\
what is removed:
  NAME's row in the catalogue and its totals (top-level directories, owners, types), and
  STORE/NAME/: its per-directory summary and, if it was imported with --copy, the copy of
  its rows. Its own Parquet files elsewhere stay where they are; the name and the
  snapshot become free to import again.

refused, with one line on stderr, exit status 1 and the catalogue unchanged:
  a NAME not in the catalogue (the line lists those that are); a CATALOG that does not
  exist, is not a DuckDB database, or is a DuckDB database that is not a catalogue.

examples:
  {PROG} lab_2026-11-25
  {PROG} lab_2026-11-25 --catalog /srv/history.duckdb

exit status: 0 removed; 1 refused or failed (one line on stderr; nothing changed);
2 usage error."""


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog=PROG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Remove a snapshot from the history catalogue of "
                    "scripts/import_snapshot.py.",
        epilog=EPILOG)
    ap.add_argument("name", metavar="NAME", type=catalog.name_argument,
                    help="the snapshot's name, as imported")
    ap.add_argument("--catalog", metavar="PATH", default=catalog.default_catalog(),
                    help="the catalogue's DuckDB file (default: %(default)s)")
    return ap


def run(args: argparse.Namespace) -> int:
    eng = engine.Engine(engine.default_memory_limit(), None, None)
    try:
        row = history_remove.run(eng, os.path.abspath(args.catalog), args.name,
                                 stderr_lines(PROG))
    finally:
        eng.close()
    kept = ("its copied rows with it" if row["copied"]
            else f"its {len(row['data_files'])} Parquet file(s) left where they are")
    print(f"removed {row['name']} ({row['rows']:,} rows, taken "
          f"{row['taken_at']:%Y-%m-%dT%H:%M:%SZ}) from catalogue {args.catalog}; {kept}")
    return 0


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    os.umask(0o077)
    return run_reporting_errors(PROG, lambda: run(args))


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main(sys.argv[1:]))
