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

--scale K (e.g. 10 for 10^8 rows from a 10^7-row run) then times opening a summary K times
as large without computing one from 10^8 rows (hours on a small machine): the cache entry of
step 2 is replicated K times under ROOT/r0 ... ROOT/r<K-1> (dirs.parquet and files.parquet,
sorted and cut into row groups exactly as the real ones), registered in the cache for a
one-row stand-in snapshot (opening never reads rows, only each data file's footer for the
fingerprint), and opened as in step 3. dir_owners.parquet, read only by the details box, is
left out.
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
import tempfile
import time

import duckdb
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
    socket_dir = tempfile.mkdtemp(prefix="sscan-bench-tmux-")
    tmux = ["tmux", "-S", os.path.join(socket_dir, "sock")]
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
        shutil.rmtree(socket_dir, ignore_errors=True)


def scaled_entry(directory: pathlib.Path, snap: pathlib.Path, entry: pathlib.Path,
                 k: int, memory_limit: str) -> pathlib.Path:
    """A stand-in snapshot whose cache entry is `entry`'s summary and file index K times."""
    sys.path.insert(0, str(REPO / "scripts"))
    from scan_analysis.history_import import fingerprint
    stand_in = directory / f"scaled_{k}x.parquet"
    cache = directory / f"cache_{k}x"
    meta = json.loads((entry / "browse.json").read_text())
    root = meta["roots"][0]
    con = duckdb.connect(config={"memory_limit": memory_limit, "temp_directory": str(directory),
                                 "preserve_insertion_order": False})
    if not stand_in.exists():
        con.execute(f"COPY (SELECT * FROM '{snap}' LIMIT 1) TO '{stand_in}' (FORMAT parquet)")
    target = cache / fingerprint([str(stand_in)])[:32]
    if (target / "browse.json").exists():
        return stand_in
    target.mkdir(parents=True, exist_ok=True)
    n = len(root)

    def moved(column: str) -> str:  # ROOT/x -> ROOT/rK/x
        return f"'{root}/r' || k || substr({column}, {n + 1})"

    start = time.monotonic()
    con.execute(f"""COPY (
        SELECT * EXCLUDE (k) REPLACE (
            {moved('path')} AS path,
            CASE WHEN depth = 0 THEN '{root}' ELSE {moved('parent_path')} END AS parent_path,
            CASE WHEN depth = 0 THEN 'r' || k ELSE name END AS name,
            (depth + 1)::UINTEGER AS depth)
        FROM '{entry / "dirs.parquet"}', range({k}) t(k)
        UNION ALL
        SELECT * REPLACE ('{root}' AS path, '{os.path.dirname(root)}' AS parent_path,
                          '{os.path.basename(root)}' AS name, 0::UINTEGER AS depth,
                          entries * {k} AS entries, files * {k} AS files,
                          subdirs * {k} + {k} AS subdirs, apparent * {k} AS apparent,
                          allocated * {k} AS allocated, {k} AS child_dirs,
                          0 AS direct_entries, 0 AS direct_files, 0 AS direct_apparent,
                          0 AS direct_allocated)
        FROM '{entry / "dirs.parquet"}' WHERE depth = 0
        ORDER BY parent_path, name) TO '{target / "dirs.parquet"}'
        (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 100000)""")
    con.execute(f"""COPY (
        SELECT * EXCLUDE (k) REPLACE ({moved('parent_path')} AS parent_path)
        FROM '{entry / "files.parquet"}', range({k}) t(k)
        ORDER BY parent_path, name) TO '{target / "files.parquet"}'
        (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 20000)""")
    rows = con.execute(f"SELECT count(*) FROM '{target / 'files.parquet'}'").fetchone()[0] + \
        con.execute(f"SELECT count(*) FROM '{target / 'dirs.parquet'}'").fetchone()[0]
    meta.update({"files": [str(stand_in)], "rows": rows, "roots": [root],
                 "fingerprint": fingerprint([str(stand_in)])})
    (target / "browse.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"built a {k}x summary ({rows:,} rows) in {time.monotonic() - start:.0f} s",
          file=sys.stderr)
    return stand_in


def time_open(base: list[str], runs: int, label: str, summary: dict) -> None:
    lists = [time_list([*base, "--list"]) for _ in range(runs)]
    terminals = [time_terminal([*base]) for _ in range(runs)]
    summary[f"{label}_list_seconds"] = [round(x, 3) for x in lists]
    summary[f"{label}_terminal_seconds"] = [round(x, 3) for x in terminals]
    print(f"{label}: open with the summary, --list: median {statistics.median(lists):.2f} s "
          f"(of {runs}: {', '.join(f'{x:.2f}' for x in lists)})")
    print(f"{label}: open with the summary, first screen in a terminal: median "
          f"{statistics.median(terminals):.2f} s (of {runs}: "
          f"{', '.join(f'{x:.2f}' for x in terminals)})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--dir", default="/tmp/sscan-browse-bench",
                    help="snapshots, the browse cache and DuckDB's spill files")
    ap.add_argument("--runs", type=int, default=5, help="start-ups to time (median reported)")
    ap.add_argument("--memory-limit", default="2GB", help="for the one-time computation")
    ap.add_argument("--summary", help="write the figures as JSON to this file")
    ap.add_argument("--scale", type=int, default=1,
                    help="also time opening a summary this many times as large (see above)")
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

    time_open(base, args.runs, f"{args.rows:,} rows", summary)
    print(f"cache entry: {summary['cache_mb']} MB in {entry}")
    if args.scale > 1:
        stand_in = scaled_entry(directory, snap, entry, args.scale, args.memory_limit)
        base = [sys.executable, str(BROWSE), str(stand_in), "--cache-dir",
                str(directory / f"cache_{args.scale}x")]
        time_open(base, args.runs, f"{args.scale}x the summary", summary)
    if args.summary:
        pathlib.Path(args.summary).write_text(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
