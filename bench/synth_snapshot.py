#!/usr/bin/env python3
"""A synthetic storage-scanner snapshot of N rows, written by DuckDB (no filesystem needed).

    .venv/bin/python bench/synth_snapshot.py OUT.parquet [--rows N] [--variant 0|1]

Shaped like a shared project filesystem: 40 top-level directories of very different sizes,
a directory tree about 7 levels deep (5% of rows are directories), log-uniform file sizes
skewed to small files with a few huge ones, 0.5% sparse files, 1% of files with a second
hard link elsewhere, 60 owners (skewed) plus 3% of files owned by a uid without a name,
mtimes up to 12 years before the scan and atimes between mtime and the scan.

Everything is a function of the row number (DuckDB's hash, not random()), so a run is
reproducible and variant 1 is the same tree a month later: 1% of files removed, 2% grown,
1% new files. The schema and the key-value metadata are the scanner's.
"""
import argparse
import os
import sys
import time

import duckdb

ROOT = "/project/lab"
STARTED_AT = "2026-11-01T00:00:00Z"
AS_OF = 1793491200  # STARTED_AT in seconds
TOP_LEVEL_DIRS = 40
MAX_DEPTH = 8

# u0(i, salt): a uniform number in [0, 1) from the row number, the same on every run.
UNIFORM = """CREATE OR REPLACE MACRO u0(i, salt) AS
             (hash(i * 1000003 + hash(salt) % 1000003) >> 11)::DOUBLE / 2^53"""

# The scanner's columns and types (the product spec), in order: the output is cast to them.
SCHEMA = (("path", "VARCHAR"), ("size", "UBIGINT"), ("modified_time", "BIGINT"),
          ("accessed_time", "BIGINT"), ("created_time", "BIGINT"), ("file_type", "VARCHAR"),
          ("inode", "UBIGINT"), ("permissions", "UINTEGER"), ("parent_path", "VARCHAR"),
          ("depth", "UINTEGER"), ("top_level_dir", "VARCHAR"), ("uid", "UINTEGER"),
          ("gid", "UINTEGER"), ("allocated_size", "UBIGINT"), ("nlink", "UBIGINT"),
          ("device", "UBIGINT"), ("changed_time", "BIGINT"), ("symlink_target", "VARCHAR"),
          ("path_bytes", "BLOB"), ("owner", "VARCHAR"), ("group", "VARCHAR"))


def build_directories(con, dirs: int) -> None:
    """dirs(id, path, depth): the root (id 0) and `dirs` directories, level by level; each
    directory gets 0-8 children, so the tree is irregular like a real one."""
    con.execute(f"""CREATE OR REPLACE TABLE dirs AS
        SELECT 0::BIGINT AS id, '{ROOT}' AS path, 0 AS depth, '' AS top
        UNION ALL
        SELECT i, '{ROOT}/' || CASE WHEN i % 4 = 0 THEN 'home_' ELSE 'proj_' END
                            || lpad(i::VARCHAR, 2, '0'), 1, NULL
        FROM range(1, {TOP_LEVEL_DIRS + 1}) t(i)""")
    con.execute("UPDATE dirs SET top = regexp_extract(path, '[^/]*$') WHERE depth = 1")
    count, depth = TOP_LEVEL_DIRS, 1
    while count < dirs and depth < MAX_DEPTH:
        depth += 1
        con.execute(f"""INSERT INTO dirs
            SELECT {count} + row_number() OVER (ORDER BY p.id, k), p.path || '/d' || k,
                   {depth}, p.top
            FROM dirs p, range(0, floor(u0(p.id, 'fan') * 9)::BIGINT) t(k)
            WHERE p.depth = {depth - 1}
            ORDER BY p.id, k LIMIT {dirs - count}""")
        count = con.execute("SELECT count(*) - 1 FROM dirs").fetchone()[0]


