#!/usr/bin/env python3
"""browse_snapshot.py — browse a storage-scanner snapshot like ncdu, without rescanning.

    browse_snapshot.py SNAPSHOT [--path DIR] [options]
    browse_snapshot.py --catalog PATH NAME [options]
    browse_snapshot.py SNAPSHOT --export-ncdu FILE
    browse_snapshot.py SNAPSHOT --list [--path DIR] [--bytes]

Also run as `storage-scanner browse ...`. Opens from the snapshot's per-directory summary
(never its rows), computing it once when there is none. Details: docs/browse.md.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import duckdb  # noqa: E402  (after the path: the packages live beside this script)
except ImportError:
    sys.exit(f"{os.environ.get('SSCAN_BROWSE_PROG', 'browse_snapshot.py')}: error: "
             f"{sys.executable} has no DuckDB: run it with the .venv of scripts/setup_venv.sh "
             "(or set SSCAN_PYTHON to a Python with the packages of requirements.txt)")

from scan_analysis import catalog, engine  # noqa: E402
from scan_analysis.cli_errors import stderr_lines  # noqa: E402
from scan_analysis.snapshot import Snapshot, SnapshotError, stem_of  # noqa: E402
from scan_browse import locate, ncdu_export, view  # noqa: E402
from scan_browse.locate import LocateError  # noqa: E402
from scan_browse.ncdu_export import ExportError  # noqa: E402
from scan_browse.prepare import PrepareError, prepare  # noqa: E402
from scan_browse.tree import SnapshotTree, Sources, TreeError  # noqa: E402

PROG = os.environ.get("SSCAN_BROWSE_PROG", "browse_snapshot.py")

EPILOG = """\
keys (? in the browser shows them):
  Up/Down j/k move   Enter/Right open   Left/Backspace up   / jump to a path
  s disk  a apparent  c files  m modified  o owner  n name: sort (again: reverse)
  i details (owners, times)   b exact bytes   ? help   q quit

columns: disk usage (allocated bytes, as du counts them), apparent size, regular files,
newest modification time, the owner of most bytes, a bar relative to the largest entry,
the name. A directory's figures are its whole subtree's (hard links once, as du -s); a
file's are its own. Flags before the name: H hard link, @ not a regular file, e empty.

where the summary comes from (the first that has it):
  the browse cache       ~/.cache/storage-scanner/browse/FINGERPRINT/ ($XDG_CACHE_HOME,
                         or $SSCAN_BROWSE_CACHE, or --cache-dir), made by an earlier run
  a history catalogue    STORE/NAME/dirs.parquet of import_snapshot.py (--catalog, else
                         the default catalogue when it exists)
  otherwise it is computed once from the rows (a progress bar; minutes for 10^7 rows) and
  kept in the browse cache, with a file index that lists a directory's files at once.
  Nothing is ever written inside the scanned tree, and nothing on any filesystem is
  changed or deleted: browse is read-only.

examples:
  browse_snapshot.py /snapshots/2026-11-25/lab.parquet
  browse_snapshot.py '/scratch/scans/lab_chunk_*.parquet' --path /project/lab/alice
  browse_snapshot.py --catalog ~/history.duckdb lab_2026-11-25
  browse_snapshot.py lab.parquet --prepare            # compute the summary now (cron, Slurm)
  browse_snapshot.py lab.parquet --list --bytes       # the listing as text, for scripts
  browse_snapshot.py lab.parquet --export-ncdu lab.json && ncdu -f lab.json

