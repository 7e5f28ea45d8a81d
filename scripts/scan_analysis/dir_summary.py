"""The per-directory summary (a "tree summary", as GUFI calls it): for every directory of a
snapshot, what `du -s` says of it, what it holds directly, how old it is and who owns it —
computed once and written as Parquet, so a question about one directory (or a browser
opening a 10^8-row snapshot) never rescans the rows.

Schema version 1 (SCHEMA_VERSION; each file carries the Parquet key-value metadata
`storage_scanner.dir_summary` = "1"). Columns are only ever added within a version, never
renamed, retyped or removed. Readers: scripts/import_snapshot.py writes it beside the
catalogue; issue 13's browser reads it to open a snapshot without its rows.

dirs.parquet — one row per directory, sorted by (parent_path, name): a directory's children
are contiguous, and a filter on parent_path skips whole row groups.

  column               type      meaning
  path                 VARCHAR   the directory's absolute path
  parent_path          VARCHAR   its containing directory (for the scan root: the directory
                                 above it, which the snapshot does not hold)
  name                 VARCHAR   last component of path ('/' for the root directory '/')
  depth                UINTEGER  0 for the scan root, 1 for its children, ...
  top_level_dir        VARCHAR   first component below the root ('' for the root); null when
                                 the snapshot holds no row for the directory itself
  entries              BIGINT    entries in the subtree, the directory itself included, hard
                                 links once (= du -s --inodes DIR)
  files                BIGINT    regular files in the subtree, hard links once
  subdirs              BIGINT    directories below it, at any depth (itself not counted)
  apparent             BIGINT    bytes, sum of sizes (= du -s --apparent-size --block-size=1)
  allocated            BIGINT    bytes, sum of st_blocks*512 (= du -s --block-size=1)
  newest_mtime         BIGINT    latest modified_time in the subtree (seconds since the epoch)
  oldest_atime         BIGINT    earliest accessed_time in the subtree
  newest_atime         BIGINT    latest accessed_time in the subtree (stale data: nothing
                                 read since)
  owners               UINTEGER  distinct uids owning entries in the subtree
  top_owner_uid        UINTEGER  the uid owning most allocated bytes of the subtree (ties: the
                                 smallest uid)
  top_owner            VARCHAR   its name as the snapshot recorded it (null: not resolved)
  top_owner_allocated  BIGINT    allocated bytes of the subtree that top_owner_uid owns
  child_dirs           BIGINT    directories directly in it
  direct_entries       BIGINT    non-directory entries directly in it, hard links once
  direct_files         BIGINT    regular files directly in it, hard links once
  direct_apparent      BIGINT    their apparent bytes
  direct_allocated     BIGINT    their allocated bytes
  self_apparent        BIGINT    the directory entry's own size (null when the snapshot holds
                                 no row for it: an incomplete scan)
  self_allocated       BIGINT    the directory entry's own allocated bytes (likewise)

dir_owners.parquet — one row per (directory, uid owning something in its subtree), sorted
by path then allocated (largest first):

  path VARCHAR, depth UINTEGER, uid UINTEGER, owner VARCHAR (the snapshot's name, or null),
  entries, files, apparent, allocated BIGINT (the part of the subtree's figures that uid
  owns: they add up to the directory's entries, files, apparent and allocated)

Rules, the same as analyze_scan.py's (docs/analysis.md): subtree figures are what du counts
— every entry below the directory and the directory itself, hard links once *within* it (a
file linked from two subtrees counts in each, and once in a directory holding both). Times
are over every entry of the subtree, the directory itself included, as ncdu's extended mode
shows them. A file's owner, size and times belong to its inode, so per-owner figures
partition the subtree's. A snapshot of a single file has no directory: both files are empty.

How: rollup.py's two steps, keyed by (directory, uid) so that owners come for free:
  1. direct  per (directory, uid): the directory's own row, and its non-directory children
             summed — one GROUP BY over the rows (hard-linked files, usually few, aside);
  2. spread  each direct row added to its directory and every ancestor, plus the hard-linked
             files made distinct per (ancestor, device, inode), grouped again -> dir_owners;
             summing over uid gives dirs. The ancestors' paths are built once per directory
             and numbered, so the spread itself joins and groups integers (half the time of
             building a path per owner and ancestor, on the synthetic tree).
Every step is a scan, a GROUP BY or a join, which DuckDB runs out of core.
"""
from __future__ import annotations

