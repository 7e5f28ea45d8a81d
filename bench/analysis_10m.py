#!/usr/bin/env python3
"""Time and peak memory of scripts/analyze_scan.py on a synthetic snapshot of N rows.

    .venv/bin/python bench/analysis_10m.py [--rows 10000000] [--dir DIR] [--memory-limit 2GB]
                                           [--threads N] [--diff] [--summary FILE]

Generates DIR/synth_<rows>.parquet with bench/synth_snapshot.py (kept for the next run), then
runs the full report (text, JSON and the HTML page) under /usr/bin/time -v, and with --diff
also `analyze_scan.py diff` against variant 1 (the same tree a month later). Prints wall time
and peak RSS of each; --summary writes them as JSON. The test suite runs it with 200,000 rows
(tests/analysis/test_synthetic.py); 10^7 rows take minutes, so it is not part of the suite.
"""
import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import time

import synth_snapshot

REPO = pathlib.Path(__file__).resolve().parents[1]
ANALYZE = REPO / "scripts" / "analyze_scan.py"


def measure(cmd: list[str]) -> dict:
    """Runs `cmd` under /usr/bin/time -v: wall and CPU seconds (on a shared machine the CPU
    time is the steadier figure), peak RSS, stdout."""
    start = time.monotonic()
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True)
    wall = time.monotonic() - start
    found = {key: re.search(pattern + r": ([\d.]+)", proc.stderr)
             for key, pattern in (("peak", r"Maximum resident set size \(kbytes\)"),
                                  ("user", r"User time \(seconds\)"),
                                  ("system", r"System time \(seconds\)"))}
    if proc.returncode != 0 or not all(found.values()):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    cpu = float(found["user"].group(1)) + float(found["system"].group(1))
    return {"seconds": round(wall, 1), "cpu_seconds": round(cpu, 1),
            "peak_rss_mb": round(int(found["peak"].group(1)) / 1024, 1), "stdout": proc.stdout}


def snapshot(directory: pathlib.Path, rows: int, variant: int, memory_limit: str) -> pathlib.Path:
    path = directory / f"synth_{rows}{'_v1' if variant else ''}.parquet"
    if not path.exists():
        start = time.monotonic()
        n = synth_snapshot.generate(str(path), rows, variant, memory_limit)
        print(f"generated {path}: {n:,} rows in {time.monotonic() - start:.0f} s",
              file=sys.stderr)
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--dir", default="/tmp/sscan-analysis-bench",
                    help="where snapshots, reports and DuckDB's spill files go")
    ap.add_argument("--memory-limit", default="2GB", help="passed to analyze_scan.py")
    ap.add_argument("--threads", type=int, help="passed to analyze_scan.py")
    ap.add_argument("--diff", action="store_true", help="also time a diff of two snapshots")
    ap.add_argument("--summary", help="write the figures as JSON to this file")
    args = ap.parse_args()
    directory = pathlib.Path(args.dir)
    directory.mkdir(parents=True, exist_ok=True)
    common = ["--memory-limit", args.memory_limit, "--temp-dir", str(directory)]
    common += ["--threads", str(args.threads)] if args.threads else []

    old = snapshot(directory, args.rows, 0, args.memory_limit)
    report = measure([sys.executable, str(ANALYZE), str(old), "--json",
                      "--html", str(directory / "report.html"), *common])
    rows = json.loads(report.pop("stdout"))["snapshot"]["rows"]
    summary = {"rows": rows, "memory_limit": args.memory_limit, "cpus": os.cpu_count(),
               "report": report}
    print(f"report of {rows:,} rows: {report['seconds']} s wall, {report['cpu_seconds']} s CPU, "
          f"peak RSS {report['peak_rss_mb']} MB")
    if args.diff:
        new = snapshot(directory, args.rows, 1, args.memory_limit)
        diff = measure([sys.executable, str(ANALYZE), "diff", str(old), str(new), "--json",
                        *common])
        diff.pop("stdout")
        summary["diff"] = diff
        print(f"diff of two snapshots: {diff['seconds']} s wall, {diff['cpu_seconds']} s CPU, "
              f"peak RSS {diff['peak_rss_mb']} MB")
    if args.summary:
        pathlib.Path(args.summary).write_text(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
