"""What a snapshot does not cover: the error sidecars (STEM_errors.jsonl) summarised.

Each line is {"path", "op", "errno", "error"} (src/output/error_records.h). An `open` or
`getdents` error on a directory means its contents are missing from the snapshot, wholly or
in part; a `statx` error means one entry is missing; a vanished entry (ENOENT) was deleted
while the scan ran, which is no loss.

For an interrupted incremental scan only the prefix the manifest vouches for is read: lines
past it belong to work that a resume redoes (and logs again).
"""
from __future__ import annotations

import os

from .engine import Engine, sql_list

_COLUMNS = "{path: 'VARCHAR', op: 'VARCHAR', errno: 'BIGINT', error: 'VARCHAR'}"


def summarise(engine: Engine, sidecars: list[tuple[str, int | None]], top: int) -> dict:
    files = [_valid_part(engine, i, path, valid) for i, (path, valid) in enumerate(sidecars)]
    files = [f for f in files if os.path.getsize(f) > 0]
    summary = {"sidecars": [path for path, _ in sidecars], "total": 0,
               "unlisted_directories": 0, "by_error": [], "top_directories": [], "sample": []}
    if not files:
        return summary
    engine.con.execute(f"""
        CREATE OR REPLACE TEMP VIEW scan_errors AS
        SELECT * FROM read_json({sql_list(files)}, format = 'newline_delimited',
                                columns = {_COLUMNS})""")
    totals = engine.one("""
        SELECT count(*) AS total,
               count(*) FILTER (WHERE op IN ('open', 'getdents')) AS unlisted_directories
        FROM scan_errors""")
    summary.update({k: int(v) for k, v in totals.items()})
    summary["by_error"] = engine.rows("""
        SELECT op, errno, any_value(error) AS error, count(*) AS count FROM scan_errors
        GROUP BY op, errno ORDER BY count DESC, op, errno""")
    # Where problems cluster: the directories holding the most failed entries.
    summary["top_directories"] = engine.rows(f"""
        SELECT coalesce(nullif(regexp_replace(path, '/[^/]*$', ''), ''), '/') AS path,
               count(*) AS count
        FROM scan_errors GROUP BY 1 ORDER BY count DESC, path LIMIT {int(top)}""")
    summary["sample"] = engine.rows(f"""
        SELECT path, op, errno, error FROM scan_errors ORDER BY path LIMIT {int(top)}""")
    return summary


def _valid_part(engine: Engine, index: int, path: str, valid: int | None) -> str:
    """`path` itself, or a copy of its first `valid` bytes when more follow."""
    if valid is None or os.path.getsize(path) <= valid:
        return path
    part = os.path.join(engine.temp_dir, f"errors-{index}.jsonl")
    with open(path, "rb") as src, open(part, "wb") as dst:
        _copy_prefix(src, dst, valid)
    return part


def _copy_prefix(src, dst, length: int) -> None:
    while length > 0:
        block = src.read(min(length, 1 << 20))
        if not block:
            break
        dst.write(block)
        length -= len(block)