FILES_SQL = """
WITH f AS (
    SELECT i, d.path AS dir, d.depth AS dir_depth, d.top,
           list_extract(['txt','log','csv','h5','nc','py','gz','tar','bam','fastq','json',
                         'png','parquet','npy',''], 1 + floor(u0(i, 'ext') * 15)::BIGINT) AS ext,
           CASE WHEN u0(i, 'big') < 0.001 THEN floor(u0(i, 'bigsize') * 5e10)
                ELSE floor(pow(10, 7.5 * pow(u0(i, 'size'), 1.6))) - 1 END::UBIGINT AS size0,
           CASE WHEN u0(i, 'own') < 0.03 THEN 99999
                ELSE 1000 + floor(60 * pow(u0(i, 'uid'), 2)) END::UINTEGER AS uid,
           {as_of} - floor(pow(u0(i, 'age'), 2.5) * 12 * 365 * 86400)::BIGINT AS mtime0,
           u0(i, 'churn') AS churn
    FROM range(0, {files}) t(i)
    JOIN dirs d ON d.id = 1 + floor(pow(u0(i, 'dir'), 2) * {dirs})::BIGINT
),
v AS (   -- variant 1, a month later: 1% removed, 2% grown and rewritten
    SELECT *,
           CASE WHEN {variant} = 1 AND churn BETWEEN 0.01 AND 0.03 THEN size0 * 2 + 1
                ELSE size0 END AS size,
           CASE WHEN {variant} = 1 AND churn BETWEEN 0.01 AND 0.03 THEN {as_of} - 86400
                ELSE mtime0 END AS mtime
    FROM f WHERE NOT ({variant} = 1 AND churn < 0.01)
)
SELECT dir || '/f' || i || CASE WHEN ext = '' THEN '' ELSE '.' || ext END AS path,
       size, mtime AS modified_time,
       mtime + floor(u0(i, 'atime') * ({as_of} - mtime))::BIGINT AS accessed_time,
       NULL::BIGINT AS created_time, ext AS file_type, (1000000000 + i)::UBIGINT AS inode,
       420::UINTEGER AS permissions, dir AS parent_path, (dir_depth + 1)::UINTEGER AS depth,
       top AS top_level_dir, uid, (uid % 7 + 100)::UINTEGER AS gid,
       CASE WHEN u0(i, 'sparse') < 0.005 THEN ceil(size / 40960) * 4096
            ELSE ceil(size / 4096) * 4096 END::UBIGINT AS allocated_size,
       (CASE WHEN u0(i, 'link') < 0.01 THEN 2 ELSE 1 END)::UBIGINT AS nlink,
       2049::UBIGINT AS device, mtime AS changed_time, NULL::VARCHAR AS symlink_target,
       NULL::BLOB AS path_bytes,
       CASE WHEN uid = 99999 THEN NULL ELSE 'user' || uid END AS owner,
       'grp' || (uid % 7 + 100) AS "group"
FROM v
"""


def generate(out: str, rows: int, variant: int = 0, memory_limit: str = "2GB") -> int:
    """Writes the snapshot to `out`; returns its row count."""
    con = duckdb.connect(config={"memory_limit": memory_limit,
                                 "preserve_insertion_order": False})
    con.execute(UNIFORM)
    dirs = max(TOP_LEVEL_DIRS, rows // 20)
    build_directories(con, dirs)
    dirs = con.execute("SELECT count(*) FROM dirs").fetchone()[0] - 1
    # Files of variant 1 include 1% more row numbers: the new files.
    files = int((rows - dirs - 1) / 1.01) * (101 if variant else 100) // 100
    con.execute("CREATE OR REPLACE VIEW files AS " + FILES_SQL.format(
        as_of=AS_OF, files=files, dirs=dirs, variant=variant))
    typed = ", ".join(f'"{name}"::{kind} AS "{name}"' for name, kind in SCHEMA)
    con.execute(f"""COPY (SELECT {typed} FROM (
        SELECT * FROM files
        UNION ALL   -- the second link of 1% of files, in another directory
        SELECT d.path || '/link_' || regexp_extract(f.path, '[^/]*$'),
               f.size, f.modified_time, f.accessed_time, f.created_time, f.file_type, f.inode,
               f.permissions, d.path, d.depth + 1, d.top, f.uid, f.gid,
               f.allocated_size, f.nlink, f.device, f.changed_time, f.symlink_target,
               f.path_bytes, f.owner, f."group"
        FROM files f JOIN dirs d ON d.id = 1 + floor(u0(f.inode, 'link_dir') * {dirs})::BIGINT
        WHERE f.nlink = 2
        UNION ALL
        SELECT path, 4096 * (1 + floor(u0(id, 'dsize') * 3)),
               {AS_OF} - floor(u0(id, 'dage') * 3e8), {AS_OF} - 3600, NULL,
               'directory', id, 493,
               CASE WHEN depth = 0 THEN '{os.path.dirname(ROOT)}'
                    ELSE regexp_replace(path, '/[^/]*$', '') END,
               depth, top, CASE WHEN depth = 0 THEN 0 ELSE 1000 + id % 60 END, 100,
               4096 * (1 + floor(u0(id, 'dsize') * 3)), 2, 2049, {AS_OF} - 7200, NULL, NULL,
               CASE WHEN depth = 0 THEN 'root' ELSE 'user' || (1000 + id % 60) END, 'grp100'
        FROM dirs)
    ) TO '{out}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 100000,
                  KV_METADATA {{'scan.root': '{ROOT}', 'scan.started_at': '{STARTED_AT}',
                               'scan.host': 'synthetic'}})""")
    return con.execute(f"SELECT count(*) FROM read_parquet('{out}')").fetchone()[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="Parquet file to write")
    ap.add_argument("--rows", type=int, default=10_000_000, help="about this many rows")
    ap.add_argument("--variant", type=int, choices=(0, 1), default=0,
                    help="1: the same tree a month later (for diff)")
    ap.add_argument("--memory-limit", default="2GB")
    args = ap.parse_args()
    start = time.monotonic()
    n = generate(args.out, args.rows, args.variant, args.memory_limit)
    print(f"{args.out}: {n:,} rows in {time.monotonic() - start:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
