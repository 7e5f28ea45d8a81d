#!/usr/bin/env python3
"""ab_builds.py — is this build faster than that one? Interleaved rounds against ref_walk.

    sudo python3 bench/ab_builds.py TREE NAME=BINARY [NAME=BINARY ...] [--rounds 8]
                 [--mode warm|cold] [--ref-threads 32] [--build build/release] [--seed 1]
                 [-- SCAN OPTIONS...]

On a shared machine two builds timed minutes apart do not compare: the same binary's CPU time
moved 3.4-4.7 s between warm runs of a 1.1M-entry scan here. So every round runs ref_walk
(bench/ref_walk.c, the reference compare_walkers.py uses) and each NAME's
`BINARY scan -p TREE -o OUT [SCAN OPTIONS]`, in a shuffled order (seeded), and every ratio is
taken within its round, then the median over rounds. Warm: caches dropped once (root only),
every command once untimed, then the rounds. Cold: `sync; echo 3 > /proc/sys/vm/drop_caches`
before every run (root only). Each run's entry count must equal ref_walk's: a build that loses
rows does not get a time.

Prints, per command: the median wall time (min-max), median user and system CPU, CPU use of
the cores, the per-round ratio to ref_walk and to the first NAME. Differences smaller than
the spread of those ratios are noise: add rounds. Needs only Python's standard library
(and bench/compare_walkers.py beside it).
"""
import argparse
import os
import random
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import compare_walkers as cw  # noqa: E402


def variant(text):
    name, sep, binary = text.partition("=")
    if not sep or not name or not binary:
        raise argparse.ArgumentTypeError(f"expected NAME=BINARY, got {text!r}")
    if not Path(binary).is_file():
        raise argparse.ArgumentTypeError(f"{binary}: no such file")
    return name, binary


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n", 2)[2])
    ap.add_argument("tree", type=Path)
    ap.add_argument("variants", nargs="+", type=variant, metavar="NAME=BINARY")
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--mode", choices=("warm", "cold"), default="warm")
    ap.add_argument("--ref-threads", type=int, default=32)
    ap.add_argument("--build", type=Path, default=cw.REPO / "build" / "release",
                    help="where bench/ref_walk is (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=1, help="of the order within each round")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per run")
    # Everything after "--" goes to every scan (e.g. -- -t 8 --incremental).
    scan_options = argv[argv.index("--") + 1:] if "--" in argv else []
    a = ap.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    a.scan_options = scan_options
    names = [n for n, _ in a.variants]
    if len(set(names)) != len(names) or "ref_walk" in names:
        ap.error("NAMEs must differ from each other and from ref_walk")
    if a.rounds < 1:
        ap.error("--rounds must be at least 1")
    if not a.tree.is_dir():
        ap.error(f"{a.tree}: not a directory")
    if not (a.build / "bench" / "ref_walk").is_file():
        ap.error(f"{a.build / 'bench' / 'ref_walk'} not found: build first "
                 "(scripts/build.sh release) or give --build")
    if a.mode == "cold" and not cw.can_drop_caches():
        ap.error("--mode cold needs root (it writes /proc/sys/vm/drop_caches)")
    return a


def run(a, out_dir):
    tree = str(a.tree)
    out = str(out_dir / "scan.parquet")
    ref = cw.Command("ref_walk", f"ref_walk -t {a.ref_threads}",
                     [str(a.build / "bench" / "ref_walk"), "-t", str(a.ref_threads), tree], "ref")
    cmds = [ref] + [cw.Command(name, name, [binary, "scan", "-p", tree, "-o", out,
                                            *a.scan_options], "scanner")
                    for name, binary in a.variants]
    rng = random.Random(a.seed)
    if a.mode == "warm":
        if cw.can_drop_caches():
            cw.drop_caches()
        for c in cmds:
            cw.run_once(c, out_dir, a.timeout)
    runs = {c.key: [] for c in cmds}
    for r in range(a.rounds):
        order = list(cmds)
        rng.shuffle(order)
        for c in order:
            if a.mode == "cold":
                cw.drop_caches()
            res = cw.run_once(c, out_dir, a.timeout)
            runs[c.key].append(res)
            cw.log(f"  round {r + 1}/{a.rounds} {c.label:<16} {res['wall']:8.3f} s")
        expected = runs["ref_walk"][-1]["entries"]
        for c in cmds[1:]:
            if runs[c.key][-1]["entries"] != expected:
                raise RuntimeError(f"{c.label}: {runs[c.key][-1]['entries']} entries, ref_walk "
                                   f"counted {expected} (round {r + 1})")
    return cmds, runs


def report(cmds, runs, cores):
    ref = runs["ref_walk"]
    first = runs[cmds[1].key]
    lines = [f"{'command':<16} {'wall s, median (min-max)':>26} {'user s':>7} {'sys s':>7} "
             f"{'CPU':>5} {'/ ref_walk (min-max)':>21} {'/ ' + cmds[1].label:>12}"]
    for c in cmds:
        rs = runs[c.key]
        wall = [x["wall"] for x in rs]
        cpu = statistics.median((x["user"] + x["sys"]) / x["wall"] / cores for x in rs)
        to_ref = [x["wall"] / y["wall"] for x, y in zip(rs, ref)]
        to_first = [x["wall"] / y["wall"] for x, y in zip(rs, first)]
        lines.append(
            f"{c.label:<16} {statistics.median(wall):9.3f} ({min(wall):.3f}-{max(wall):.3f})"
            f"{'':>1} {statistics.median(x['user'] for x in rs):7.2f} "
            f"{statistics.median(x['sys'] for x in rs):7.2f} {cpu:5.0%} "
            f"{statistics.median(to_ref):7.3f} ({min(to_ref):.2f}-{max(to_ref):.2f}) "
            f"{statistics.median(to_first):12.3f}")
    return "\n".join(lines)


def main(argv):
    a = parse_args(argv)
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory(prefix=".ab_builds_", dir=a.tree.parent) as tmp:
        try:
            cmds, runs = run(a, Path(tmp))
        except RuntimeError as e:  # a run failed, timed out or lost rows
            print(f"ab_builds.py: error: {e}", file=sys.stderr)
            return 1
    print(f"{a.mode} cache, {a.rounds} rounds, {cores} cores, tree {a.tree} "
          f"({runs['ref_walk'][0]['entries']:,} entries)")
    print(report(cmds, runs, cores))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
