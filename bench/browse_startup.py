#!/usr/bin/env python3
"""Start-up time of the snapshot browser (scripts/browse_snapshot.py) on a synthetic snapshot.

    .venv/bin/python bench/browse_startup.py [--rows 10000000] [--dir DIR] [--runs 5]
                                             [--memory-limit 2GB] [--summary FILE]

1. Generates DIR/synth_<rows>.parquet with bench/synth_snapshot.py (kept for the next run).
2. The one-time computation: `browse_snapshot.py SNAPSHOT --prepare` into an empty cache
   (the per-directory summary and the file index), under /usr/bin/time -v: wall and CPU
   seconds, peak RSS.
3. Opening with the summary there, --runs times each, the median reported:
     list      `browse_snapshot.py SNAPSHOT --list`: process start to the root's listing
               printed and the process gone (the same work as the browser's first screen,
               without a terminal);
     terminal  the browser in a 80x24 tmux window: process start to the first screen
               complete (its listing and the files of the root drawn).
Caches stay in DIR/cache (delete it to time the computation again).
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import time
import uuid

import synth_snapshot

REPO = pathlib.Path(__file__).resolve().parents[1]
BROWSE = REPO / "scripts" / "browse_snapshot.py"


def measure(cmd: list[str]) -> dict:
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
    return {"seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
            "peak_rss_mb": round(int(found["peak"].group(1)) / 1024, 1)}


def time_list(cmd: list[str]) -> float:
    start = time.monotonic()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.monotonic() - start


def time_terminal(cmd: list[str]) -> float:
    """Seconds from starting `cmd` in a fresh 80x24 tmux window to its first complete screen."""
    socket = f"sscan-bench-{uuid.uuid4().hex[:12]}"
    tmux = ["tmux", "-L", socket]
    start = time.monotonic()
    subprocess.run([*tmux, "new-session", "-d", "-x", "80", "-y", "24",
                    " ".join(map(str, cmd))], check=True)
    try:
        while time.monotonic() - start < 120:
            screen = subprocess.run([*tmux, "capture-pane", "-p"], capture_output=True,
                                    text=True).stdout
            if "Total disk" in screen and "listing files" not in screen:
                return time.monotonic() - start
            time.sleep(0.01)
        raise SystemExit(f"no first screen after 120 s:\n{screen}")
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--dir", default="/tmp/sscan-browse-bench",
                    help="snapshots, the browse cache and DuckDB's spill files")
    ap.add_argument("--runs", type=int, default=5, help="start-ups to time (median reported)")
    ap.add_argument("--memory-limit", default="2GB", help="for the one-time computation")
    ap.add_argument("--summary", help="write the figures as JSON to this file")
    args = ap.parse_args()
    directory = pathlib.Path(args.dir)
    directory.mkdir(parents=True, exist_ok=True)
    snap = directory / f"synth_{args.rows}.parquet"
    if not snap.exists():
        n = synth_snapshot.generate(str(snap), args.rows, 0, args.memory_limit)
        print(f"generated {snap}: {n:,} rows", file=sys.stderr)
    cache = directory / "cache"
    base = [sys.executable, str(BROWSE), str(snap), "--cache-dir", str(cache)]
    summary = {"rows": args.rows, "cpus": os.cpu_count(), "snapshot": str(snap)}

    if not any(cache.glob("*/browse.json")):
        shutil.rmtree(cache, ignore_errors=True)
        prep = measure([*base, "--prepare", "--memory-limit", args.memory_limit,
                        "--temp-dir", str(directory)])
        summary["prepare"] = prep
        print(f"one-time summary + file index: {prep['seconds']} s wall, "
              f"{prep['cpu_seconds']} s CPU, peak RSS {prep['peak_rss_mb']} MB")
    entry = next(cache.glob("*/browse.json")).parent
    summary["cache_mb"] = round(sum(p.stat().st_size for p in entry.iterdir()) / 2**20, 1)

    lists = [time_list([*base, "--list"]) for _ in range(args.runs)]
    terminals = [time_terminal([*base]) for _ in range(args.runs)]
    summary["open_list_seconds"] = [round(x, 3) for x in lists]
    summary["open_terminal_seconds"] = [round(x, 3) for x in terminals]
    print(f"open with the summary, --list: median {statistics.median(lists):.2f} s "
          f"(of {args.runs}: {', '.join(f'{x:.2f}' for x in lists)})")
    print(f"open with the summary, first screen in a terminal: median "
          f"{statistics.median(terminals):.2f} s (of {args.runs}: "
          f"{', '.join(f'{x:.2f}' for x in terminals)})")
    print(f"cache entry: {summary['cache_mb']} MB in {entry}")
    if args.summary:
        pathlib.Path(args.summary).write_text(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
