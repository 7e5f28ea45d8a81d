#!/usr/bin/env python3
"""compare_walkers.py — storage-scanner against the kernel's limit and the usual tools.

    sudo python3 bench/compare_walkers.py TREE [--reps 5] [--modes warm,cold]
                 [--ref-threads 1,2,4,8,16,32,64] [--scanner-threads 2,8,64]
                 [--results bench/results] [--name compare_1m] [--build build/release]

Runs, side by side in one run, on the same TREE (bench/make_tree.py makes one):
  * storage-scanner scan with its default options, with --incremental (chunks and manifest
    written as it goes), and with --threads N for each N given;
  * bench/ref_walk.c (getdents64 + one statx per entry, nothing else) at each thread count:
    the reference every ratio is taken against;
  * GNU find -printf of comparable fields (path, size, times, inode, mode, ids, links,
    blocks, device, type, link target) to /dev/null; du -s; gdu -n -p -s (non-interactive).
Warm cache: the caches dropped once (as root: the dentry cache then holds this tree only, as on
a machine that scans one tree; dentries of other trees lengthen every lookup's hash chain and
slow every command alike, which shrinks the ratios), every command once untimed, then --reps
rounds. Cold cache: before every run,
`sync; echo 3 > /proc/sys/vm/drop_caches` (root only; cold is skipped otherwise). Within a
round the commands run in a shuffled order (seeded), so drift from other load on the machine
spreads over all of them; every figure is the median over the rounds, and a ratio is the
median of the per-round ratios (a scan and its reference measured minutes apart would not
compare on a shared machine). Wall time by the clock, CPU time (user + sys) from wait4's rusage
and peak RSS from GNU time's %M — what `/usr/bin/time -v` reports — so a single line can be re-run by
hand: `/usr/bin/time -v CMD` or `hyperfine --prepare 'sync; echo 3 >
/proc/sys/vm/drop_caches' CMD`. The results name the command lines.

Writes NAME.md (the machine, the commands, a table per mode, the targets of SPEC.md's
Performance section checked), NAME.json (every run) and NAME.svg (a chart of the ratios)
into --results. Needs only Python's standard library.
"""
import argparse
import datetime
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIND_FORMAT = r"%p\t%s\t%T@\t%A@\t%C@\t%i\t%m\t%U\t%G\t%n\t%b\t%D\t%y\t%l\n"
DROP_CACHES = "/proc/sys/vm/drop_caches"
TIME = "/usr/bin/time"  # GNU time (Debian package `time`)


class Command:
    def __init__(self, key, label, argv, kind, threads=None, default=False):
        self.key = key  # short unique id, e.g. "ref-8"
        self.label = label  # what the table shows
        self.argv = argv
        self.kind = kind  # "scanner", "ref", "find", "du", "gdu"
        self.threads = threads
        self.default = default

    def shell(self):
        return " ".join(a if re.fullmatch(r"[\w@%+=:,./-]+", a) else "'" + a + "'"
                        for a in self.argv)


def run_once(cmd, out_dir, timeout):
    """Runs cmd; returns wall, user, sys (s), peak RSS (KiB), and what it counted."""
    out_path = out_dir / "stdout.txt"
    err_path = out_dir / "stderr.txt"
    rss_path = out_dir / "rss.txt"
    stdout = open(out_path, "wb") if cmd.kind in ("ref", "scanner") else subprocess.DEVNULL
    with open(err_path, "wb") as stderr:
        t0 = time.perf_counter()
        # Peak RSS from GNU time, not from our own wait4: a child forked from this Python
        # process starts with its high-water mark (the kernel carries it across exec).
        proc = subprocess.Popen([TIME, "-f", "%M", "-o", str(rss_path), *cmd.argv],
                                stdout=stdout, stderr=stderr)
        deadline = t0 + timeout
        while True:
            pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid != 0:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                _, status, ru = os.wait4(proc.pid, 0)
                raise RuntimeError(f"{cmd.shell()}: still running after {timeout} s")
            time.sleep(0.002)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if stdout is not subprocess.DEVNULL:
        stdout.close()
    text = out_path.read_text(errors="replace") if cmd.kind in ("ref", "scanner") else ""
    err = err_path.read_text(errors="replace")
    if proc.returncode != 0 and not (cmd.kind == "du" and proc.returncode == 1):
        raise RuntimeError(f"{cmd.shell()}: exit {proc.returncode}\n{err[-2000:]}")
    entries = None
    if cmd.kind == "ref":
        m = re.search(r"entries (\d+)", text)
        entries = int(m.group(1)) if m else None
    elif cmd.kind == "scanner":
        m = re.search(r"scan complete: ([\d,]+) entries", err)
        entries = int(m.group(1).replace(",", "")) if m else None
        m = re.search(r"with (\d+) threads", err)
        if m:
            cmd.threads = int(m.group(1))
    for p in out_dir.glob("scan*"):
        p.unlink()
    rss_kib = int(rss_path.read_text().split()[-1])
    return {"wall": wall, "user": ru.ru_utime, "sys": ru.ru_stime, "rss_kib": rss_kib,
            "entries": entries}


