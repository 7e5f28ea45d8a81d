"""What changed between two snapshots (views old_* and new_*, see engine.register).

Entries are matched by path. An entry is
  added     when only NEW has its path, removed when only OLD has it;
  changed   when both have it and its kind changed, or, for anything but a directory, its
            size, mtime or owner (uid) changed. A directory's size and mtime change whenever
            its entries do; its growth is reported by subtree instead.
Added, removed and changed bytes are per path (a new hard link to an old file counts its
size there although it takes no new space); the totals and the growth by directory and by
owner count hard links once, as du does, so their deltas are the space really gained or freed.
"""
from __future__ import annotations

from . import figures, report, rollup
from .engine import Engine, scan_info
from .snapshot import Snapshot

SCHEMA = "storage-scanner-diff/1"


def build(engine: Engine, old: Snapshot, new: Snapshot, top: int) -> dict:
    rollup.build(engine, "old_")
    rollup.build(engine, "new_")
    _build_changes(engine)
    return {
        "schema": SCHEMA,
        "snapshots": {"old": _describe(engine, old, "old_"), "new": _describe(engine, new, "new_")},
        "totals": _totals(engine),
        "added": _side(engine, "added", "n"),
        "removed": _side(engine, "removed", "o"),
        "changed": _changed(engine),
        "largest_changes": _largest_changes(engine, top),
        "growth": {"top_level": _growth_top_level(engine, top),
                   "owners": _growth_owners(engine, top),
                   "subtrees": _growth_subtrees(engine, top)},
    }


def _describe(engine: Engine, snap: Snapshot, p: str) -> dict:
    info = scan_info(engine, snap, None)
    return {"spec": snap.spec, "files": len(snap.files), "roots": info.roots,
            "started_at": info.started_at, "as_of": info.as_of,
            "as_of_iso": report.iso(info.as_of), "completed": snap.completed,
            **report.row_counts(engine, p)}


def _totals(engine: Engine) -> dict:
    out = {}
    for side, p in (("old", "old_"), ("new", "new_")):
        kinds = figures.by_kind(engine, p)
        out[side] = {"entries": sum(v["count"] for v in kinds.values()),
                     "files": kinds["file"]["count"],
                     "apparent": sum(v["apparent"] for v in kinds.values()),
                     "allocated": sum(v["allocated"] for v in kinds.values())}
    out["delta"] = {k: out["new"][k] - out["old"][k] for k in out["old"]}
    return out


def _build_changes(engine: Engine) -> None:
    """One row per path that differs: a full outer join on path, spilled to disk when large."""
    engine.con.execute("""
        CREATE OR REPLACE TEMP TABLE changes AS
        SELECT coalesce(n.path, o.path) AS path,
               CASE WHEN o.path IS NULL THEN 'added' WHEN n.path IS NULL THEN 'removed'
                    ELSE 'changed' END AS change,
               o.kind AS old_kind, n.kind AS new_kind,
               o.size AS old_size, n.size AS new_size,
               o.allocated_size AS old_allocated, n.allocated_size AS new_allocated,
               o.modified_time AS old_mtime, n.modified_time AS new_mtime,
               o.uid AS old_uid, n.uid AS new_uid, n.owner AS new_owner, o.owner AS old_owner
        FROM old_entries o FULL OUTER JOIN new_entries n ON o.path = n.path
        WHERE o.path IS NULL OR n.path IS NULL OR o.kind <> n.kind
           OR (n.kind <> 'directory' AND (o.size <> n.size OR o.modified_time <> n.modified_time
                                          OR o.uid <> n.uid))""")


def _side(engine: Engine, change: str, side: str) -> dict:
    """Paths only one snapshot has: counts by kind and their bytes (per path)."""
    col = "new" if side == "n" else "old"
    r = engine.one(f"""
        SELECT count(*) AS entries,
               count(*) FILTER (WHERE {col}_kind = 'file') AS files,
               count(*) FILTER (WHERE {col}_kind = 'directory') AS directories,
               coalesce(sum({col}_size), 0) AS apparent,
               coalesce(sum({col}_allocated), 0) AS allocated
        FROM changes WHERE change = '{change}'""")
    return {k: int(v) for k, v in r.items()}


