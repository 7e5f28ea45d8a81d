#!/usr/bin/env python3
"""analyze_scan.py — what a storage-scanner snapshot means, in numbers and pictures.

    analyze_scan.py SNAPSHOT [--path ORIGINAL] [--json] [--html report.html] [options]
    analyze_scan.py diff OLD NEW [--json] [options]

Runs on DuckDB, out of core: rows stay in DuckDB, which spills to disk beyond --memory-limit,
so a snapshot of 10^8 rows is analysed on a laptop. The figures and the JSON keys are
documented in docs/analysis.md.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import duckdb  # noqa: E402  (after the path: the package lives beside this script)

from scan_analysis import diff, diff_text, engine, html_report, report, text  # noqa: E402
from scan_analysis.engine import parse_time  # noqa: E402
from scan_analysis.snapshot import SnapshotError, resolve  # noqa: E402

PROG = "analyze_scan.py"

SNAPSHOT_HELP = """\
a Parquet file (scan.parquet), a quoted glob ('scan_chunk_*.parquet'), a directory
(every DIR/*.parquet: chunks, shards), or a manifest (scan_manifest.json: the chunks
it lists). The STEM_manifest.json and STEM_errors.jsonl beside the data are found
and used: an incomplete scan is flagged, the errors are summarised."""

REPORT_EPILOG = """\
what the report shows:
  counts and totals   entries by kind; apparent (sum of sizes) and allocated (blocks,
                      what du counts) bytes, every hard-linked file counted once
  space               from file contents to du, reason by reason: small files' block
                      overhead, partial blocks, sparse files, directories, changes since
                      the scan (with --path, du is run and compared)
  types, largest files, largest directories (whole subtree, as du -s DIR),
  top-level directories, owners, groups, age of files by mtime and by atime
  (counted back from the scan's start, not from now), and the error sidecar: what
  the snapshot does not cover

examples:
  analyze_scan.py /snapshots/2026-11-25/lab.parquet --path /project/lab
  analyze_scan.py '/scratch/scans/lab_chunk_*.parquet' --html lab.html
  analyze_scan.py /scratch/scans/lab_manifest.json --json > lab.json
  analyze_scan.py diff old/lab.parquet new/lab.parquet

exit status: 0 report written (an incomplete snapshot is flagged, not refused);
1 the snapshot cannot be read (a one-line reason on stderr); 2 usage error."""

DIFF_EPILOG = """\
Compares two snapshots path by path: entries added and removed, files whose size,
mtime or owner changed, the largest changes, and growth by top-level directory, by
owner and by subtree (allocated bytes, as du -s). Totals count hard links once.

examples:
  analyze_scan.py diff /snapshots/2026-10-01/lab.parquet /snapshots/2026-11-01/lab.parquet
  analyze_scan.py diff 'old/lab_chunk_*.parquet' new/lab_manifest.json --json"""


def _common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true",
                        help="print the figures as JSON (keys in docs/analysis.md) instead of text")
    parser.add_argument("--top", type=_positive, default=20, metavar="N",
                        help="rows in each top-N list (default: 20)")
    parser.add_argument("--memory-limit", default=engine.default_memory_limit(), metavar="SIZE",
                        help="DuckDB's memory limit; beyond it, work spills to --temp-dir "
                             "(default: a quarter of RAM, at most 4GB: %(default)s)")
    parser.add_argument("--temp-dir", metavar="DIR",
                        help="where DuckDB spills (default: $TMPDIR or /tmp); put it on a fast "
                             "local disk with room for a few times the snapshot's size")
    parser.add_argument("--threads", type=_positive, metavar="N",
                        help="DuckDB threads (default: one per core)")


def report_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Analyse a storage-scanner snapshot: counts, sizes, du comparison, "
                    "owners, ages, errors. For two snapshots: " + PROG + " diff OLD NEW.",
        epilog=REPORT_EPILOG)
    parser.add_argument("snapshot", metavar="SNAPSHOT", help=SNAPSHOT_HELP)
    parser.add_argument("--path", metavar="ORIGINAL",
                        help="the scanned directory: run du -s on it now and explain the gap")
    parser.add_argument("--html", metavar="FILE",
                        help="also write a self-contained HTML report (charts, treemap, tables)")
    parser.add_argument("--as-of", type=_time, metavar="TIME",
                        help="measure ages from TIME (ISO 8601 or epoch seconds) instead of "
                             "the scan's start")
    _common_options(parser)
    return parser


def diff_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG + " diff", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="What changed between two snapshots of the same tree.",
        epilog=DIFF_EPILOG)
    parser.add_argument("old", metavar="OLD", help="the earlier snapshot (any SNAPSHOT form)")
    parser.add_argument("new", metavar="NEW", help="the later snapshot")
    _common_options(parser)
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def _time(text: str) -> int:
    try:
        return parse_time(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected ISO 8601 (2026-11-25T05:57:04Z) or epoch seconds, got {text!r}") from None


def run_report(args: argparse.Namespace) -> int:
    snap = resolve(args.snapshot)
    if args.path and not os.path.exists(args.path):
        raise SnapshotError(f"--path {args.path}: no such file or directory")
    # Fail before minutes of work, not after.
    if args.html and not os.path.isdir(os.path.dirname(os.path.abspath(args.html))):
        raise SnapshotError(f"--html {args.html}: no such directory")
    eng = engine.Engine(args.memory_limit, args.temp_dir, args.threads)
    try:
        engine.register(eng, snap)
        info = engine.scan_info(eng, snap, args.as_of)
        figures = report.build(eng, snap, info, args.top, args.path)
        if args.html:
            page = html_report.render(figures, html_report.treemap_input(eng, figures))
            with open(args.html, "w", encoding="utf-8") as f:
                f.write(page)
    finally:
        eng.close()
    print(json.dumps(figures, indent=2) if args.json else text.render(figures))
    return 0


def run_diff(args: argparse.Namespace) -> int:
    old, new = resolve(args.old), resolve(args.new)
    eng = engine.Engine(args.memory_limit, args.temp_dir, args.threads)
    try:
        engine.register(eng, old, "old_")
        engine.register(eng, new, "new_")
        figures = diff.build(eng, old, new, args.top)
    finally:
        eng.close()
    print(json.dumps(figures, indent=2) if args.json else diff_text.render(figures))
    return 0


def main(argv: list[str]) -> int:
    is_diff = bool(argv) and argv[0] == "diff"
    args = diff_parser().parse_args(argv[1:]) if is_diff else report_parser().parse_args(argv)
    try:
        return run_diff(args) if is_diff else run_report(args)
    except SnapshotError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
    except duckdb.Error as e:
        print(f"{PROG}: error: DuckDB: {engine.first_line(e)}", file=sys.stderr)
    except OSError as e:  # writing --html
        where = f"{e.filename}: " if e.filename else ""
        print(f"{PROG}: error: {where}{e.strerror}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    # Piped into head or less, end quietly when the reader goes away, as Unix tools do.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main(sys.argv[1:]))