import os

from .engine import Engine, sql_str
from .rollup import ANCESTOR_MACRO

SCHEMA_VERSION = "1"
METADATA_KEY = "storage_scanner.dir_summary"
DIRS_FILE = "dirs.parquet"
OWNERS_FILE = "dir_owners.parquet"

DIRS_COLUMNS = (
    ("path", "VARCHAR"), ("parent_path", "VARCHAR"), ("name", "VARCHAR"), ("depth", "UINTEGER"),
    ("top_level_dir", "VARCHAR"), ("entries", "BIGINT"), ("files", "BIGINT"),
    ("subdirs", "BIGINT"), ("apparent", "BIGINT"), ("allocated", "BIGINT"),
    ("newest_mtime", "BIGINT"), ("oldest_atime", "BIGINT"), ("newest_atime", "BIGINT"),
    ("owners", "UINTEGER"), ("top_owner_uid", "UINTEGER"), ("top_owner", "VARCHAR"),
    ("top_owner_allocated", "BIGINT"), ("child_dirs", "BIGINT"), ("direct_entries", "BIGINT"),
    ("direct_files", "BIGINT"), ("direct_apparent", "BIGINT"), ("direct_allocated", "BIGINT"),
    ("self_apparent", "BIGINT"), ("self_allocated", "BIGINT"))
OWNERS_COLUMNS = (
    ("path", "VARCHAR"), ("depth", "UINTEGER"), ("uid", "UINTEGER"), ("owner", "VARCHAR"),
    ("entries", "BIGINT"), ("files", "BIGINT"), ("apparent", "BIGINT"), ("allocated", "BIGINT"))


