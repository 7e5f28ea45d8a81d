"""The DuckDB side: an out-of-core connection and the views every figure is computed from.

Nothing here loads rows into Python. DuckDB streams the Parquet files, and spills sorts,
joins and aggregations to `temp_dir` when they outgrow `memory_limit`, so a snapshot of 10^8
rows is analysed within a laptop's memory.

Views, per snapshot (prefix "" for a report, "old_"/"new_" for a diff):
  {p}entries     every row, plus `kind`: 'file' for a regular file, else its file_type
  {p}hardlinked  one row per (device, inode) of a non-directory with nlink > 1: the link with
                 the smallest path stands for the file (a table; small unless the tree is a
                 hard-link farm such as rsnapshot's)
  {p}counted     every entry once, hard links once: what du counts
"""
from __future__ import annotations

import dataclasses
import datetime
import json
import os
import shutil
import tempfile

import duckdb

from .snapshot import Snapshot, SnapshotError

# Types the scanner writes for entries that are not regular files (SPEC.md, file_type).
SPECIAL_TYPES = ("directory", "symlink", "fifo", "socket", "block_device", "char_device")

REQUIRED_COLUMNS = ("path", "size", "modified_time", "accessed_time", "file_type", "inode",
                    "parent_path", "depth", "top_level_dir", "uid", "gid", "allocated_size",
                    "nlink", "device", "owner", "group")


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def sql_list(strings: list[str]) -> str:
    return "[" + ", ".join(sql_str(s) for s in strings) + "]"


class Engine:
    """One DuckDB connection with a spill directory of its own (made inside `temp_dir`, or
    the system's temporary directory); close() removes it."""

    def __init__(self, memory_limit: str, temp_dir: str | None, threads: int | None):
        self.temp_dir = tempfile.mkdtemp(prefix="analyze_scan-", dir=temp_dir)
        config = {"memory_limit": memory_limit, "temp_directory": self.temp_dir,
                  # Row order is never relied on; dropping it lets DuckDB stream more.
                  "preserve_insertion_order": False}
        if threads:
            config["threads"] = threads
        self.con = duckdb.connect(config=config)
        # A progress bar would land in the middle of the report or the JSON.
        self.con.execute("SET enable_progress_bar = false")

    def rows(self, sql: str) -> list[dict]:
        cur = self.con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def one(self, sql: str) -> dict:
        return self.rows(sql)[0]

    def close(self) -> None:
        self.con.close()
        shutil.rmtree(self.temp_dir, ignore_errors=True)


def first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def register(engine: Engine, snap: Snapshot, prefix: str = "") -> None:
    """Creates the {prefix}entries / hardlinked / counted views of `snap` (see the module doc)."""
    files = sql_list(snap.files)
    _check_columns(engine, files, snap.spec)
    kind = ("CASE WHEN file_type IN (" + ", ".join(map(sql_str, SPECIAL_TYPES)) +
            ") THEN file_type ELSE 'file' END")
    engine.con.execute(f"""
        CREATE OR REPLACE TEMP VIEW {prefix}entries AS
        SELECT *, {kind} AS kind FROM read_parquet({files})""")
    engine.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {prefix}hardlinked AS
        SELECT * FROM {prefix}entries WHERE nlink > 1 AND kind <> 'directory'
        QUALIFY row_number() OVER (PARTITION BY device, inode ORDER BY path) = 1""")
    engine.con.execute(f"""
        CREATE OR REPLACE TEMP VIEW {prefix}counted AS
        SELECT * FROM {prefix}entries WHERE nlink <= 1 OR kind = 'directory'
        UNION ALL SELECT * FROM {prefix}hardlinked""")


def _check_columns(engine: Engine, files: str, spec: str) -> None:
    try:
        described = engine.rows(f"DESCRIBE SELECT * FROM read_parquet({files})")
    except duckdb.Error as e:
        raise SnapshotError(f"cannot read snapshot {spec}: {first_line(e)}") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in {d["column_name"] for d in described}]
    if missing:
        raise SnapshotError(f"snapshot {spec} lacks columns {', '.join(missing)} "
                            "(not written by this storage-scanner?)")


@dataclasses.dataclass
class ScanInfo:
    """What the files' key-value metadata and the manifests say about the scan(s)."""
    roots: list[str]
    hosts: list[str]
    scanner_versions: list[str]
    started_at: str | None        # earliest start, ISO 8601
    as_of: int                    # seconds since the epoch: ages are measured from here
    as_of_source: str             # 'scan start', '--as-of' or 'now (no start time found)'
    one_file_system: bool


def scan_info(engine: Engine, snap: Snapshot, as_of: int | None) -> ScanInfo:
    kv = engine.rows(f"""
        SELECT decode(key) AS key, decode(value) AS value
        FROM parquet_kv_metadata({sql_list(snap.files)})
        WHERE decode(key) IN ('scan.root', 'scan.host', 'scan.started_at', 'scan.options',
                              'storage_scanner.version')
        GROUP BY ALL""")
    values = {k: sorted({r["value"] for r in kv if r["key"] == k}) for k in
              ("scan.root", "scan.host", "scan.started_at", "scan.options",
               "storage_scanner.version")}
    starts = [t for t in values["scan.started_at"] + [m.started_at for m in snap.manifests]
              if _is_time(t)]
    started_at = min(starts, key=parse_time) if starts else None
    if as_of is not None:
        when, source = as_of, "--as-of"
    elif started_at:
        when, source = parse_time(started_at), "scan start"
    else:
        when, source = int(datetime.datetime.now().timestamp()), "now (no start time found)"
    return ScanInfo(roots=values["scan.root"], hosts=values["scan.host"],
                    scanner_versions=values["storage_scanner.version"], started_at=started_at,
                    as_of=when, as_of_source=source,
                    one_file_system=any(_option(o, "one_file_system")
                                        for o in values["scan.options"]))


def _option(options_json: str, name: str):
    try:
        return json.loads(options_json).get(name)
    except (ValueError, AttributeError):
        return None


def _is_time(text: str | None) -> bool:
    try:
        parse_time(text or "")
    except ValueError:
        return False
    return True


def parse_time(text: str) -> int:
    """ISO 8601 ('2026-11-25T05:57:04Z') or seconds since the epoch -> seconds since the epoch."""
    text = text.strip()
    if text.lstrip("-").isdigit():
        return int(text)
    when = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return int(when.timestamp())


def default_memory_limit() -> str:
    """A quarter of physical memory, at most 4 GB: enough for DuckDB to work in large blocks,
    little enough to leave a shared login node usable. Larger inputs spill to disk."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return "2GB"
    return f"{max(256, min(4096, total // 4 // 2**20))}MB"