def drop_caches():
    subprocess.run(["sync"], check=True)
    with open(DROP_CACHES, "w") as f:
        f.write("3\n")


def can_drop_caches():
    try:
        with open(DROP_CACHES, "w") as f:
            f.write("1\n")
        return True
    except OSError:
        return False


def machine_description(tree):
    def first(path, pattern):
        try:
            m = re.search(pattern, Path(path).read_text(), re.M)
            return m.group(1).strip() if m else "?"
        except OSError:
            return "?"

    def version(argv):
        try:
            out = subprocess.run(argv, capture_output=True, text=True, timeout=10)
            return (out.stdout or out.stderr).splitlines()[0].strip()
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "not installed"

    fs_type, device = "?", "?"
    best = ""
    for line in Path("/proc/mounts").read_text().splitlines():
        dev, mnt, typ = line.split()[:3]
        if str(tree).startswith(mnt) and len(mnt) > len(best):
            best, fs_type, device = mnt, typ, dev
    rotational = "?"
    name = os.path.basename(device)
    for cand in (name, re.sub(r"\d+$", "", name), re.sub(r"p\d+$", "", name)):
        p = Path(f"/sys/block/{cand}/queue/rotational")
        if p.exists():
            rotational = "rotational" if p.read_text().strip() == "1" else "non-rotational"
            break
    mem_kib = int(first("/proc/meminfo", r"MemTotal:\s+(\d+)") or 0)
    return {
        "cpu": first("/proc/cpuinfo", r"model name\s*:\s*(.*)"),
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "os": first("/etc/os-release", r'PRETTY_NAME="?([^"\n]*)'),
        "filesystem": f"{fs_type} on {device} ({rotational}, as the kernel reports it)",
        "find": version(["find", "--version"]),
        "du": version(["du", "--version"]),
        "gdu": version(["gdu", "--version"]),
    }


def build_commands(a, out_dir, scanner, ref):
    tree = str(a.tree)
    out = str(out_dir / "scan.parquet")
    cmds = [Command("scanner-default", "storage-scanner (default options)",
                    [scanner, "scan", "-p", tree, "-o", out], "scanner", default=True)]
    if not a.no_incremental:
        cmds.append(Command("scanner-incremental", "storage-scanner --incremental",
                            [scanner, "scan", "-p", tree, "-o", out, "--incremental"], "scanner"))
    for t in a.scanner_threads:
        cmds.append(Command(f"scanner-{t}", f"storage-scanner -t {t}",
                            [scanner, "scan", "-p", tree, "-o", out, "-t", str(t)], "scanner", t))
    for t in a.ref_threads:
        cmds.append(Command(f"ref-{t}", f"ref_walk -t {t}", [ref, "-t", str(t), tree], "ref", t))
    if not a.no_find:
        cmds.append(Command("find", "find -printf", ["find", tree, "-printf", FIND_FORMAT], "find"))
    if not a.no_du:
        cmds.append(Command("du", "du -s", ["du", "-s", tree], "du"))
    if not a.no_gdu and shutil.which("gdu"):
        cmds.append(Command("gdu", "gdu -n -p -s", ["gdu", "-n", "-p", "-s", tree], "gdu"))
    return cmds