def build(engine: Engine, p: str = "") -> None:
    """Creates the temp tables {p}dirs and {p}dir_owners (the columns of the two files) from
    the {p}entries view of engine.register."""
    engine.con.execute(ANCESTOR_MACRO)
    # Step 1. One row per (directory, uid) of what sits directly in it, and one per directory
    # for the directory itself (is_self). Hard-linked non-directories are left to step 1b.
    engine.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {p}ds_direct AS
        SELECT parent_path AS dir, any_value(depth)::BIGINT - 1 AS dir_depth, false AS is_self,
               uid, max(owner) AS owner, count(*) AS entries,
               count(*) FILTER (WHERE kind = 'file') AS files, 0 AS dirs,
               sum(size) AS apparent, sum(allocated_size) AS allocated,
               max(modified_time) AS newest_mtime, min(accessed_time) AS oldest_atime,
               max(accessed_time) AS newest_atime,
               NULL::VARCHAR AS parent_path, NULL::VARCHAR AS top_level_dir
        FROM {p}entries
        WHERE kind <> 'directory' AND nlink <= 1 AND depth > 0
        GROUP BY parent_path, uid
        UNION ALL
        SELECT path, depth, true, uid, owner, 1, 0, 1, size, allocated_size, modified_time,
               accessed_time, accessed_time, parent_path, top_level_dir
        FROM {p}entries WHERE kind = 'directory'""")
    # Step 1b. Each hard-linked file once per ancestor holding one of its links; `direct`
    # when one of those links sits directly in that ancestor.
    engine.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {p}ds_linked AS
        SELECT ancestor_at(parts, leaf_depth - 1, k) AS path, k AS depth, device, inode,
               bool_or(k = leaf_depth - 1) AS direct, any_value(uid) AS uid,
               any_value(owner) AS owner, any_value(kind = 'file')::INT AS files,
               any_value(size) AS apparent, any_value(allocated_size) AS allocated,
               any_value(modified_time) AS mtime, any_value(accessed_time) AS atime
        FROM (SELECT device, inode, uid, owner, kind, size, allocated_size, modified_time,
                     accessed_time, depth::BIGINT AS leaf_depth,
                     string_split(parent_path, '/') AS parts,
                     unnest(range(0, depth::BIGINT)) AS k
              FROM {p}entries WHERE nlink > 1 AND kind <> 'directory' AND depth > 0)
        GROUP BY 1, 2, device, inode""")
    # Step 2a. Every directory's ancestors, itself included, computed once per directory (not
    # once per owner: building path strings is the costly part) and numbered, so that the
    # spread below joins and groups on integers.
    engine.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {p}ds_ancestors AS
        SELECT dir, ancestor_at(parts, dir_depth, k) AS path, k AS depth
        FROM (SELECT dir, dir_depth, string_split(dir, '/') AS parts,
                     unnest(range(0, dir_depth + 1)) AS k
              FROM (SELECT dir, any_value(dir_depth) AS dir_depth FROM {p}ds_direct
                    GROUP BY dir))""")
    engine.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {p}ds_ids AS
        SELECT path, depth, row_number() OVER () AS id
        FROM (SELECT path, depth FROM {p}ds_ancestors
              UNION SELECT path, depth FROM {p}ds_linked)""")
    # Step 2b. Spread to every ancestor, per uid.
    engine.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {p}dir_owners AS
        WITH spread AS (
            SELECT a.id, d.uid, d.owner, d.entries, d.files, d.dirs, d.apparent, d.allocated,
                   d.newest_mtime, d.oldest_atime, d.newest_atime
            FROM {p}ds_direct d
            JOIN (SELECT dir, id FROM {p}ds_ancestors JOIN {p}ds_ids USING (path, depth)) a
              USING (dir)
            UNION ALL
            SELECT i.id, l.uid, l.owner, 1, l.files, 0, l.apparent, l.allocated, l.mtime,
                   l.atime, l.atime
            FROM {p}ds_linked l JOIN {p}ds_ids i USING (path, depth)),
        grouped AS (
            SELECT id, uid, max(owner) AS owner, sum(entries)::BIGINT AS entries,
                   sum(files)::BIGINT AS files, sum(dirs)::BIGINT AS dirs,
                   sum(apparent)::BIGINT AS apparent, sum(allocated)::BIGINT AS allocated,
                   max(newest_mtime) AS newest_mtime, min(oldest_atime) AS oldest_atime,
                   max(newest_atime) AS newest_atime
            FROM spread GROUP BY id, uid)
        SELECT i.path, i.depth::UINTEGER AS depth, g.uid::UINTEGER AS uid, g.* EXCLUDE (id, uid)
        FROM grouped g JOIN {p}ds_ids i USING (id)""")
    engine.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {p}dirs AS
        WITH sub AS (
            SELECT path, depth, sum(entries)::BIGINT AS entries, sum(files)::BIGINT AS files,
                   (sum(dirs) - 1)::BIGINT AS subdirs, sum(apparent)::BIGINT AS apparent,
                   sum(allocated)::BIGINT AS allocated, max(newest_mtime) AS newest_mtime,
                   min(oldest_atime) AS oldest_atime, max(newest_atime) AS newest_atime,
                   count(*)::UINTEGER AS owners,
                   first(uid ORDER BY allocated DESC, uid) AS top_owner_uid,
                   first(owner ORDER BY allocated DESC, uid) AS top_owner,
                   max(allocated) AS top_owner_allocated
            FROM {p}dir_owners GROUP BY path, depth),
        direct AS (
            SELECT dir AS path, sum(entries)::BIGINT AS direct_entries,
                   sum(files)::BIGINT AS direct_files, sum(apparent)::BIGINT AS direct_apparent,
                   sum(allocated)::BIGINT AS direct_allocated
            FROM (SELECT dir, entries, files, apparent, allocated FROM {p}ds_direct
                  WHERE NOT is_self
                  UNION ALL
                  SELECT path, 1, files, apparent, allocated FROM {p}ds_linked WHERE direct)
            GROUP BY dir),
        self AS (
            -- any_value: overlapping scans read together may hold a directory twice.
            SELECT dir AS path, any_value(parent_path) AS parent_path,
                   any_value(top_level_dir) AS top_level_dir,
                   any_value(apparent)::BIGINT AS self_apparent,
                   any_value(allocated)::BIGINT AS self_allocated
            FROM {p}ds_direct WHERE is_self GROUP BY dir),
        named AS (
            SELECT sub.*,
                   coalesce(self.parent_path,
                            coalesce(nullif(regexp_replace(sub.path, '/[^/]*$', ''), ''), '/'))
                     AS parent_path,
                   coalesce(nullif(regexp_extract(sub.path, '[^/]*$'), ''), sub.path) AS name,
                   self.top_level_dir, self.self_apparent, self.self_allocated,
                   coalesce(direct.direct_entries, 0) AS direct_entries,
                   coalesce(direct.direct_files, 0) AS direct_files,
                   coalesce(direct.direct_apparent, 0) AS direct_apparent,
                   coalesce(direct.direct_allocated, 0) AS direct_allocated
            FROM sub LEFT JOIN self USING (path) LEFT JOIN direct USING (path))
        SELECT {_select(DIRS_COLUMNS, overrides={
            "child_dirs": "coalesce(children.n, 0)::BIGINT",
            "depth": "named.depth::UINTEGER", "path": "named.path"})}
        FROM named LEFT JOIN (SELECT parent_path AS path, count(*) AS n FROM named
                              WHERE depth > 0 GROUP BY parent_path) children USING (path)""")


