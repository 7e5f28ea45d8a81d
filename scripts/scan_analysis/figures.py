"""The report's figures: counts, totals, where the space goes, types, owners, ages, largest files.

Every figure counts a hard-linked file once (the {p}counted view), so totals are what
`du -s` counts. A file's owner, times and size belong to its inode, so splitting by owner or
age partitions the total exactly. Its type comes from the name of the link that stands for it
(the smallest path). Directory figures (top-level, subtrees) are in rollup.py.
"""
from __future__ import annotations

import grp
import pwd

from .engine import Engine, SPECIAL_TYPES

# "Smaller than a block": 4 KiB is the block of ext4, XFS and most NFS exports. Only the
# split of the overhead between small and larger files depends on it, never a total.
SMALL_FILE_BYTES = 4096

DAY = 86400
YEAR = 365 * DAY
# (label, lower bound in seconds of age, upper bound exclusive); ages count back from the scan
# start, and a time after it (a file changed while the scan ran, or a skewed clock) is 'future'.
AGE_BUCKETS = (
    ("future", None, 0),
    ("<30d", 0, 30 * DAY),
    ("30-90d", 30 * DAY, 90 * DAY),
    ("90d-1y", 90 * DAY, YEAR),
    ("1-2y", YEAR, 2 * YEAR),
    ("2-5y", 2 * YEAR, 5 * YEAR),
    (">5y", 5 * YEAR, None),
)

KINDS = ("file",) + SPECIAL_TYPES


def by_kind(engine: Engine, p: str = "") -> dict:
    """Entries, apparent and allocated bytes per kind, hard links once; all kinds present."""
    rows = engine.rows(f"""
        SELECT kind, count(*) AS count, sum(size) AS apparent, sum(allocated_size) AS allocated
        FROM {p}counted GROUP BY kind""")
    found = {r["kind"]: r for r in rows}
    return {k: {"count": int(found.get(k, {}).get("count") or 0),
                "apparent": int(found.get(k, {}).get("apparent") or 0),
                "allocated": int(found.get(k, {}).get("allocated") or 0)} for k in KINDS}


def hard_links(engine: Engine, p: str = "") -> dict:
    """How much a naive sum over every path would overcount."""
    r = engine.one(f"""
        SELECT (SELECT count(*) FROM {p}hardlinked) AS files,
               count(*) AS paths, coalesce(sum(size), 0) AS apparent,
               coalesce(sum(allocated_size), 0) AS allocated
        FROM {p}entries WHERE nlink > 1 AND kind <> 'directory'""")
    once = engine.one(f"""SELECT coalesce(sum(size), 0) AS apparent,
                                 coalesce(sum(allocated_size), 0) AS allocated
                          FROM {p}hardlinked""")
    return {"files": int(r["files"]), "extra_paths": int(r["paths"] - r["files"]),
            "extra_apparent": int(r["apparent"] - once["apparent"]),
            "extra_allocated": int(r["allocated"] - once["allocated"])}


def space(engine: Engine, kinds: dict, p: str = "") -> dict:
    """Allocated bytes taken apart, exactly:
    allocated = file_contents + small_file_overhead + larger_file_overhead
                - below_size_bytes + directories + other_entries."""
    r = engine.one(f"""
        WITH f AS (SELECT size, allocated_size,
                          allocated_size::BIGINT - size::BIGINT AS over
                   FROM {p}counted WHERE kind = 'file')
        SELECT count(*) FILTER (WHERE size < {SMALL_FILE_BYTES}) AS small_files,
               coalesce(sum(over) FILTER (WHERE size < {SMALL_FILE_BYTES} AND over >= 0), 0)
                 AS small_file_overhead,
               coalesce(sum(over) FILTER (WHERE size >= {SMALL_FILE_BYTES} AND over >= 0), 0)
                 AS larger_file_overhead,
               count(*) FILTER (WHERE over < 0) AS below_size_files,
               coalesce(-sum(over) FILTER (WHERE over < 0), 0) AS below_size_bytes,
               avg(size) AS mean_file_size,
               approx_quantile(size, 0.5) AS approx_median_file_size
        FROM f""")
    other = sum(v["allocated"] for k, v in kinds.items() if k not in ("file", "directory"))
    return {
        "file_contents": kinds["file"]["apparent"],
        "small_file_threshold": SMALL_FILE_BYTES,
        "small_files": int(r["small_files"]),
        "small_file_overhead": int(r["small_file_overhead"]),
        "larger_file_overhead": int(r["larger_file_overhead"]),
        "below_size_files": int(r["below_size_files"]),
        "below_size_bytes": int(r["below_size_bytes"]),
        "directories": kinds["directory"]["allocated"],
        "other_entries": other,
        "allocated": sum(v["allocated"] for v in kinds.values()),
        "mean_file_size": round(float(r["mean_file_size"] or 0), 1),
        "approx_median_file_size": int(r["approx_median_file_size"] or 0),
    }