def run_mode(mode, cmds, a, out_dir):
    rng = random.Random(f"{a.seed}:{mode}")
    runs = {c.key: [] for c in cmds}
    if mode == "warm":
        if can_drop_caches():
            drop_caches()  # only this tree's metadata in the caches (see the docstring)
        for c in cmds:  # warm-up: the tree's metadata, the binaries, the page cache
            log(f"  warm-up {c.shell()}")
            run_once(c, out_dir, a.timeout)
    for r in range(a.reps):
        order = list(cmds)
        rng.shuffle(order)
        for c in order:
            if mode == "cold":
                drop_caches()
            res = run_once(c, out_dir, a.timeout)
            res["round"] = r
            runs[c.key].append(res)
            log(f"  {mode} round {r + 1}/{a.reps} {c.label:<34} {res['wall']:8.3f} s "
                f"{res['rss_kib'] / 1024:8.1f} MiB")
    return runs


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def summarize(cmds, runs, cores):
    """Per command: medians, spread, and ratios to the reference (per round, then median)."""
    ref_keys = {c.threads: c.key for c in cmds if c.kind == "ref"}
    rows = {}
    for c in cmds:
        rs = runs[c.key]
        walls = [r["wall"] for r in rs]
        cpu = [(r["user"] + r["sys"]) / r["wall"] / cores for r in rs]
        entries = next((r["entries"] for r in rs if r["entries"] is not None), None)
        rows[c.key] = {
            "label": c.label, "kind": c.kind, "threads": c.threads, "command": c.shell(),
            "wall": statistics.median(walls), "wall_min": min(walls), "wall_max": max(walls),
            "rss_mib": statistics.median(r["rss_kib"] for r in rs) / 1024,
            "rss_mib_max": max(r["rss_kib"] for r in rs) / 1024,
            "cpu_of_cores": statistics.median(cpu),
            "user": statistics.median(r["user"] for r in rs),
            "sys": statistics.median(r["sys"] for r in rs),
            "entries": entries,
        }
    # The reference's best thread count: the lowest median wall time.
    best_t = min(ref_keys, key=lambda t: rows[ref_keys[t]]["wall"])
    best_key = ref_keys[best_t]
    for c in cmds:
        row = rows[c.key]

        def ratios(other):
            by_round = {r["round"]: r["wall"] for r in runs[other]}
            return [r["wall"] / by_round[r["round"]] for r in runs[c.key] if r["round"] in by_round]

        rb = ratios(best_key)
        row["ratio_best"] = statistics.median(rb)
        row["ratio_best_range"] = [min(rb), max(rb)]
        if c.threads in ref_keys:
            rs_ = ratios(ref_keys[c.threads])
            row["ratio_same"] = statistics.median(rs_)
            row["ratio_same_range"] = [min(rs_), max(rs_)]
    return rows, best_t


def fmt_ratio(row, key):
    if key not in row:
        return "–"
    lo, hi = row[key + "_range"]
    return f"{row[key]:.2f} ({lo:.2f}–{hi:.2f})"