exit status: 0 success; 1 the snapshot, catalogue or cache cannot be used (a one-line
reason on stderr); 2 usage error (also: the browser needs a terminal)."""


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog=PROG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Browse a storage-scanner snapshot like ncdu: directories by size, drill "
                    "down with the arrow keys, offline and without rescanning. Or export it "
                    "for ncdu itself.",
        epilog=EPILOG)
    ap.add_argument("snapshot", metavar="SNAPSHOT",
                    help="a Parquet file, a quoted chunk glob, a directory of chunks or shards, "
                         "or a manifest; with --catalog, the snapshot's NAME in the catalogue")
    ap.add_argument("--catalog", metavar="PATH",
                    help="a history catalogue (import_snapshot.py): SNAPSHOT is a name in it")
    ap.add_argument("--path", metavar="DIR",
                    help="start in this directory of the snapshot (default: the scan root)")
    ap.add_argument("--list", action="store_true",
                    help="print the listing of the start directory as text and exit (no "
                         "terminal needed)")
    ap.add_argument("--bytes", action="store_true",
                    help="exact byte and file counts instead of KiB/MiB/... (b in the browser)")
    ap.add_argument("--export-ncdu", metavar="FILE",
                    help="write the snapshot in ncdu's JSON export format to FILE ('-': "
                         "stdout) and exit; browse it with ncdu -f FILE (-e for owners and "
                         "times)")
    ap.add_argument("--prepare", action="store_true",
                    help="compute the summary and the file index if missing, then exit")
    ap.add_argument("--no-index", action="store_true",
                    help="when computing the summary, skip the file index (smaller cache; "
                         "files are then listed from the rows, slowly on big snapshots)")
    ap.add_argument("--cache-dir", metavar="DIR",
                    help="where computed summaries are kept (default: $SSCAN_BROWSE_CACHE, "
                         f"else {locate.cache_root(None)})")
    ap.add_argument("--no-color", action="store_true",
                    help="no colours, only bold and reverse video (also when NO_COLOR is set)")
    ap.add_argument("--memory-limit", default=engine.default_memory_limit(), metavar="SIZE",
                    help="DuckDB's memory limit when computing a summary or exporting "
                         "(default: %(default)s)")
    ap.add_argument("--temp-dir", metavar="DIR",
                    help="where DuckDB spills when computing (default: $TMPDIR or /tmp)")
    ap.add_argument("--threads", type=_positive, metavar="N",
                    help="DuckDB threads (default: one per core)")
    return ap


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def _usage_error(args: argparse.Namespace) -> str | None:
    if args.export_ncdu and (args.list or args.prepare):
        return "--export-ncdu cannot be combined with --list or --prepare"
    if args.list and args.prepare:
        return "--list and --prepare cannot be combined"
    interactive = not (args.list or args.prepare or args.export_ncdu)
    if interactive and not (sys.stdin.isatty() and sys.stdout.isatty()):
        return ("the browser needs a terminal (stdin and stdout); use --list for text, or "
                "--export-ncdu")
    return None


def locate_snapshot(args: argparse.Namespace) -> locate.Located:
    if args.catalog:
        return locate.from_catalog(os.path.abspath(args.catalog), args.snapshot,
                                   args.cache_dir, stderr_lines(PROG))
    return locate.from_snapshot(args.snapshot, args.cache_dir, None)


def run_export(args: argparse.Namespace, found: locate.Located) -> int:
    out = args.export_ncdu
    if out != "-" and not os.path.isdir(os.path.dirname(os.path.abspath(out))):
        raise ExportError(f"--export-ncdu {out}: no such directory")
    missing = [f for f in found.rows if not os.path.isfile(f)]
    if missing:
        raise ExportError(f"the snapshot's file {missing[0]} is gone: the export needs its rows")
    eng = engine.Engine(args.memory_limit, args.temp_dir, args.threads)
    try:
        info = _scan_facts(eng, found)
        stats = ncdu_export.export(eng, found.rows, out,
                                   one_file_system=info["one_file_system"],
                                   unreadable_dirs=info["unreadable"])
    finally:
        eng.close()
    print(f"{PROG}: wrote {stats['entries']:,} entries ({stats['directories']:,} directories) "
          f"to {out} in {stats['seconds']} s; browse with: ncdu -f {out}", file=sys.stderr)
    return 0


def _scan_facts(eng: engine.Engine, found: locate.Located) -> dict:
    """Whether the scan stayed on one filesystem (-x), and the directories it could not list
    (from the error sidecars beside the data: STEM_errors.jsonl)."""
    snap = found.snapshot
    if snap is None:  # a catalogued snapshot: its files, and the sidecars beside them
        stems = sorted({stem_of(f) for f in found.rows})
        snap = Snapshot(found.label, list(found.rows), [],
                        [(s + "_errors.jsonl", None) for s in stems
                         if os.path.isfile(s + "_errors.jsonl")])
    info = engine.scan_info(eng, snap, None)
    unreadable: set[str] = set()
    for path, valid in snap.sidecars:
        unreadable |= _unlisted_dirs(path, valid)
    return {"one_file_system": info.one_file_system, "unreadable": unreadable}


def _unlisted_dirs(sidecar: str, valid: int | None) -> set[str]:
    found = set()
    try:
        with open(sidecar, "rb") as f:
            data = f.read() if valid is None else f.read(valid)
    except OSError:
        return found
    for line in data.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("op") in ("open", "getdents"):
            found.add(record.get("path", ""))
    return found


def run_list(state: view.BrowserState, exact: bool) -> int:
    s = state
    d = s.directory(s.cwd)
    if s.tree.files_available:
        s.add_files(s.cwd, s.tree.files(s.cwd))
    fs, fc = view.format_size, view.format_count
    print(f"{'disk':>{18 if exact else 9}} {'apparent':>{18 if exact else 9}} "
          f"{'files':>{12 if exact else 6}}  {'modified':10}  {'owner':12}  name")
    for e in s.entries:
        print(f"{fs(e.allocated, exact):>{18 if exact else 9}} "
              f"{fs(e.apparent, exact):>{18 if exact else 9}} "
              f"{fc(e.files, exact):>{12 if exact else 6}}  {view.format_time(e.newest_mtime):10}  "
              f"{view.printable(e.owner)[:12]:12}  {view.flag(e)} {view.printable(e.name)}"
              f"{'/' if e.is_dir else ''}")
    if d is not None:
        print(f"{fs(d.allocated, exact):>{18 if exact else 9}} "
              f"{fs(d.apparent, exact):>{18 if exact else 9}} "
              f"{fc(d.files, exact):>{12 if exact else 6}}  {view.format_time(d.newest_mtime):10}  "
              f"{view.printable(d.owner)[:12]:12}    total of {view.printable(s.cwd)}")
    return 0


def main(argv: list[str]) -> int:
    ap = parser()
    args = ap.parse_args(argv)
    problem = _usage_error(args)
    if problem:
        print(f"{PROG}: error: {problem}", file=sys.stderr)
        return 2
    try:
        found = locate_snapshot(args)
        if args.export_ncdu:
            return run_export(args, found)
        found = prepare(found, want_index=not args.no_index and (args.prepare or
                                                                 found.summary_dir is None),
                        memory_limit=args.memory_limit, temp_dir=args.temp_dir,
                        threads=args.threads)
        if args.prepare:
            print(f"{PROG}: ready: summary from {found.summary_source}"
                  + (f", file index {found.file_index}" if found.file_index else "")
                  + f"; browse with: {PROG} {args.snapshot}", file=sys.stderr)
            return 0
        tree = SnapshotTree(Sources(dirs=found.dirs, owners=found.owners,
                                    file_index=found.file_index, rows=found.rows),
                            roots=found.roots)
        start = view.resolve_path(tree.root, args.path) if args.path else None
        state = view.BrowserState(tree, start, exact=args.bytes)
        if start and state.cwd != start:
            raise TreeError(f"--path {args.path}: not a directory in this snapshot")
        if args.list:
            return run_list(state, args.bytes)
        from scan_browse import tui  # curses only when there is a terminal to draw on
        colour = not args.no_color and not os.environ.get("NO_COLOR")
        try:
            status = tui.run(state, _title(found), colour)
        except tui.TerminalError as e:
            print(f"{PROG}: error: {e}", file=sys.stderr)
            status = 1
        except Exception:  # noqa: BLE001 — a bug: report it, then leave as below
            traceback.print_exc()
            status = 1
        # Not a normal interpreter exit: the file lister's thread may be inside a DuckDB query
        # (a big directory listed from the rows), and finalising the interpreter under a
        # running query aborts or hangs. Nothing is left to clean up: the terminal is
        # restored, and browse writes nothing.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    except (SnapshotError, LocateError, PrepareError, TreeError, ExportError,
            catalog.CatalogError) as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
    except duckdb.Error as e:
        print(f"{PROG}: error: DuckDB: {engine.first_line(e)}", file=sys.stderr)
    except OSError as e:
        where = f"{e.filename}: " if e.filename else ""
        print(f"{PROG}: error: {where}{e.strerror}", file=sys.stderr)
    return 1


def _title(found: locate.Located) -> str:
    when = f" (scanned {found.taken_at[:10]})" if found.taken_at else ""
    label = found.label if len(found.label) <= 40 else "..." + found.label[-37:]
    return label + when


if __name__ == "__main__":
    # Piped into head, end quietly when the reader goes away, as Unix tools do.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main(sys.argv[1:]))
