#!/usr/bin/env python3
"""make_tree.py — a deterministic, realistic directory tree for whole-process benchmarks.

    python3 bench/make_tree.py DEST [--files N] [--seed S] [--copies K] [--jobs J]
                               [--no-sizes] [--no-times] [--plan-only]

Creates DEST (which must not exist) holding N non-directory entries (default 1,000,000) in a
tree shaped like a research filesystem, and prints what it made, one `key: value` per line
(entries counts every row a scanner writes: the root, directories, files and links).

The same --files and --seed give the same tree — names, kinds, sizes, times, link targets
and which entries share an inode — wherever it is built and whatever --jobs is (inode
numbers aside). The shape:

  * skewed top levels: 20 top-level directories whose shares follow a Zipf law (the first
    holds about two fifths of the files, the last a fraction of a percent);
  * below them a random tree up to depth 10 (the root is depth 0): each directory keeps some
    files and splits the rest over 1 to thousands of subdirectories with Pareto weights, so
    most directories are small and a few are large; about one directory per 13 files;
  * a few huge directories (6%, 3% and 1.5% of the files: 60,000, 30,000 and 15,000 entries
    at 1M), one directory of 1% as many subdirectories (10,000 at 1M, a fan-out that tests
    the walker's frontier) and a chain reaching depth 10;
  * 1% of the entries are hard links to a file elsewhere in the tree, 1% symbolic links
    (to files, to directories, and a few dangling), all with relative targets;
  * sizes from a log-normal law (median 8 KiB, tail to tens of GiB) made with ftruncate, so
    they are sparse and cost no disk space; modification times clustered per directory over
    five years.

--copies K builds the tree once in DEST/copy_000 and K-1 more copies beside it whose
directories are real (new inodes) and whose every other entry is a hard link to the entry of
the first copy: K times the rows, names and directories for the disk inodes of one copy.
A scanner lists and stats each of those entries like any other (the benchmark of its memory
at 10x the rows uses it); only the inode numbers repeat.

Speed: about 1M files a minute on two cores (--jobs defaults to the core count; the top-level
subtrees are built in parallel, links in a last pass).
"""
import argparse
import math
import os
import random
import stat
import sys
import time
from concurrent.futures import ProcessPoolExecutor

MAX_DEPTH = 10  # deepest entry, the root being depth 0
TOP_LEVEL = 20
HARDLINK_PER_MILLE = 10
SYMLINK_PER_MILLE = 10
EPOCH = 1_600_000_000  # 2020-09-13: times spread over five years from here
FIVE_YEARS = 5 * 365 * 86400

TOP_NAMES = ["projects", "home", "scratch", "datasets", "software", "archive", "shared",
             "users", "labs", "results", "raw", "containers", "references", "simulations",
             "imaging", "genomics", "climate", "teaching", "backups", "tmp"]
STEMS = ["run", "sample", "frame", "chunk", "part", "output", "result", "data", "img",
         "slice", "step", "checkpoint", "read", "record", "file", "snapshot", "batch", "log",
         "model", "trace", "event", "tile", "scan", "seq", "cell", "subject", "session"]
# (extension, weight): what research filesystems hold most of.
EXTENSIONS = [("h5", 8), ("nc", 6), ("txt", 10), ("py", 6), ("csv", 8), ("json", 6),
              ("png", 8), ("jpg", 6), ("log", 8), ("dat", 6), ("gz", 6), ("bam", 3),
              ("fastq", 3), ("out", 4), ("err", 3), ("npy", 4), ("tif", 4), ("c", 2),
              ("h", 2), ("md", 2), ("", 4)]
DIR_WORDS = ["sub", "exp", "run", "batch", "sample", "patient", "v", "year", "config",
             "src", "lib", "data", "results", "figures", "cache", "build", "job", "node"]

_EXT_TABLE = [e for e, w in EXTENSIONS for _ in range(w)]
MASK64 = (1 << 64) - 1


def mix(*values):
    """splitmix64 over the values: a cheap, deterministic hash (Python's hash() is salted)."""
    h = 0x9E3779B97F4A7C15
    for v in values:
        h = (h ^ (v & MASK64)) * 0xBF58476D1CE4E5B9 & MASK64
        h = (h ^ (h >> 31)) * 0x94D049BB133111EB & MASK64
        h ^= h >> 29
    return h