def table(rows, best_t, entries):
    lines = [
        f"| command | threads | wall s, median (min–max) | ratio to ref_walk, same threads "
        f"| ratio to ref_walk -t {best_t} (its best) | entries/s | peak RSS MiB | CPU, % of cores |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, r in rows.items():
        rate = f"{entries / r['wall']:,.0f}" if entries else "–"
        lines.append(
            f"| {r['label']} | {r['threads'] or '–'} | {r['wall']:.2f} ({r['wall_min']:.2f}–"
            f"{r['wall_max']:.2f}) | {fmt_ratio(r, 'ratio_same')} | {fmt_ratio(r, 'ratio_best')} "
            f"| {rate} | {r['rss_mib']:.1f} | {100 * r['cpu_of_cores']:.0f}% |")
    return "\n".join(lines)


def check_targets(results, cores):
    """The targets of SPEC.md's Performance section / issue 5, where this run measures them."""
    out = []

    def add(name, value, ok):
        out.append({"target": name, "measured": value, "pass": ok})

    for mode, res in results.items():
        rows = res["rows"]
        d = rows["scanner-default"]
        if mode == "warm" and "ratio_same" in d:
            add(f"warm: default options ≤ 1.3x ref_walk at the same threads ({d['threads']})",
                f"{d['ratio_same']:.2f}x", d["ratio_same"] <= 1.3)
        inc = rows.get("scanner-incremental")
        if mode == "warm" and inc and "ratio_same" in inc:
            add(f"warm: --incremental ≤ 1.3x ref_walk at the same threads ({inc['threads']})",
                f"{inc['ratio_same']:.2f}x", inc["ratio_same"] <= 1.3)
        if mode == "cold":
            add(f"cold: default options ≤ 1.15x ref_walk at its best (-t {res['best_threads']})",
                f"{d['ratio_best']:.2f}x", d["ratio_best"] <= 1.15)
            if inc:
                add(f"cold: --incremental ≤ 1.15x ref_walk at its best (-t {res['best_threads']})",
                    f"{inc['ratio_best']:.2f}x", inc["ratio_best"] <= 1.15)
        for other in ("find", "du", "gdu"):
            if other in rows:
                add(f"{mode}: faster than {rows[other]['label']}",
                    f"{d['wall']:.2f} s vs {rows[other]['wall']:.2f} s",
                    d["wall"] < rows[other]["wall"])
        if mode == "warm":
            add("peak RSS < 100 MB at default options (warm run)",
                f"{d['rss_mib_max'] * 1.048576:.1f} MB", d["rss_mib_max"] * 1.048576 < 100)
            for key, r in rows.items():
                if r["kind"] == "scanner" and (r["threads"] or 0) >= cores:
                    add(f"warm: CPU ≥ 80% of {cores} cores, {r['label']} ({r['threads']} threads)",
                        f"{100 * r['cpu_of_cores']:.0f}%", r["cpu_of_cores"] >= 0.8)
    return out


def svg_chart(results, title):
    """Horizontal bars: median wall time / the reference's best, one panel per mode."""
    modes = list(results)
    bar_h, gap, left, width = 18, 6, 250, 420
    n = max(len(r["rows"]) for r in results.values())
    panel_h = 40 + n * (bar_h + gap)
    h = 50 + panel_h * len(modes)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 150}" '
             f'height="{h}" font-family="sans-serif" font-size="12">',
             '<rect width="100%" height="100%" fill="white"/>',
             f'<text x="10" y="22" font-size="15" font-weight="bold">{esc(title)}</text>']
    colors = {"scanner": "#1f77b4", "ref": "#7f7f7f", "find": "#d62728", "du": "#ff7f0e",
              "gdu": "#2ca02c"}
    y0 = 45
    for mode in modes:
        rows = results[mode]["rows"]
        vmax = max(r["ratio_best"] for r in rows.values())
        scale = width / max(vmax, 1.0)
        parts.append(f'<text x="10" y="{y0 + 14}" font-weight="bold">{esc(mode)} cache: wall '
                     f'time / ref_walk -t {results[mode]["best_threads"]} (lower is better)</text>')
        y = y0 + 26
        for r in sorted(rows.values(), key=lambda r: r["ratio_best"]):
            w = max(1.0, r["ratio_best"] * scale)
            parts.append(f'<text x="{left - 6}" y="{y + 13}" text-anchor="end">'
                         f'{esc(r["label"])}</text>')
            parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                         f'fill="{colors.get(r["kind"], "#999")}"/>')
            parts.append(f'<text x="{left + w + 4:.1f}" y="{y + 13}">{r["ratio_best"]:.2f}x '
                         f'({r["wall"]:.2f} s)</text>')
            y += bar_h + gap
        x1 = left + scale
        parts.append(f'<line x1="{x1:.1f}" y1="{y0 + 22}" x2="{x1:.1f}" y2="{y}" '
                     'stroke="black" stroke-dasharray="3,3"/>')
        y0 += panel_h
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def esc(s):
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markdown(a, machine, cmds, results, targets, started, finished, load):
    lines = [f"# {a.name}: storage-scanner against ref_walk, find, du and gdu", "",
             f"Produced by `bench/compare_walkers.py {' '.join(sys.argv[1:])}` "
             f"from {started} to {finished} (UTC).", "",
             "## Machine", ""]
    for k, v in machine.items():
        lines.append(f"- {k}: {v}")
    lines.append(f"- load average (1 min) at the start and the end: {load[0]} / {load[1]} "
                 "(other work shared the machine; ratios are per round, then the median)")
    lines += ["", "## Tree", "", f"`{a.tree}`: {results_entries(results):,} entries "
              "(the scanner's rows and ref_walk's count agree: checked every run).", ""]
    for mode, res in results.items():
        lines += [f"## {mode.capitalize()} cache ({a.reps} rounds)", "",
                  table(res["rows"], res["best_threads"], results_entries(results)), ""]
    lines += ["## Targets", "", "| target | measured | |", "|---|---|---|"]
    for t in targets:
        lines.append(f"| {t['target']} | {t['measured']} | {'pass' if t['pass'] else 'MISS'} |")
    lines += ["", "## Commands", "", "```"]
    lines += [c.shell() for c in cmds]
    lines += ["```", "", "Warm rounds follow one `sync; echo 3 > /proc/sys/vm/drop_caches` and one untimed run of "
              "every command (only this tree's metadata cached); cold runs are each preceded by "
              "`sync; echo 3 > /proc/sys/vm/drop_caches`. "
              "Each scanner run writes its Parquet file beside the tree (removed after the run).",
              ""]
    return "\n".join(lines)


