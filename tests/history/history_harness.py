"""Running scripts/import_snapshot.py and scripts/snapshot_history.py from the tests, and the
figures of a tree computed independently of them (a module of its own, not conftest.py, which
every suite has; named history_* so no other suite's helper can shadow it).

The tree helpers and the os.lstat/du references of the analysis suite are reused as they are
(tests/analysis/treegen.py, reference.py): one definition of "what du counts" for both."""
import collections
import hashlib
import json
import os
import pathlib
import stat
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
IMPORT = REPO / "scripts" / "import_snapshot.py"
HISTORY = REPO / "scripts" / "snapshot_history.py"
sys.path.insert(0, str(REPO / "tests" / "analysis"))

import reference  # noqa: E402


def run(script, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(script), *map(str, args)], capture_output=True,
                          text=True)


def import_ok(snapshot, name, catalog, *args) -> subprocess.CompletedProcess:
    proc = run(IMPORT, snapshot, name, "--catalog", catalog, "--memory-limit", "512MB",
               "--quiet", *args)
    if proc.returncode != 0:
        raise AssertionError(f"import_snapshot.py failed ({proc.returncode}): {proc.stderr}")
    return proc


def history_json(catalog, *args) -> dict:
    proc = run(HISTORY, "--catalog", catalog, "--json", "--memory-limit", "512MB", *args)
    if proc.returncode != 0:
        raise AssertionError(f"snapshot_history.py failed ({proc.returncode}): {proc.stderr}")
    return json.loads(proc.stdout)


def store_of(catalog: pathlib.Path) -> pathlib.Path:
    return catalog.with_suffix(".d")


def fingerprint(catalog: pathlib.Path) -> dict:
    """Every byte of the catalogue and its store, by relative path."""
    out = {}
    for path in [catalog, catalog.with_name(catalog.name + ".wal")]:
        if path.exists():
            out[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    store = store_of(catalog)
    if store.exists():
        for dirpath, dirnames, filenames in os.walk(store):
            for name in dirnames + filenames:
                p = pathlib.Path(dirpath) / name
                out[str(p.relative_to(catalog.parent))] = (
                    "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest())
    return out


def file_type(path: str, st: os.stat_result) -> str:
    """SPEC.md's file_type: a regular file's extension, lower-cased, when its last dot is
    neither the name's first nor its last character; else the kind of entry."""
    if not stat.S_ISREG(st.st_mode):
        return reference.kind(st)
    name = os.path.basename(path)
    dot = name.rfind(".")
    return name[dot + 1:].lower() if 0 < dot < len(name) - 1 else ""


class Observed:
    """One state of a tree: the os.lstat walk (taken before du reads any directory, so
    access times are the scan's) and du's three figures for every directory."""

    def __init__(self, root: pathlib.Path):
        self.root = str(root)
        self.entries = reference.walk(root)
        self.dirs = reference.directories(self.entries)
        self.du = {d: {"allocated": reference.du(d), "apparent": reference.du(d, apparent=True),
                       "entries": _du_inodes(d)} for d in self.dirs}

    def below(self, directory: str):
        return [(p, st) for p, st in self.entries
                if p == directory or p.startswith(directory.rstrip("/") + "/")]

    def top_level(self) -> dict:
        """name -> what du -s says of each entry directly under the root."""
        out = {}
        for p, st in self.entries:
            if os.path.dirname(p) != self.root or p == self.root:
                continue
            name = os.path.basename(p)
            if stat.S_ISDIR(st.st_mode):
                out[name] = dict(self.du[p])
            else:
                out[name] = {"entries": 1, "apparent": st.st_size,
                             "allocated": reference.allocated(st)}
        return out

    def types(self) -> dict:
        out = collections.defaultdict(lambda: {"entries": 0, "apparent": 0, "allocated": 0})
        for p, st in reference.once(self.entries):
            t = out[file_type(p, st)]
            t["entries"] += 1
            t["apparent"] += st.st_size
            t["allocated"] += reference.allocated(st)
        return dict(out)

    def owners(self) -> dict:
        out = collections.defaultdict(lambda: {"entries": 0, "files": 0, "apparent": 0,
                                               "allocated": 0})
        for _, st in reference.once(self.entries):
            o = out[st.st_uid]
            o["entries"] += 1
            o["files"] += stat.S_ISREG(st.st_mode)
            o["apparent"] += st.st_size
            o["allocated"] += reference.allocated(st)
        return dict(out)


def _du_inodes(path: str) -> int:
    proc = subprocess.run(["du", "-s", "--inodes", path], capture_output=True, text=True,
                          check=True)
    return int(proc.stdout.split()[0])
