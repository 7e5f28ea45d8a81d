#!/usr/bin/env python3
"""memory_scaling.py — storage-scanner's peak memory as the tree grows.

    python3 bench/memory_scaling.py [--reps 3] [--results bench/results] [--name memory]
                                    [--build build/release] [--] [-t N ...] BASE=TREE [TREE ...]

Scans each TREE with the default options (plus any scanner options given before the trees,
e.g. `-t 64`) --reps times under GNU time, and reports per tree: rows, peak RSS (median and
max over the runs), wall time, and the peak RSS relative to the first tree (the base). The
first tree is the base: `t1m=/trees/t1m t10m=/trees/t10m` gives the ratio the Performance
section's target is about (10x the files may not cost 1.5x the memory). Writes NAME.md and
NAME.json into --results. Needs only Python's standard library and /usr/bin/time.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def scan(scanner, tree, options, out_dir):
    out = out_dir / "scan.parquet"
    rss_file = out_dir / "rss.txt"
    argv = ["/usr/bin/time", "-f", "%M", "-o", str(rss_file), scanner, "scan", "-p", tree,
            "-o", str(out), *options]
    t0 = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: exit {done.returncode}\n{done.stderr[-2000:]}")
    m = re.search(r"scan complete: ([\d,]+) entries", done.stderr)
    threads = re.search(r"with (\d+) threads", done.stderr)
    for p in out_dir.iterdir():
        if p.name.startswith("scan"):
            p.unlink()
    return {"rss_kib": int(rss_file.read_text().split()[-1]), "wall": wall,
            "rows": int(m.group(1).replace(",", "")), "threads": int(threads.group(1))}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", type=Path,
                    default=Path(os.environ.get("SSCAN_BUILD_DIR", REPO / "build" / "release")))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--results", type=Path, default=REPO / "bench" / "results")
    ap.add_argument("--name", default="memory")
    ap.add_argument("args", nargs="+", help="[scanner options] NAME=TREE ...")
    a = ap.parse_args()
    trees = [x for x in a.args if "=" in x and not x.startswith("-")]
    options = [x for x in a.args if x not in trees]
    if not trees:
        ap.error("give at least one NAME=TREE")
    scanner = str(a.build / "storage-scanner")
    rows = []
    with tempfile.TemporaryDirectory(prefix=".memory_scaling_",
                                     dir=Path(trees[0].split("=", 1)[1]).resolve().parent) as tmp:
        for spec in trees:
            name, tree = spec.split("=", 1)
            runs = [scan(scanner, tree, options, Path(tmp)) for _ in range(a.reps)]
            for r in runs:
                print(f"{name}: {r['rows']:,} rows, {r['rss_kib'] / 1024:.1f} MiB, "
                      f"{r['wall']:.1f} s", file=sys.stderr, flush=True)
            rss = [r["rss_kib"] for r in runs]
            rows.append({"name": name, "tree": str(Path(tree).resolve()), "rows": runs[0]["rows"],
                         "threads": runs[0]["threads"],
                         "rss_mb_median": statistics.median(rss) * 1024 / 1e6,
                         "rss_mb_max": max(rss) * 1024 / 1e6,
                         "wall_median": statistics.median(r["wall"] for r in runs), "runs": runs})
    base = rows[0]
    cmd = f"storage-scanner scan -p TREE -o OUT {' '.join(options)}".strip()
    lines = [f"# {a.name}: peak memory of `{cmd}`", "",
             f"Produced by `bench/memory_scaling.py {' '.join(sys.argv[1:])}` "
             f"({a.reps} runs per tree; MB = 10^6 bytes, GNU time's maximum resident set).", "",
             "| tree | rows | threads | peak RSS MB, median (max) | x rows of the base "
             "| x peak RSS of the base | wall s |", "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['name']} | {r['rows']:,} | {r['threads']} | {r['rss_mb_median']:.1f} "
                     f"({r['rss_mb_max']:.1f}) | {r['rows'] / base['rows']:.1f} | "
                     f"{r['rss_mb_max'] / base['rss_mb_max']:.2f} | {r['wall_median']:.1f} |")
    md = "\n".join(lines) + "\n"
    a.results.mkdir(parents=True, exist_ok=True)
    (a.results / f"{a.name}.md").write_text(md)
    (a.results / f"{a.name}.json").write_text(json.dumps(
        {"argv": sys.argv[1:], "options": options, "trees": rows}, indent=1) + "\n")
    print(md)


if __name__ == "__main__":
    main()
