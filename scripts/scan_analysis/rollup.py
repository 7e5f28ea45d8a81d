"""Subtree totals: for every directory, what `du -s DIR` says (entries, apparent, allocated).

Each entry's bytes belong to every ancestor directory. Spreading 10^8 entries over ~10
ancestors each would make 10^9 rows, so the spreading is done in two steps:

  1. direct   per directory: its own entry, and its non-directory children summed
              (one GROUP BY over the snapshot: about twice as many rows as directories);
  2. spread   each direct row is added to the directory and all its ancestors, whose paths
              are the prefixes of its path (directories x depth rows, grouped again).

Both GROUP BYs spill to disk under DuckDB's memory limit.

Hard links follow du: a file with links in two subtrees counts in each of them, and once in
any directory holding both. Those rows (usually few) are spread per link and made distinct on
(ancestor, device, inode) before summing. So each figure equals `du -s DIR`, and the totals of
two sibling subtrees may add up to more than their parent's when links cross between them.

Depths are relative to the scan root (depth 0). A file scanned as the root has no directory
and is left out.
"""
from __future__ import annotations

from .engine import Engine
from .figures import top_and_others

# The ancestor of directory `p` (at relative depth `d`) at relative depth `k`: the first
# len(parts) - d + k components of p. A root of '/' leaves an empty prefix, which is '/'.
# dir_summary.py spreads with the same macro.
ANCESTOR_MACRO = """
CREATE OR REPLACE TEMP MACRO ancestor_at(parts, d, k) AS
  coalesce(nullif(array_to_string(list_slice(parts, 1, len(parts) - d + k), '/'), ''), '/')
"""


def build(engine: Engine, p: str = "") -> None:
    """Creates the table {p}subtree(path, depth, entries, apparent, allocated)."""
    engine.con.execute(ANCESTOR_MACRO)
    engine.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {p}subtree AS
        WITH direct AS (
            -- Two parts rather than one GROUP BY on a CASE of path/parent_path: grouping
            -- the plain column is about 40% faster at 10^7 rows.
            SELECT parent_path AS dir, any_value(depth)::BIGINT - 1 AS dir_depth,
                   count(*) AS entries, sum(size) AS apparent,
                   sum(allocated_size) AS allocated
            FROM {p}entries
            WHERE kind <> 'directory' AND nlink <= 1 AND depth > 0
            GROUP BY parent_path
            UNION ALL
            SELECT path, depth, 1, size, allocated_size FROM {p}entries WHERE kind = 'directory'
        ),
        spread AS (
            SELECT ancestor_at(parts, dir_depth, k) AS path, k AS depth,
                   entries, apparent, allocated
            FROM (SELECT *, string_split(dir, '/') AS parts,
                         unnest(range(0, dir_depth + 1)) AS k FROM direct)
        ),
        linked AS (
            SELECT DISTINCT ancestor_at(parts, depth - 1, k) AS path, k AS depth,
                   device, inode, size, allocated_size
            FROM (SELECT *, string_split(parent_path, '/') AS parts,
                         unnest(range(0, depth::BIGINT)) AS k
                  FROM {p}entries WHERE nlink > 1 AND kind <> 'directory' AND depth > 0)
        )
        SELECT path, depth, sum(entries)::BIGINT AS entries,
               sum(apparent)::BIGINT AS apparent, sum(allocated)::BIGINT AS allocated
        FROM (SELECT * FROM spread
              UNION ALL
              SELECT path, depth, 1, size, allocated_size FROM linked)
        GROUP BY path, depth""")


def largest_directories(engine: Engine, top: int, p: str = "") -> list[dict]:
    return engine.rows(f"""
        SELECT path, depth, entries, apparent, allocated FROM {p}subtree WHERE depth >= 1
        ORDER BY allocated DESC, path LIMIT {int(top)}""")


def top_level_sql(p: str = "") -> str:
    """Each entry directly under the root, with what `du -s` says of it: a directory's
    subtree, or a file's own size (per path, as du counts a path it is given)."""
    return f"""
        SELECT regexp_extract(path, '[^/]*$') AS name, 'directory' AS kind,
               entries, apparent, allocated
        FROM {p}subtree WHERE depth = 1
        UNION ALL
        SELECT top_level_dir, kind, 1, size, allocated_size FROM {p}entries
        WHERE depth = 1 AND kind <> 'directory'"""


def top_level(engine: Engine, top: int, p: str = "") -> dict:
    return top_and_others(engine, top_level_sql(p), "allocated DESC, name", top, "names")


def treemap_nodes(engine: Engine, min_allocated: int, max_depth: int = 3,
                  limit: int = 400, p: str = "") -> list[dict]:
    """The root and the directories down to `max_depth` holding at least `min_allocated`
    bytes, largest first: a parent is never smaller than its child, so it always comes first
    and the treemap can nest them."""
    return engine.rows(f"""
        SELECT path, depth, entries, apparent, allocated FROM {p}subtree
        WHERE depth <= {int(max_depth)} AND (depth = 0 OR allocated >= {int(min_allocated)})
        ORDER BY allocated DESC, depth, path LIMIT {int(limit)}""")
