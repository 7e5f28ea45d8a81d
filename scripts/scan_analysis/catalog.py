"""The catalogue of snapshots: one DuckDB database file, and a store directory beside it.

    CATALOG                          history.duckdb (default: see default_catalog)
    STORE = CATALOG minus .duckdb + .d
      NAME/dirs.parquet              the per-directory summary (dir_summary.py)
      NAME/dir_owners.parquet
      NAME/rows/NNNN_FILE.parquet    the snapshot's own files, only when imported with --copy

The database holds small tables only (format version 1, in table catalog_info):

  snapshots           one row per snapshot: name (primary key), taken_at (TIMESTAMP, UTC),
                      date_source, roots, spec, data_files, copied, completed, fingerprint
                      (unique), rows, entries, files, directories, apparent, allocated,
                      errors, hosts, scanner_versions, dir_summary_version, imported_at
  snapshot_top_level  (snapshot, name, kind, entries, apparent, allocated): each entry
                      directly under the root, as du -s counts it
  snapshot_owners     (snapshot, uid, owner, entries, files, apparent, allocated)
  snapshot_types      (snapshot, type, entries, apparent, allocated)

Figures count hard links once, as analyze_scan.py does (docs/analysis.md), so history reports
run on these tables and the summaries and never rescan a snapshot's rows.

The catalogue is only ever opened through an engine's DuckDB connection (ATTACH), read-only
for every check, read-write only for the one transaction that records a snapshot: a refused
import never opens it for writing, so the file stays byte for byte what it was.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
from typing import Callable

import duckdb

from .engine import Engine, first_line, sql_str

FORMAT = "storage-scanner-catalog"
VERSION = "1"
ALIAS = "cat"
# The bytes DuckDB writes at offset 8 of every database file (its main header's magic).
DUCKDB_MAGIC = b"DUCK"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {ALIAS}.catalog_info (key VARCHAR PRIMARY KEY, value VARCHAR);
INSERT OR IGNORE INTO {ALIAS}.catalog_info VALUES ('format', '{FORMAT}'), ('version', '{VERSION}');
CREATE TABLE IF NOT EXISTS {ALIAS}.snapshots (
    name VARCHAR PRIMARY KEY, taken_at TIMESTAMP NOT NULL, date_source VARCHAR,
    roots VARCHAR[], spec VARCHAR, data_files VARCHAR[], copied BOOLEAN, completed BOOLEAN,
    fingerprint VARCHAR UNIQUE, rows BIGINT, entries BIGINT, files BIGINT, directories BIGINT,
    apparent BIGINT, allocated BIGINT, errors BIGINT, hosts VARCHAR[],
    scanner_versions VARCHAR[], dir_summary_version VARCHAR, imported_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS {ALIAS}.snapshot_top_level (
    snapshot VARCHAR, name VARCHAR, kind VARCHAR, entries BIGINT, apparent BIGINT,
    allocated BIGINT);
CREATE TABLE IF NOT EXISTS {ALIAS}.snapshot_owners (
    snapshot VARCHAR, uid UINTEGER, owner VARCHAR, entries BIGINT, files BIGINT,
    apparent BIGINT, allocated BIGINT);
CREATE TABLE IF NOT EXISTS {ALIAS}.snapshot_types (
    snapshot VARCHAR, type VARCHAR, entries BIGINT, apparent BIGINT, allocated BIGINT);
"""


class CatalogError(Exception):
    """A catalogue that cannot be used, or a refused import; the message is one line."""


def default_catalog() -> str:
    """$SSCAN_CATALOG, else $XDG_DATA_HOME/storage-scanner/history.duckdb (XDG_DATA_HOME
    defaults to ~/.local/share): per user, outside any scanned tree, beside nothing else."""
    if os.environ.get("SSCAN_CATALOG"):
        return os.environ["SSCAN_CATALOG"]
    data = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local",
                                                           "share")
    return os.path.join(data, "storage-scanner", "history.duckdb")


def store_dir(catalog: str) -> str:
    """history.duckdb -> history.d (beside it)."""
    stem = catalog[: -len(".duckdb")] if catalog.endswith(".duckdb") else catalog
    return stem + ".d"


def snapshot_dir(catalog: str, name: str) -> str:
    return os.path.join(store_dir(catalog), name)


# Work in progress in the store: an import's staging directory (tmp) and a removed snapshot's
# directory waiting to be deleted (removed), named for the process that made them. Hidden
# (leading dot): no command reads them as snapshots.
_IN_PROGRESS = re.compile(
    r"^\.(?P<name>.+)\.(?P<kind>tmp|removed)-(?P<pid>\d+)(?:@(?P<host>.*))?$")


def in_progress_dir(catalog: str, name: str, kind: str) -> str:
    """STORE/.NAME.KIND-PID@HOST for this process; KIND is "tmp" or "removed"."""
    return os.path.join(store_dir(catalog),
                        f".{name}.{kind}-{os.getpid()}@{socket.gethostname()}")


