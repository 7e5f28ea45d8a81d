"""The catalogue as a hive-partitioned Parquet dataset, for engines beyond one machine.

    DIR/entries/snapshot=NAME/part-0.parquet      every row of the snapshot, as scanned
    DIR/dirs/snapshot=NAME/dirs.parquet           its per-directory summary (dir_summary.py)
    DIR/dir_owners/snapshot=NAME/dir_owners.parquet
    DIR/snapshots.parquet                         the catalogue's tables, rewritten each time
    DIR/snapshot_top_level.parquet, snapshot_owners.parquet, snapshot_types.parquet

One glob reads the whole history: Spark `spark.read.parquet("DIR/entries")`, Trino's hive
connector, Polars `pl.scan_parquet("DIR/entries/**/*.parquet", hive_partitioning=True)`,
DuckDB `read_parquet('DIR/entries/*/*.parquet', hive_partitioning = true)`; the partition
column `snapshot` comes from the directory name, as hive lays it out.

Exporting is incremental: a snapshot whose partition exists is left as it is, so a monthly
export writes only the new month. Each partition is written under a hidden temporary name
(.snapshot=NAME.tmp-PID: readers skip dot-directories) and renamed when whole.
"""
from __future__ import annotations

import os
import shutil

import duckdb

from . import catalog, dir_summary
from .catalog import ALIAS
from .engine import Engine, first_line, sql_list, sql_str

TABLES = ("snapshots", "snapshot_top_level", "snapshot_owners", "snapshot_types")


def export(engine: Engine, catalog_path: str, out_dir: str, progress=lambda m: None) -> dict:
    """Exports every catalogued snapshot not yet in `out_dir`. Returns {"exported": [...],
    "already": [...], "skipped": [(name, reason)]}: a snapshot whose rows are gone (deleted
    from scratch, never copied) is skipped with its reason, the rest are exported."""
    os.makedirs(out_dir, exist_ok=True)
    done = {"exported": [], "already": [], "skipped": []}
    for row in catalog.snapshots(engine):
        name = row["name"]
        if os.path.isdir(_partition(out_dir, "entries", name)):
            done["already"].append(name)
            continue
        files = catalog.data_files(catalog_path, row)
        missing = [f for f in files if not os.path.isfile(f)]
        if missing:
            done["skipped"].append((name, f"its rows are gone: {missing[0]} is missing "
                                          "(import with --copy to keep them)"))
            continue
        progress(f"exporting {name}")
        try:
            _write_partitions(engine, catalog_path, out_dir, name, files)
        except duckdb.Error as e:
            done["skipped"].append((name, f"cannot read its rows: {first_line(e)}"))
            continue
        done["exported"].append(name)
    for table in TABLES:
        _publish(os.path.join(out_dir, f"{table}.parquet"), lambda tmp, t=table: engine.con.execute(
            f"COPY {ALIAS}.{t} TO {sql_str(tmp)} (FORMAT parquet, COMPRESSION zstd)"))
    return done


def _partition(out_dir: str, dataset: str, name: str) -> str:
    return os.path.join(out_dir, dataset, f"snapshot={name}")


def _write_partitions(engine: Engine, catalog_path: str, out_dir: str, name: str,
                      files: list[str]) -> None:
    # Summaries first: the rows' partition is the mark of a finished export.
    summary = catalog.snapshot_dir(catalog_path, name)
    for dataset, filename in (("dirs", dir_summary.DIRS_FILE),
                              ("dir_owners", dir_summary.OWNERS_FILE)):
        _publish_dir(_partition(out_dir, dataset, name), lambda tmp, f=filename: shutil.copyfile(
            os.path.join(summary, f), os.path.join(tmp, f)))
    _publish_dir(_partition(out_dir, "entries", name), lambda tmp: engine.con.execute(f"""
        COPY (SELECT * FROM read_parquet({sql_list(files)}, union_by_name = true))
        TO {sql_str(os.path.join(tmp, 'part-0.parquet'))}
        (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 100000)"""))


def _publish_dir(final: str, fill) -> None:
    """Makes a hidden temporary directory beside `final`, fills it, renames it to `final`
    (replacing one left by an interrupted export)."""
    parent, base = os.path.split(final)
    os.makedirs(parent, exist_ok=True)
    temp = os.path.join(parent, f".{base}.tmp-{os.getpid()}")
    shutil.rmtree(temp, ignore_errors=True)
    os.mkdir(temp)
    try:
        fill(temp)
        if os.path.isdir(final):
            shutil.rmtree(final)
        os.rename(temp, final)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def _publish(final: str, fill) -> None:
    parent, base = os.path.split(final)
    temp = os.path.join(parent, f".{base}.tmp-{os.getpid()}")
    try:
        fill(temp)
        os.replace(temp, final)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise
