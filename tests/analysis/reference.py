"""The figures of a tree computed independently of the analysis: os.walk, os.lstat and du.

Nothing here reads a snapshot; each function states the rule it applies, so a test compares
the analysis against the filesystem itself.
"""
import collections
import os
import pwd
import stat
import subprocess

DAY = 86400
YEAR = 365 * DAY
# Upper bounds (exclusive) of the age buckets, in seconds; docs/analysis.md names them.
AGE_EDGES = (("future", 0), ("<30d", 30 * DAY), ("30-90d", 90 * DAY), ("90d-1y", YEAR),
             ("1-2y", 2 * YEAR), ("2-5y", 5 * YEAR), (">5y", None))


def walk(root) -> list[tuple[str, os.stat_result]]:
    """Every entry under `root` and `root` itself, never following a symlink."""
    root = os.fspath(root)
    out = [(root, os.lstat(root))]
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            out.append((path, os.lstat(path)))
    return out


def kind(st: os.stat_result) -> str:
    if stat.S_ISREG(st.st_mode):
        return "file"
    if stat.S_ISDIR(st.st_mode):
        return "directory"
    if stat.S_ISLNK(st.st_mode):
        return "symlink"
    if stat.S_ISFIFO(st.st_mode):
        return "fifo"
    if stat.S_ISSOCK(st.st_mode):
        return "socket"
    return "block_device" if stat.S_ISBLK(st.st_mode) else "char_device"


def once(entries):
    """Hard-linked non-directories once per (st_dev, st_ino): the smallest path stands for
    the file."""
    seen = set()
    for path, st in sorted(entries):
        key = (st.st_dev, st.st_ino)
        if st.st_nlink > 1 and not stat.S_ISDIR(st.st_mode):
            if key in seen:
                continue
            seen.add(key)
        yield path, st


def allocated(st: os.stat_result) -> int:
    return st.st_blocks * 512


def totals(entries) -> dict:
    counted = list(once(entries))
    return {"entries": len(counted),
            "apparent": sum(st.st_size for _, st in counted),
            "allocated": sum(allocated(st) for _, st in counted)}


def by_kind(entries) -> dict:
    out = collections.defaultdict(lambda: {"count": 0, "apparent": 0, "allocated": 0})
    for _, st in once(entries):
        k = out[kind(st)]
        k["count"] += 1
        k["apparent"] += st.st_size
        k["allocated"] += allocated(st)
    return dict(out)


def by_owner(entries) -> dict:
    """uid -> (owner name, or 'uid N' when the system has none; count, apparent, allocated)."""
    out = {}
    for _, st in once(entries):
        try:
            name = pwd.getpwuid(st.st_uid).pw_name
        except KeyError:
            name = f"uid {st.st_uid}"
        row = out.setdefault(st.st_uid, {"owner": name, "count": 0, "apparent": 0,
                                         "allocated": 0})
        row["count"] += 1
        row["apparent"] += st.st_size
        row["allocated"] += allocated(st)
    return out


def age_buckets(entries, as_of: int, which: str) -> dict:
    """bucket -> files, for regular files (links once), by st_mtime or st_atime."""
    out = collections.Counter()
    for _, st in once(entries):
        if kind(st) != "file":
            continue
        age = as_of - int(getattr(st, which))
        out[next(label for label, hi in AGE_EDGES if hi is None or age < hi)] += 1
    return dict(out)


def du(path, apparent: bool = False, as_nobody: bool = False) -> int:
    cmd = ["du", "-s", "--block-size=1"] + (["--apparent-size"] if apparent else []) + [
        os.fspath(path)]
    if as_nobody:
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
    proc = subprocess.run(cmd, capture_output=True, text=True)
    return int(proc.stdout.split()[0])


def directories(entries) -> list[str]:
    return [p for p, st in entries if stat.S_ISDIR(st.st_mode)]