class Dir:
    __slots__ = ("id", "path", "depth", "files", "children")

    def __init__(self, did, path, depth, files):
        self.id = did
        self.path = path  # relative to the tree's root, '' for the root
        self.depth = depth
        self.files = files  # non-directory entries (regular files, hard links, symlinks)
        self.children = []


# --- the plan: the whole tree as directories with entry counts, no names of files yet --------
class Planner:
    def __init__(self, files, seed):
        self.rng = random.Random(f"make_tree:{seed}")
        self.seed = seed
        self.dirs = []
        self.total = files

    def new_dir(self, parent, name, files):
        path = name if parent is None or parent.path == "" else f"{parent.path}/{name}"
        d = Dir(len(self.dirs), "" if parent is None else path,
                0 if parent is None else parent.depth + 1, files)
        self.dirs.append(d)
        if parent is not None:
            parent.children.append(d)
        return d

    def dir_name(self, parent, i):
        h = mix(self.seed, parent.id, i, 7)
        word = DIR_WORDS[h % len(DIR_WORDS)]
        style = (h >> 8) % 4
        if style == 0:
            return f"{word}{i:03d}"
        if style == 1:
            return f"{word}_{i}"
        if style == 2:
            return f"{word}-d{i}"
        return f"{word}.{i}"

    def split(self, total, parts):
        """`total` over `parts` with Pareto weights: most small, a few large."""
        w = [self.rng.paretovariate(1.1) for _ in range(parts)]
        s = sum(w)
        out = [int(total * x / s) for x in w]
        for i in range(total - sum(out)):
            out[i % parts] += 1
        return out

    def grow(self, d, budget):
        """Fills directory d (already made) with `budget` entries below it."""
        if d.depth >= MAX_DEPTH - 1 or budget <= 12:
            d.files += budget
            return
        r = self.rng.random()
        keep = int(budget * (r * r * 0.5)) if budget > 40 else budget // 2
        rest = budget - keep
        d.files += keep
        # Fan-out: log-uniform from 1 to a few thousand, never more than one per 4 entries.
        most = max(1, min(rest // 4, 3000))
        k = max(1, int(math.exp(self.rng.uniform(0, math.log(most + 1)))))
        for i, share in enumerate(self.split(rest, k)):
            c = self.new_dir(d, self.dir_name(d, i), 0)
            if share > 0:
                self.grow(c, share)

    def plan(self):
        root = self.new_dir(None, "", 0)
        n = self.total
        huge = [int(n * 0.06), int(n * 0.03), int(n * 0.015)]
        wide = int(n * 0.01)  # subdirectories of the wide directory
        wide_files = 3 * wide  # 0 to 6 files in each
        chain_files = min(n, 100)
        general = max(0, n - sum(huge) - wide_files - chain_files)
        weights = [1 / (i + 1) ** 1.3 for i in range(TOP_LEVEL)]
        s = sum(weights)
        shares = [int(general * w / s) for w in weights]
        shares[0] += general - sum(shares)
        tops = [self.new_dir(root, TOP_NAMES[i], 0) for i in range(TOP_LEVEL)]
        for top, share in zip(tops, shares):
            self.grow(top, share)
        # The special directories, inside the big top levels where they would be.
        home = self.new_dir(tops[0], "bulk", 0)
        for i, count in enumerate(huge):
            self.new_dir(home, f"flat{i}", count)
        if wide > 0:
            w = self.new_dir(tops[1], "per_sample", 0)
            per = [mix(self.seed, 99, i) % 7 for i in range(wide)]
            per[0] = max(0, wide_files - sum(per[1:]))  # the total, give or take
            for i in range(wide):
                self.new_dir(w, f"S{i:06d}", per[i])
        d = tops[2]
        for level in range(d.depth + 1, MAX_DEPTH):
            d = self.new_dir(d, f"deep{level}", 0)
        d.files += chain_files
        return root


# --- entries of one directory: decided by hashing (directory id, slot) -----------------------
def kind_of(seed, did, slot):
    h = mix(seed, did, slot, 1) % 1000
    if h < HARDLINK_PER_MILLE:
        return "hardlink"
    if h < HARDLINK_PER_MILLE + SYMLINK_PER_MILLE:
        return "symlink"
    return "file"


def file_name(seed, did, slot):
    h = mix(seed, did, slot, 2)
    stem = STEMS[h % len(STEMS)]
    ext = _EXT_TABLE[(h >> 8) % len(_EXT_TABLE)]
    hidden = "." if (h >> 20) % 97 == 0 else ""
    style = (h >> 28) % 3
    if style == 0:
        base = f"{hidden}{stem}_{slot:05d}"
    elif style == 1:
        base = f"{hidden}{stem}{slot}_{(h >> 40) % 10000:04d}"
    else:
        base = f"{hidden}{stem}-{slot}"
    return f"{base}.{ext}" if ext else base


def file_size(seed, did, slot):
    # log-normal: median 8 KiB, sigma 2.5 (e^2.5 ~ 12x per sigma), capped at 64 GiB
    rng = random.Random(mix(seed, did, slot, 3))
    return min(int(rng.lognormvariate(math.log(8192), 2.5)), 64 << 30)


def dir_mtime(seed, did):
    return EPOCH + mix(seed, did, 4) % FIVE_YEARS


def file_mtime(seed, did, slot):
    # clustered: within a month of the directory's own time
    return dir_mtime(seed, did) + mix(seed, did, slot, 5) % (30 * 86400)


# --- building -----------------------------------------------------------------------------------
def build_subtree(args):
    """Creates directory `d` (under its parent, already made) and everything below it but the
    links. Runs in a worker process."""
    root, d, seed, sizes, times = args
    made = 0
    parent_fd = os.open(os.path.join(root, os.path.dirname(d.path)) if d.path else root,
                        os.O_RDONLY | os.O_DIRECTORY)
    try:
        made = _build(parent_fd, os.path.basename(d.path), d, seed, sizes, times)
    finally:
        os.close(parent_fd)
    return made


def _build(parent_fd, name, d, seed, sizes, times):
    if name:
        os.mkdir(name, 0o755, dir_fd=parent_fd)
        fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=parent_fd)
    else:
        fd = os.dup(parent_fd)
    made = 0
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    try:
        for slot in range(d.files):
            if kind_of(seed, d.id, slot) != "file":
                continue
            f = os.open(file_name(seed, d.id, slot), flags, 0o644, dir_fd=fd)
            try:
                if sizes:
                    os.ftruncate(f, file_size(seed, d.id, slot))
                if times:
                    t = file_mtime(seed, d.id, slot)
                    os.utime(f, (t, t))
            finally:
                os.close(f)
            made += 1
        for c in d.children:
            made += _build(fd, os.path.basename(c.path), c, seed, sizes, times)
    finally:
        os.close(fd)
    return made


def link_targets(seed, d, slot, with_files):
    """A hard link's or symlink's target: a regular file of another directory (its relative
    path from the tree's root), picked by hashing."""
    h = mix(seed, d.id, slot, 6)
    t = with_files[h % len(with_files)]
    j = (h >> 20) % t.files
    for _ in range(t.files):
        if kind_of(seed, t.id, j) == "file":
            name = file_name(seed, t.id, j)
            return f"{t.path}/{name}" if t.path else name
        j = (j + 1) % t.files
    return None


def make_links(root, dirs, seed, times):
    with_files = [d for d in dirs if d.files > 0 and any(
        kind_of(seed, d.id, j) == "file" for j in range(min(d.files, 50)))]
    hard = sym = 0
    all_dirs = [d for d in dirs if d.path]
    for d in dirs:
        fd = None
        for slot in range(d.files):
            kind = kind_of(seed, d.id, slot)
            if kind == "file":
                continue
            if fd is None:
                fd = os.open(os.path.join(root, d.path), os.O_RDONLY | os.O_DIRECTORY)
            name = file_name(seed, d.id, slot)
            h = mix(seed, d.id, slot, 8)
            if kind == "hardlink":
                target = link_targets(seed, d, slot, with_files)
                os.link(target, name, src_dir_fd=root_fd(root), dst_dir_fd=fd)
                hard += 1
                continue
            # symlinks: 70% to a file, 20% to a directory, 10% dangling; relative targets
            choice = h % 10
            if choice < 7:
                target = link_targets(seed, d, slot, with_files)
            elif choice < 9:
                target = all_dirs[(h >> 8) % len(all_dirs)].path
            else:
                target = f"missing/{name}"
            rel = os.path.relpath(target, d.path or ".") if choice != 9 else target
            os.symlink(rel, name, dir_fd=fd)
            if times:
                t = file_mtime(seed, d.id, slot)
                os.utime(name, (t, t), dir_fd=fd, follow_symlinks=False)
            sym += 1
        if fd is not None:
            os.close(fd)
    return hard, sym


_ROOT_FDS = {}


def root_fd(root):
    if root not in _ROOT_FDS:
        _ROOT_FDS[root] = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    return _ROOT_FDS[root]


def copy_with_links(src, dst):
    """dst mirrors src: new directories, every other entry a hard link to src's."""
    src_fd = os.open(src, os.O_RDONLY | os.O_DIRECTORY)
    os.mkdir(dst, 0o755)
    dst_fd = os.open(dst, os.O_RDONLY | os.O_DIRECTORY)
    count = 0
    try:
        count = _copy(src_fd, dst_fd)
    finally:
        os.close(src_fd)
        os.close(dst_fd)
    return count


def _copy(src_fd, dst_fd):
    count = 0
    with os.scandir(src_fd) as it:
        entries = sorted(it, key=lambda e: e.name)
    for e in entries:
        if e.is_dir(follow_symlinks=False):
            os.mkdir(e.name, 0o755, dir_fd=dst_fd)
            s = os.open(e.name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=src_fd)
            t = os.open(e.name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=dst_fd)
            try:
                count += 1 + _copy(s, t)
            finally:
                os.close(s)
                os.close(t)
        else:
            # linkat without AT_SYMLINK_FOLLOW links a symlink itself, as cp -al does
            os.link(e.name, e.name, src_dir_fd=src_fd, dst_dir_fd=dst_fd, follow_symlinks=False)
            count += 1
    return count


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dest")
    ap.add_argument("--files", type=int, default=1_000_000,
                    help="non-directory entries per copy (default 1,000,000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--copies", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--no-sizes", action="store_true", help="leave every file empty")
    ap.add_argument("--no-times", action="store_true", help="leave modification times at now")
    ap.add_argument("--plan-only", action="store_true", help="print the counts, create nothing")
    a = ap.parse_args()
    if a.files < 1 or a.copies < 1:
        ap.error("--files and --copies must be at least 1")

    t0 = time.monotonic()
    planner = Planner(a.files, a.seed)
    root = planner.plan()
    dirs = planner.dirs
    kinds = {"file": 0, "hardlink": 0, "symlink": 0}
    for d in dirs:
        for slot in range(d.files):
            kinds[kind_of(a.seed, d.id, slot)] += 1
    depth = max(d.depth + (1 if d.files else 0) for d in dirs)
    per_copy = 1 + (len(dirs) - 1) + sum(kinds.values())  # root + directories + the rest
    biggest = max(d.files + len(d.children) for d in dirs)

    if not a.plan_only:
        if os.path.lexists(a.dest):
            sys.exit(f"make_tree: {a.dest} exists; give a new path")
        base = os.path.join(a.dest, "copy_000") if a.copies > 1 else a.dest
        os.makedirs(base)
        jobs = [(base, top, a.seed, not a.no_sizes, not a.no_times) for top in root.children]
        # Largest subtrees first, so the pool ends together.
        jobs.sort(key=lambda j: -subtree_entries(j[1]))
        if a.jobs > 1:
            with ProcessPoolExecutor(max_workers=a.jobs) as pool:
                made = sum(pool.map(build_subtree, jobs))
        else:
            made = sum(map(build_subtree, jobs))
        assert made == kinds["file"], (made, kinds)
        make_links(base, dirs, a.seed, not a.no_times)
        if not a.no_times:
            # Last, as every entry made in a directory moves its time.
            for d in dirs:
                t = dir_mtime(a.seed, d.id)
                os.utime(os.path.join(base, d.path), (t, t), follow_symlinks=False)
        for i in range(1, a.copies):
            copy_with_links(base, os.path.join(a.dest, f"copy_{i:03d}"))

    # With copies, DEST holds copy_000 ... as directories of their own, one level deeper.
    if a.copies == 1:
        directories, entries = len(dirs) - 1, per_copy
    else:
        directories, entries = len(dirs) * a.copies, 1 + per_copy * a.copies
        depth += 1
    print(f"files: {kinds['file'] * a.copies}")
    print(f"hardlinks: {kinds['hardlink'] * a.copies}")
    print(f"symlinks: {kinds['symlink'] * a.copies}")
    print(f"directories: {directories}")
    print(f"entries: {entries}")
    print(f"max_depth: {depth}")
    print(f"largest_directory: {biggest}")
    print(f"seconds: {time.monotonic() - t0:.1f}")


def subtree_entries(d):
    return d.files + sum(1 + subtree_entries(c) for c in d.children)


if __name__ == "__main__":
    main()
