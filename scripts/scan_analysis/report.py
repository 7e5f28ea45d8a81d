"""One snapshot's report: every figure, as the dict that --json prints (docs/analysis.md)."""
from __future__ import annotations

import datetime

from . import du_compare, figures, rollup, sidecar
from .engine import Engine, ScanInfo
from .snapshot import Snapshot

SCHEMA = "storage-scanner-analysis/1"


def build(engine: Engine, snap: Snapshot, info: ScanInfo, top: int,
          du_path: str | None) -> dict:
    """All figures of the snapshot registered in `engine` (engine.register, prefix "")."""
    kinds = figures.by_kind(engine)
    space = figures.space(engine, kinds)
    du = du_compare.run_du(du_path, info.one_file_system) if du_path else None
    if du is not None:
        du["allocated_difference"] = du["allocated"] - space["allocated"]
        du["apparent_difference"] = du["apparent"] - sum(v["apparent"] for v in kinds.values())
    space["explanation"] = du_compare.explain(space, kinds, du)
    rollup.build(engine)
    return {
        "schema": SCHEMA,
        "snapshot": snapshot_section(engine, snap, info),
        "counts": counts_section(kinds),
        "by_kind": kinds,
        "totals": {"apparent": sum(v["apparent"] for v in kinds.values()),
                   "allocated": space["allocated"]},
        "hard_links": figures.hard_links(engine),
        "space": space,
        "du": du,
        "types": figures.types(engine, top),
        "largest_files": figures.largest_files(engine, top),
        "largest_directories": rollup.largest_directories(engine, top),
        "top_level": rollup.top_level(engine, top),
        "owners": figures.by_owner(engine, top),
        "groups": figures.by_group(engine, top),
        "age": {"mtime": figures.ages(engine, info.as_of, "modified_time"),
                "atime": figures.ages(engine, info.as_of, "accessed_time")},
        "errors": sidecar.summarise(engine, snap.sidecars, top),
    }


def row_counts(engine: Engine, p: str = "") -> dict:
    """Rows, and rows of a scan root (depth 0). A sound snapshot has one root row (or none,
    for some shards of a plan); more mean files of overlapping scans were read together (a
    directory holding a scan's standard output and its chunks, or scans of /a and /a/b),
    and every sum counts the shared entries more than once. Counting distinct paths would
    say exactly how many, at the price of a hash table of every path (minutes at 10^8 rows);
    the root rows tell the usual mistake for free."""
    r = engine.one(f"""SELECT count(*) AS rows, count(*) FILTER (WHERE depth = 0) AS root_rows
                       FROM {p}entries""")
    return {k: int(v) for k, v in r.items()}


def snapshot_section(engine: Engine, snap: Snapshot, info: ScanInfo) -> dict:
    return {
        "spec": snap.spec,
        "files": len(snap.files),
        **row_counts(engine),
        "roots": info.roots,
        "hosts": info.hosts,
        "scanner_versions": info.scanner_versions,
        "started_at": info.started_at,
        "as_of": info.as_of,
        "as_of_iso": iso(info.as_of),
        "as_of_source": info.as_of_source,
        "completed": snap.completed,
        "manifests": [{"path": m.path, "completed": m.completed, "total_rows": m.total_rows,
                       "pending_dirs": m.pending_dirs, "errors": m.errors}
                      for m in snap.manifests],
    }


def counts_section(kinds: dict) -> dict:
    return {
        "entries": sum(v["count"] for v in kinds.values()),
        "files": kinds["file"]["count"],
        "directories": kinds["directory"]["count"],
        "symlinks": kinds["symlink"]["count"],
        "other": sum(v["count"] for k, v in kinds.items()
                     if k not in ("file", "directory", "symlink")),
    }


def iso(epoch: int) -> str:
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