def _changed(engine: Engine) -> dict:
    r = engine.one("""
        SELECT count(*) AS entries,
               count(*) FILTER (WHERE old_kind <> new_kind) AS kind_changed,
               count(*) FILTER (WHERE old_size <> new_size) AS size_changed,
               count(*) FILTER (WHERE old_mtime <> new_mtime) AS mtime_changed,
               count(*) FILTER (WHERE old_uid <> new_uid) AS owner_changed,
               coalesce(sum(new_size::BIGINT - old_size::BIGINT), 0) AS apparent_delta,
               coalesce(sum(new_allocated::BIGINT - old_allocated::BIGINT), 0)
                 AS allocated_delta
        FROM changes WHERE change = 'changed'""")
    return {k: int(v) for k, v in r.items()}


def _largest_changes(engine: Engine, top: int) -> list[dict]:
    rows = engine.rows(f"""
        SELECT path, change, coalesce(new_kind, old_kind) AS kind,
               old_size, new_size, old_allocated, new_allocated,
               coalesce(new_allocated, 0)::BIGINT - coalesce(old_allocated, 0)::BIGINT
                 AS allocated_delta,
               old_uid, new_uid
        FROM changes WHERE coalesce(new_kind, old_kind) <> 'directory'
        ORDER BY abs(allocated_delta) DESC, path LIMIT {int(top)}""")
    return figures.as_ints(rows, "old_size", "new_size", "old_allocated", "new_allocated",
                           "allocated_delta")


def _growth(engine: Engine, old_sql: str, new_sql: str, key: str, top: int,
            extra: str = "") -> list[dict]:
    """old and new figures joined on `key`, largest allocated change first."""
    rows = engine.rows(f"""
        WITH o AS ({old_sql}), n AS ({new_sql})
        SELECT {key}{extra},
               coalesce(o.entries, 0) AS old_entries, coalesce(n.entries, 0) AS new_entries,
               coalesce(o.apparent, 0) AS old_apparent, coalesce(n.apparent, 0) AS new_apparent,
               coalesce(o.allocated, 0) AS old_allocated,
               coalesce(n.allocated, 0) AS new_allocated,
               coalesce(n.allocated, 0) - coalesce(o.allocated, 0) AS allocated_delta,
               coalesce(n.apparent, 0) - coalesce(o.apparent, 0) AS apparent_delta
        FROM o FULL OUTER JOIN n USING ({key})
        WHERE allocated_delta <> 0 OR apparent_delta <> 0 OR old_entries <> new_entries
        ORDER BY abs(allocated_delta) DESC, {key} LIMIT {int(top)}""")
    return figures.as_ints(rows, "old_entries", "new_entries", "old_apparent", "new_apparent",
                           "old_allocated", "new_allocated", "allocated_delta",
                           "apparent_delta")


def _growth_top_level(engine: Engine, top: int) -> list[dict]:
    return _growth(engine, rollup.top_level_sql("old_"), rollup.top_level_sql("new_"),
                   "name", top)


def _growth_owners(engine: Engine, top: int) -> list[dict]:
    per_uid = """SELECT uid, max(owner) AS owner, count(*) AS entries, sum(size) AS apparent,
                        sum(allocated_size) AS allocated FROM {p}counted GROUP BY uid"""
    rows = _growth(engine, per_uid.format(p="old_"), per_uid.format(p="new_"), "uid", top,
                   ", coalesce(n.owner, o.owner) AS owner")
    for r in rows:
        r["owner"] = figures.owner_name(r["uid"], r["owner"])
    return rows


def _growth_subtrees(engine: Engine, top: int) -> list[dict]:
    return _growth(engine, "SELECT * FROM old_subtree WHERE depth >= 1",
                   "SELECT * FROM new_subtree WHERE depth >= 1", "path", top)
