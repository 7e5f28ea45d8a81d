"""Growth over time, from the catalogue alone (scripts/snapshot_history.py's engine).

Snapshots are grouped into series by their scan root(s): a catalogue fed by the seed's loop
holds one series per scanned directory. Within a series, snapshots are in time order
(taken_at), and every figure — totals, top-level directories, owners, types — is the one
import_snapshot.py recorded (hard links once, as du counts), so nothing here reads a
snapshot's rows. The fastest-growing directories compare two per-directory summaries
(dir_summary.py) joined on path: a directory's growth includes its subdirectories', as
du -s's does, so a growing leaf lifts every ancestor; a moved directory is removed at its
old path and added at its new one.

Keys and meanings: docs/history.md ("JSON").
"""
from __future__ import annotations

import calendar
import os

from . import catalog, dir_summary
from .catalog import ALIAS, CatalogError
from .engine import Engine, sql_list, sql_str
from .figures import as_ints, owner_name
from .report import iso

SCHEMA = "storage-scanner-history/1"
DAY = 86400
MEASURES = ("entries", "files", "apparent", "allocated")


def build(engine: Engine, catalog_path: str, top: int, roots: list[str] | None = None,
          pair: tuple[str, str] | None = None) -> dict:
    """The whole report of the attached catalogue; `roots` keeps those series only; `pair`
    (FROM, TO) replaces the default comparisons (each series' last two snapshots)."""
    snaps = [_snapshot(catalog_path, r) for r in catalog.snapshots(engine)]
    by_name = {s["name"]: s for s in snaps}
    series_keys = sorted({s["root"] for s in snaps})
    if roots:
        unknown = [r for r in roots if r not in series_keys]
        if unknown:
            raise CatalogError(f"no snapshot of root {unknown[0]!r} in the catalogue (roots: "
                               f"{', '.join(series_keys) or 'none'})")
        series_keys = [k for k in series_keys if k in roots]
    series = [_series(engine, key, [s for s in snaps if s["root"] == key], top)
              for key in series_keys]
    if pair:
        for name in pair:
            if name not in by_name:
                raise CatalogError(f"no snapshot named {name!r} in the catalogue")
        pairs = [(by_name[pair[0]], by_name[pair[1]])]
    else:
        pairs = [(s["members"][-2], s["members"][-1]) for s in series if len(s["members"]) > 1]
    for s in series:
        s["snapshots"] = [m["name"] for m in s.pop("members")]
    return {"schema": SCHEMA, "catalog": catalog_path,
            "snapshots": [_public(s) for s in snaps if s["root"] in series_keys],
            "series": series,
            "fastest_growing": [fastest_growing(engine, catalog_path, a, b, top)
                                for a, b in pairs]}


def _snapshot(catalog_path: str, row: dict) -> dict:
    taken = calendar.timegm(row["taken_at"].timetuple())  # a naive TIMESTAMP, in UTC
    files = catalog.data_files(catalog_path, row)
    return {"name": row["name"], "taken_at": taken, "taken_at_iso": iso(taken),
            "roots": list(row["roots"] or []), "root": ", ".join(row["roots"] or []) or "?",
            "completed": bool(row["completed"]), "copied": bool(row["copied"]),
            "date_source": row["date_source"], "rows": row["rows"],
            **{k: int(row[k]) for k in ("entries", "files", "directories", "apparent",
                                       "allocated", "errors")},
            "rows_available": all(os.path.isfile(f) for f in files),
            "summary": os.path.join(catalog.snapshot_dir(catalog_path, row["name"]),
                                    dir_summary.DIRS_FILE)}


def _public(s: dict) -> dict:
    return {k: v for k, v in s.items() if k != "summary"}


def _series(engine: Engine, root: str, members: list[dict], top: int) -> dict:
    names = [m["name"] for m in members]
    return {
        "root": root, "members": members,
        "totals": [{"snapshot": m["name"], **{k: m[k] for k in MEASURES}} for m in members],
        "top_level": _growth(engine, names, "snapshot_top_level", ("name",), top),
        "owners": _owners(engine, names, top),
        "types": _growth(engine, names, "snapshot_types", ("type",), top),
    }