def results_entries(results):
    for res in results.values():
        for r in res["rows"].values():
            if r["entries"]:
                return r["entries"]
    return 0


def int_list(s):
    return [int(x) for x in s.split(",") if x]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tree", type=Path)
    ap.add_argument("--build", type=Path,
                    default=Path(os.environ.get("SSCAN_BUILD_DIR", REPO / "build" / "release")))
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--modes", default="warm,cold")
    ap.add_argument("--ref-threads", type=int_list, default=[1, 2, 4, 8, 16, 32, 64])
    ap.add_argument("--scanner-threads", type=int_list, default=[2, 8, 64])
    ap.add_argument("--no-incremental", action="store_true")
    ap.add_argument("--no-find", action="store_true")
    ap.add_argument("--no-du", action="store_true")
    ap.add_argument("--no-gdu", action="store_true")
    ap.add_argument("--results", type=Path, default=REPO / "bench" / "results")
    ap.add_argument("--name", default="compare")
    ap.add_argument("--seed", type=int, default=1, help="of the order within each round")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per run")
    a = ap.parse_args()
    a.tree = a.tree.resolve()
    if not a.tree.is_dir():
        ap.error(f"{a.tree} is not a directory (bench/make_tree.py makes one)")
    scanner = str(a.build / "storage-scanner")
    ref = str(a.build / "bench" / "ref_walk")
    for exe in (scanner, ref):
        if not os.access(exe, os.X_OK):
            ap.error(f"{exe} not found: build first (scripts/build.sh release)")
    modes = [m for m in a.modes.split(",") if m]
    if "cold" in modes and not can_drop_caches():
        log("compare_walkers: cannot write /proc/sys/vm/drop_caches (not root?): no cold runs")
        modes.remove("cold")
    cores = os.cpu_count() or 1

    started = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M")
    load = [f"{os.getloadavg()[0]:.1f}"]
    out_dir = Path(tempfile.mkdtemp(prefix=".compare_walkers_", dir=a.tree.parent))
    try:
        cmds = build_commands(a, out_dir, scanner, ref)
        # The default thread count must have a reference at the same count: learn it first.
        run_once(cmds[0], out_dir, a.timeout)
        default_threads = cmds[0].threads
        if default_threads not in a.ref_threads:
            a.ref_threads = sorted(a.ref_threads + [default_threads])
            cmds = build_commands(a, out_dir, scanner, ref)
        for c in cmds:
            if c.kind == "scanner" and c.threads is None:
                c.threads = default_threads
        results = {}
        all_runs = {}
        for mode in modes:
            log(f"compare_walkers: {mode} cache, {a.reps} rounds of {len(cmds)} commands")
            runs = run_mode(mode, cmds, a, out_dir)
            counts = {r["entries"] for c in cmds if c.kind in ("ref", "scanner")
                      for r in runs[c.key]}
            if len(counts) != 1:
                raise RuntimeError(f"scanner rows and ref_walk entries differ: {sorted(counts)}")
            rows, best_t = summarize(cmds, runs, cores)
            results[mode] = {"rows": rows, "best_threads": best_t}
            all_runs[mode] = runs
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    finished = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M")
    load.append(f"{os.getloadavg()[0]:.1f}")

    machine = machine_description(a.tree)
    targets = check_targets(results, cores)
    a.results.mkdir(parents=True, exist_ok=True)
    md = markdown(a, machine, cmds, results, targets, started, finished, load)
    (a.results / f"{a.name}.md").write_text(md)
    (a.results / f"{a.name}.svg").write_text(
        svg_chart(results, f"{a.name}: {results_entries(results):,} entries, {cores} cores"))
    (a.results / f"{a.name}.json").write_text(json.dumps(
        {"machine": machine, "argv": sys.argv[1:], "started": started, "finished": finished,
         "load": load, "commands": {c.key: c.shell() for c in cmds}, "results": results,
         "runs": all_runs, "targets": targets}, indent=1) + "\n")
    print(md)
    log(f"compare_walkers: wrote {a.results}/{a.name}.md, .json, .svg")


if __name__ == "__main__":
    main()
