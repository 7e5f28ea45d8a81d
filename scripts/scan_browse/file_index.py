"""The file index: every non-directory entry of a snapshot, sorted by directory, so that the
browser lists the files of one directory without scanning the snapshot.

files.parquet (FORMAT_VERSION 1, key-value metadata `storage_scanner.file_index` = "1"):

  column          type      meaning
  parent_path     VARCHAR   the directory holding the entry (sorted by this, then name)
  name            VARCHAR   last component of the entry's path
  kind            VARCHAR   'file', 'symlink', 'fifo', 'socket', 'block_device', 'char_device'
  size            UBIGINT   apparent size
  allocated_size  UBIGINT   st_blocks * 512
  modified_time   BIGINT    mtime, seconds since the epoch
  uid             UINTEGER  owner id
  owner           VARCHAR   owner name as the snapshot recorded it (null: not resolved)
  nlink           UBIGINT   hard-link count

The per-directory summary (scan_analysis/dir_summary.py) holds directories only; a
directory's files are what it lacks for an ncdu-style listing. Row groups are small (ROW_GROUP
rows), so a lookup by parent_path reads a few kilobytes. Every hard link is its own row: a
listing shows each link, as ncdu does, while the totals come from the summary (links once).
"""
from __future__ import annotations

import os

from scan_analysis.engine import Engine, sql_str

FORMAT_VERSION = "1"
METADATA_KEY = "storage_scanner.file_index"
FILE_NAME = "files.parquet"
# Small row groups: a directory's files are one contiguous run, and a lookup reads only the
# row groups whose parent_path range holds it.
ROW_GROUP = 20_000

COLUMNS = (("parent_path", "VARCHAR"), ("name", "VARCHAR"), ("kind", "VARCHAR"),
           ("size", "UBIGINT"), ("allocated_size", "UBIGINT"), ("modified_time", "BIGINT"),
           ("uid", "UINTEGER"), ("owner", "VARCHAR"), ("nlink", "UBIGINT"))


def write(engine: Engine, out_dir: str, p: str = "") -> str:
    """Writes {out_dir}/files.parquet from the {p}entries view (engine.register's columns plus
    `kind`), under a temporary name renamed into place when whole; returns its path."""
    final = os.path.join(out_dir, FILE_NAME)
    temp = os.path.join(out_dir, f".{FILE_NAME}.tmp-{os.getpid()}")
    select = ", ".join(
        f"{'regexp_extract(path, ' + sql_str('[^/]*$') + ')' if name == 'name' else name}"
        f"::{kind} AS {name}" for name, kind in COLUMNS)
    engine.con.execute(f"""
        COPY (SELECT {select} FROM {p}entries WHERE kind <> 'directory' AND depth > 0
              ORDER BY parent_path, name)
        TO {sql_str(temp)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP},
                            KV_METADATA {{{sql_str(METADATA_KEY)}: {sql_str(FORMAT_VERSION)}}})""")
    os.replace(temp, final)
    return final