def types(engine: Engine, top: int, p: str = "") -> dict:
    return top_and_others(engine, f"""
        SELECT file_type AS type, count(*) AS count, sum(size) AS apparent,
               sum(allocated_size) AS allocated
        FROM {p}counted GROUP BY file_type""", "allocated DESC, count DESC, type", top, "types")


def largest_files(engine: Engine, top: int, p: str = "") -> list[dict]:
    rows = engine.rows(f"""
        SELECT path, size, allocated_size AS allocated, uid, owner, modified_time
        FROM {p}counted WHERE kind = 'file'
        ORDER BY size DESC, path LIMIT {int(top)}""")
    for r in rows:
        r["owner"] = owner_name(r["uid"], r["owner"])
    return as_ints(rows, "size", "allocated", "uid", "modified_time")


def by_owner(engine: Engine, top: int, p: str = "") -> dict:
    return _by_id(engine, top, p, "uid", "owner", owner_name)


def by_group(engine: Engine, top: int, p: str = "") -> dict:
    return _by_id(engine, top, p, "gid", "group", group_name)


def _by_id(engine: Engine, top: int, p: str, id_col: str, name_col: str, resolve) -> dict:
    table = top_and_others(engine, f"""
        SELECT {id_col}, max("{name_col}") AS "{name_col}", count(*) AS count,
               count(*) FILTER (WHERE kind = 'file') AS files,
               sum(size) AS apparent, sum(allocated_size) AS allocated
        FROM {p}counted GROUP BY {id_col}""", f"allocated DESC, {id_col}", top, "ids")
    # Names travel in the snapshot (resolved where it was taken); an id the scan could not
    # name, or one scanned with --no-resolve-names, is looked up here as a last resort.
    for r in table["top"]:
        r[name_col] = resolve(r[id_col], r[name_col])
    return table


def owner_name(uid: int, recorded: str | None) -> str:
    if recorded:
        return recorded
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def group_name(gid: int, recorded: str | None) -> str:
    if recorded:
        return recorded
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return f"gid {gid}"


def ages(engine: Engine, as_of: int, column: str, p: str = "") -> list[dict]:
    """Regular files (hard links once) per age bucket of `column` (modified_time or
    accessed_time), counted back from `as_of`; every bucket is listed, empty or not."""
    cases = " ".join(
        f"WHEN age < {hi} THEN '{label}'" for label, _, hi in AGE_BUCKETS if hi is not None)
    rows = engine.rows(f"""
        SELECT CASE {cases} ELSE '{AGE_BUCKETS[-1][0]}' END AS bucket, count(*) AS files,
               sum(size) AS apparent, sum(allocated_size) AS allocated
        FROM (SELECT {int(as_of)} - {column} AS age, size, allocated_size
              FROM {p}counted WHERE kind = 'file')
        GROUP BY bucket""")
    found = {r["bucket"]: r for r in rows}
    return [{"bucket": label,
             "min_days": None if lo is None else lo // DAY,
             "max_days": None if hi is None else hi // DAY,
             "files": int(found.get(label, {}).get("files") or 0),
             "apparent": int(found.get(label, {}).get("apparent") or 0),
             "allocated": int(found.get(label, {}).get("allocated") or 0)}
            for label, lo, hi in AGE_BUCKETS]


def top_and_others(engine: Engine, grouped_sql: str, order: str, top: int, noun: str) -> dict:
    """The first `top` rows of a grouping, and the rest summed: a tree can hold a million
    distinct extensions, which must not all travel into Python."""
    engine.con.execute(f"CREATE OR REPLACE TEMP TABLE grouped AS {grouped_sql}")
    rows = engine.rows(f"SELECT * FROM grouped ORDER BY {order} LIMIT {int(top)}")
    columns = {c["column_name"] for c in engine.rows("DESCRIBE grouped")}
    sums = [c for c in ("count", "entries", "files", "apparent", "allocated") if c in columns]
    others = engine.one(f"""
        SELECT count(*) AS {noun}{''.join(f', coalesce(sum({c}), 0) AS {c}' for c in sums)}
        FROM (SELECT * FROM grouped ORDER BY {order} OFFSET {int(top)})""")
    return {"top": as_ints(rows, *sums, "uid", "gid"),
            "others": {k: int(v) for k, v in others.items()}}


def as_ints(rows: list[dict], *fields: str) -> list[dict]:
    """DuckDB sums come back as HUGEINT/Decimal; JSON wants plain ints."""
    for r in rows:
        for f in fields:
            if f in r and r[f] is not None:
                r[f] = int(r[f])
    return rows