def _select(columns, overrides: dict[str, str] | None = None) -> str:
    overrides = overrides or {}
    return ", ".join(f"{overrides.get(name, name)}::{kind} AS {name}" for name, kind in columns)


def write(engine: Engine, out_dir: str, p: str = "", metadata: dict[str, str] | None = None
          ) -> dict:
    """Writes {out_dir}/dirs.parquet and dir_owners.parquet from the tables of build().
    Each file is written under a temporary name and renamed into place when whole. Returns
    {"directories": rows of dirs.parquet, "dir_owner_rows": rows of dir_owners.parquet}."""
    kv = {METADATA_KEY: SCHEMA_VERSION, **(metadata or {})}
    kv_sql = "{" + ", ".join(f"{sql_str(k)}: {sql_str(v)}" for k, v in kv.items()) + "}"
    for name, columns, order in ((DIRS_FILE, DIRS_COLUMNS, "parent_path, name"),
                                 (OWNERS_FILE, OWNERS_COLUMNS, "path, allocated DESC, uid")):
        table = f"{p}dirs" if name == DIRS_FILE else f"{p}dir_owners"
        final = os.path.join(out_dir, name)
        temp = os.path.join(out_dir, f".{name}.tmp-{os.getpid()}")
        engine.con.execute(f"""
            COPY (SELECT {_select(columns)} FROM {table} ORDER BY {order})
            TO {sql_str(temp)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 100000,
                                KV_METADATA {kv_sql})""")
        os.replace(temp, final)
    return {"directories": _count(engine, f"{p}dirs"),
            "dir_owner_rows": _count(engine, f"{p}dir_owners")}


def _count(engine: Engine, table: str) -> int:
    return int(engine.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def compute(engine: Engine, out_dir: str, p: str = "", metadata: dict[str, str] | None = None
            ) -> dict:
    """build() then write(): the summary of the snapshot registered as {p}entries."""
    build(engine, p)
    return write(engine, out_dir, p, metadata)
