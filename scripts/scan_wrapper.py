#!/usr/bin/env python3
"""scan_wrapper.py — scan a tree and analyse the snapshot in one call.

    scan_wrapper.py --path P --output O [--html R] [--json] [--compare-du] [scan options]

Every option it does not know is passed to `storage-scanner scan` unchanged (--threads,
--incremental, --resume, --one-file-system, ...). The report of scripts/analyze_scan.py is
printed on stdout; the scanner logs on stderr as usual.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import analyze_scan  # noqa: E402  (beside this script)

PROG = "scan_wrapper.py"

EPILOG = """\
the scanner binary, first found of:
  --scanner BIN, <repo>/build/release/storage-scanner, storage-scanner on PATH

exit status: the scanner's own when it fails (1 fatal, 2 usage, 130/143 interrupted:
resume with the same command plus --incremental --resume), and then no analysis;
otherwise analyze_scan.py's (0, or 1 when the snapshot cannot be read).

examples:
  scan_wrapper.py --path /project/lab --output /snapshots/lab.parquet --html lab.html
  scan_wrapper.py -p /scratch -o scans/scratch.parquet --incremental --resume -t 32 -x
"""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG, allow_abbrev=False, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Run storage-scanner on a tree, then analyze_scan.py on what it wrote. "
                    "Unknown options go to the scanner.", epilog=EPILOG)
    p.add_argument("-p", "--path", required=True, help="directory to scan")
    p.add_argument("-o", "--output", required=True,
                   help="Parquet file to write (with --incremental: the chunks' base name)")
    p.add_argument("--html", metavar="FILE", help="also write the HTML report to FILE")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--compare-du", action="store_true",
                   help="run du on --path after the scan and explain the difference "
                        "(walks the tree a second time)")
    p.add_argument("--scanner", metavar="BIN", help="the storage-scanner binary to run")
    return p


def find_scanner(explicit: str | None) -> str | None:
    if explicit:
        return explicit
    built = os.path.join(os.path.dirname(HERE), "build", "release", "storage-scanner")
    if os.access(built, os.X_OK):
        return built
    return shutil.which("storage-scanner")


def snapshot_of(output: str, scan_args: list[str]) -> str:
    """What the scan wrote: the file, or the manifest of an incremental scan."""
    if "--incremental" in scan_args:
        stem = output[: -len(".parquet")] if output.endswith(".parquet") else output
        return stem + "_manifest.json"
    return output


def main(argv: list[str]) -> int:
    args, scan_args = parser().parse_known_args(argv)
    scanner = find_scanner(args.scanner)
    if not scanner:
        print(f"{PROG}: error: storage-scanner not found (build it with scripts/build.sh "
              "release, put it on PATH, or pass --scanner)", file=sys.stderr)
        return 1
    command = [scanner, "scan", "--path", args.path, "--output", args.output, *scan_args]
    try:
        code = subprocess.run(command, check=False).returncode
    except OSError as e:
        print(f"{PROG}: error: cannot run {scanner}: {e.strerror}", file=sys.stderr)
        return 1
    if code < 0:  # killed by a signal: report it the way a shell does
        code = 128 - code
    if code != 0:
        print(f"{PROG}: storage-scanner exited with status {code}; no analysis", file=sys.stderr)
        return code
    analysis = [snapshot_of(args.output, scan_args)]
    analysis += ["--html", args.html] if args.html else []
    analysis += ["--json"] if args.json else []
    analysis += ["--path", args.path] if args.compare_du else []
    return analyze_scan.main(analysis)


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # piped into head: end quietly
    sys.exit(main(sys.argv[1:]))