def _growth(engine: Engine, names: list[str], table: str, keys: tuple[str, ...], top: int,
            measures: tuple[str, ...] = ("entries", "apparent", "allocated")) -> list[dict]:
    """Per key: its figures in every snapshot of `names` (zeros where absent), and the change
    from the first to the last. The `top` keys with the largest |allocated change| (then the
    largest now) are kept."""
    key = ", ".join(keys)
    first, last = sql_str(names[0]), sql_str(names[-1])
    rows = engine.rows(f"""
        WITH t AS (SELECT * FROM {ALIAS}.{table} WHERE list_contains({sql_list(names)}, snapshot)),
        ranked AS (
            SELECT {key},
                   coalesce(sum(allocated) FILTER (WHERE snapshot = {last}), 0) AS last_alloc,
                   last_alloc - coalesce(sum(allocated) FILTER (WHERE snapshot = {first}), 0)
                     AS delta
            FROM t GROUP BY {key}
            ORDER BY abs(delta) DESC, last_alloc DESC, {key} LIMIT {int(top)})
        SELECT t.* FROM t JOIN ranked USING ({key})
        ORDER BY abs(ranked.delta) DESC, ranked.last_alloc DESC, {', '.join('t.' + k for k in keys)}""")
    out: dict[tuple, dict] = {}
    for r in rows:
        k = tuple(r[c] for c in keys)
        entry = out.setdefault(k, {**{c: r[c] for c in keys},
                                   "values": {n: {m: 0 for m in measures} for n in names}})
        for m in measures:
            entry["values"][r["snapshot"]][m] += int(r[m])
        if "owner" in r and r["owner"]:
            entry["owner"] = r["owner"]
    result = []
    for entry in out.values():
        values = [entry["values"][n] for n in names]
        entry["values"] = values
        for m in measures:
            entry[f"first_{m}"] = values[0][m]
            entry[f"last_{m}"] = values[-1][m]
            entry[f"{m}_delta"] = values[-1][m] - values[0][m]
        result.append(entry)
    return result


def _owners(engine: Engine, names: list[str], top: int) -> list[dict]:
    rows = _growth(engine, names, "snapshot_owners", ("uid",), top, MEASURES)
    for r in rows:
        r["uid"] = int(r["uid"])
        r["owner"] = owner_name(r["uid"], r.get("owner"))
    return [{"uid": r.pop("uid"), "owner": r.pop("owner"), **r} for r in rows]


def fastest_growing(engine: Engine, catalog_path: str, old: dict, new: dict, top: int) -> dict:
    """Directories by allocated growth from `old` to `new` (their summaries joined on path):
    the `top` that grew most; a directory only one side has counts zero on the other."""
    for s in (old, new):
        if not os.path.isfile(s["summary"]):
            raise CatalogError(f"the per-directory summary of {s['name']} is missing: "
                               f"{s['summary']}")
    days = (new["taken_at"] - old["taken_at"]) / DAY
    rows = engine.rows(f"""
        WITH o AS (SELECT * FROM read_parquet({sql_str(old['summary'])}) WHERE depth >= 1),
             n AS (SELECT * FROM read_parquet({sql_str(new['summary'])}) WHERE depth >= 1)
        SELECT path, coalesce(n.depth, o.depth) AS depth,
               coalesce(o.entries, 0) AS old_entries, coalesce(n.entries, 0) AS new_entries,
               coalesce(o.apparent, 0) AS old_apparent, coalesce(n.apparent, 0) AS new_apparent,
               coalesce(o.allocated, 0) AS old_allocated,
               coalesce(n.allocated, 0) AS new_allocated,
               new_allocated - old_allocated AS allocated_delta,
               new_apparent - old_apparent AS apparent_delta,
               new_entries - old_entries AS entries_delta,
               n.top_owner_uid AS top_owner_uid, n.top_owner AS top_owner
        FROM o FULL OUTER JOIN n USING (path)
        WHERE allocated_delta > 0
        ORDER BY allocated_delta DESC, path LIMIT {int(top)}""")
    as_ints(rows, "old_entries", "new_entries", "old_apparent", "new_apparent",
            "old_allocated", "new_allocated", "allocated_delta", "apparent_delta",
            "entries_delta", "top_owner_uid", "depth")
    for r in rows:
        r["allocated_per_day"] = round(r["allocated_delta"] / days, 1) if days > 0 else None
        if r["top_owner_uid"] is not None:
            r["top_owner"] = owner_name(r["top_owner_uid"], r["top_owner"])
    return {"from": old["name"], "to": new["name"], "root": new["root"],
            "from_completed": old["completed"], "to_completed": new["completed"],
            "days": round(days, 2), "directories": rows}