def recover(catalog: str, listed: set[str]) -> list[str]:
    """Finishes what an import or removal killed half-way left in the store (`listed`: the
    snapshot names the catalogue holds now); returns one line per directory it handled.

    Only directories of processes that no longer run on this host are touched:
      - .NAME.tmp-PID      an import that died before COMMIT: deleted;
      - .NAME.removed-PID  a removal that died after moving NAME's directory aside: moved
                           back when the catalogue still lists NAME (the removal never
                           reached COMMIT), else deleted (it did; only the clean-up was left).
    Failures are reported in the returned lines, not raised: the command goes on."""
    store = store_dir(catalog)
    try:
        entries = sorted(os.listdir(store))
    except OSError:
        return []
    host = socket.gethostname()
    done = []
    for entry in entries:
        m = _IN_PROGRESS.match(entry)
        if m is None or m["host"] not in (None, host) or _running(int(m["pid"])):
            continue
        path = os.path.join(store, entry)
        final = snapshot_dir(catalog, m["name"])
        try:
            if m["kind"] == "removed" and m["name"] in listed and not os.path.lexists(final):
                os.rename(path, final)
                done.append(f"restored {final}: removing {m['name']} was interrupted before "
                            "the catalogue recorded it")
            else:
                shutil.rmtree(path)
                what = "an import" if m["kind"] == "tmp" else f"removing {m['name']}"
                done.append(f"deleted {path}, left by {what} that was interrupted")
        except OSError as e:
            done.append(f"cannot clean up {path}: {e.strerror}")
    return done


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def check_name(name: str) -> str:
    """Names become directory names and hive partition values (snapshot=NAME)."""
    if not NAME_PATTERN.match(name):
        raise ValueError(f"invalid snapshot name {name!r}: use 1-128 letters, digits, '.', "
                         "'_' or '-', starting with a letter or digit")
    return name


def name_argument(text: str) -> str:
    """check_name as an argparse type: an invalid NAME is a usage error (status 2)."""
    try:
        return check_name(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def check_file(catalog: str, must_exist: bool) -> bool:
    """True when `catalog` exists and looks like a DuckDB database; False when it does not
    exist (and need not); CatalogError otherwise. Reads 12 bytes, opens nothing in DuckDB:
    DuckDB itself would overwrite a file it does not recognise as empty."""
    if not os.path.exists(catalog):
        if must_exist:
            raise CatalogError(f"catalogue {catalog} does not exist (import a snapshot first)")
        return False
    if os.path.isdir(catalog):
        raise CatalogError(f"catalogue {catalog} is a directory, not a DuckDB database file")
    try:
        with open(catalog, "rb") as f:
            header = f.read(12)
    except OSError as e:
        raise CatalogError(f"cannot read catalogue {catalog}: {e.strerror}") from None
    if header[8:12] != DUCKDB_MAGIC:
        raise CatalogError(f"catalogue {catalog} is not a DuckDB database")
    return True


def attach(engine: Engine, catalog: str, read_only: bool) -> None:
    """ATTACH the catalogue as `cat`; when read-only it must be a storage-scanner catalogue of a
    known version (an empty DuckDB database is accepted for writing, and set up)."""
    mode = " (READ_ONLY)" if read_only else ""
    try:
        engine.con.execute(f"ATTACH {sql_str(catalog)} AS {ALIAS}{mode}")
    except duckdb.Error as e:
        raise CatalogError(f"cannot open catalogue {catalog}: {first_line(e)}") from None
    tables = {r["table_name"] for r in engine.rows(
        f"SELECT table_name FROM duckdb_tables() WHERE database_name = '{ALIAS}'")}
    if "catalog_info" not in tables:
        if tables or read_only:
            detach(engine)
            raise CatalogError(f"{catalog} is a DuckDB database but not a storage-scanner "
                               "catalogue (no catalog_info table)")
        return
    info = {r["key"]: r["value"] for r in engine.rows(f"SELECT * FROM {ALIAS}.catalog_info")}
    if info.get("format") != FORMAT or info.get("version") != VERSION:
        detach(engine)
        raise CatalogError(f"catalogue {catalog} has format {info.get('format')!r} version "
                           f"{info.get('version')!r}; this tool reads {FORMAT} {VERSION}")


def detach(engine: Engine) -> None:
    engine.con.execute(f"DETACH {ALIAS}")


def write(engine: Engine, catalog: str, change: Callable[[], None],
          move: tuple[str, str] | None = None) -> bool:
    """Runs change() in one read-write transaction of the catalogue and, just before COMMIT,
    renames the store directory move[0] to move[1] when it exists, so that the catalogue and its
    store change together: on any failure the transaction is rolled back and the directory
    renamed back. A crash between the rename and COMMIT leaves the directory at move[1] with
    the catalogue unchanged; recover() sorts that out at the next command. Returns whether the
    directory was renamed."""
    attach(engine, catalog, read_only=False)
    moved = False
    try:
        engine.con.execute("BEGIN TRANSACTION")
        change()
        if move is not None and os.path.lexists(move[0]):
            os.rename(move[0], move[1])
            moved = True
        engine.con.execute("COMMIT")
    except BaseException:
        try:
            engine.con.execute("ROLLBACK")
        except duckdb.Error:
            pass
        if moved:
            os.rename(move[1], move[0])
        detach(engine)
        raise
    detach(engine)
    return moved


def create_schema(engine: Engine) -> None:
    engine.con.execute(SCHEMA)


def recover_attached(engine: Engine, catalog: str, report: Callable[[str], None]) -> None:
    """recover() for the attached catalogue, each line handed to report()."""
    for line in recover(catalog, {r["name"] for r in snapshots(engine)}):
        report(line)


def snapshots(engine: Engine) -> list[dict]:
    """Every snapshot of the attached catalogue, oldest first."""
    return engine.rows(f"SELECT * FROM {ALIAS}.snapshots ORDER BY taken_at, name")


def data_files(catalog: str, row: dict) -> list[str]:
    """The Parquet files of a catalogued snapshot: its own, or the copies in the store."""
    if row["copied"]:
        return [os.path.join(snapshot_dir(catalog, row["name"]), f) for f in row["data_files"]]
    return list(row["data_files"])
