"""Recording one snapshot in the catalogue (scripts/import_snapshot.py's engine).

Order matters, so that a refusal or a failure leaves the catalogue exactly as it was:

  1. check     the catalogue file (12 bytes), the snapshot (its files, columns, completeness),
               and, read-only, that neither the name nor the snapshot is catalogued already;
  2. compute   in a staging directory of the store (.NAME.tmp-PID@HOST): the per-directory summary
               (the one pass that reads every row, and so finds a damaged file), the copied
               files with --copy, and the small per-snapshot tables in DuckDB temp tables;
  3. commit    one read-write transaction inserts the rows; the staging directory is renamed
               to STORE/NAME just before COMMIT and renamed back out of the way if COMMIT
               fails. A crash in between leaves at most an orphan directory, which the next
               import of that name replaces; a crash before leaves the staging directory,
               which the next catalogue command deletes (catalog.recover).

The same snapshot is recognised by its fingerprint: a hash of every data file's size and last
64 KiB (the Parquet footer: row groups and their statistics), in sorted order — so the same
scan given as a glob, a directory or a manifest, copied or moved, is the same snapshot.
"""
from __future__ import annotations

import dataclasses
import datetime
import hashlib
import os
import shutil

import duckdb

from . import catalog, dir_summary, rollup, sidecar
from .catalog import ALIAS, CatalogError
from .engine import Engine, first_line, register, scan_info, sql_str
from .report import row_counts
from .snapshot import Snapshot, SnapshotError

FOOTER_BYTES = 64 * 1024


@dataclasses.dataclass
class ImportRequest:
    catalog: str
    name: str
    snap: Snapshot
    date: int | None          # seconds since the epoch, or None: the scan's start
    copy: bool
    allow_partial: bool


def fingerprint(files: list[str]) -> str:
    digests = []
    for path in files:
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            f.seek(max(0, size - FOOTER_BYTES))
            digests.append(f"{size}:{hashlib.sha256(f.read()).hexdigest()}")
    return hashlib.sha256("\n".join(sorted(digests)).encode()).hexdigest()


def run(engine: Engine, req: ImportRequest, progress=lambda message: None,
        report=lambda line: None) -> dict:
    """Imports req.snap as req.name; returns the catalogue's row for it. Raises CatalogError
    (refusals), SnapshotError (unreadable snapshot) or duckdb.Error, changing nothing.
    report() gets a line for each leftover of an interrupted command it cleaned up first."""
    exists = catalog.check_file(req.catalog, must_exist=False)
    snap = req.snap
    if not snap.completed and not req.allow_partial:
        pending = [m.path for m in snap.manifests if not m.completed]
        raise CatalogError(f"snapshot {snap.spec} is incomplete ({pending[0]} says "
                           "completed=false): resume the scan, or import it with "
                           "--allow-partial to record it as partial")
    register(engine, snap)
    progress(f"fingerprinting {len(snap.files)} file(s)")
    fp = fingerprint(snap.files)
    if exists:
        catalog.attach(engine, req.catalog, read_only=True)
        try:
            catalog.recover_attached(engine, req.catalog, report)
            _check_new(engine, req.name, fp)
        finally:
            catalog.detach(engine)
    else:
        for line in catalog.recover(req.catalog, set()):
            report(line)
    counts = row_counts(engine)
    _check_roots(engine, snap, counts)
    info = scan_info(engine, snap, req.date)
    if req.date is None and info.as_of_source != "scan start":
        raise CatalogError(f"snapshot {snap.spec} records no start time: give --date")

    made = _make_dirs(catalog.store_dir(req.catalog))
    staging = catalog.in_progress_dir(req.catalog, req.name, "tmp")
    os.mkdir(staging)
    try:
        copied = _copy_files(snap.files, staging, progress) if req.copy else None
        progress("summarising every directory")
        try:
            dir_summary.compute(engine, staging, metadata={"snapshot.name": req.name})
        except duckdb.Error as e:  # the first pass over every row finds a damaged file
            raise SnapshotError(f"cannot read snapshot {snap.spec}: {first_line(e)}") from None
        progress("totals by top-level directory, owner and type")
        _aggregate(engine)
        row = {"name": req.name, "taken_at": info.as_of,
               "date_source": "--date" if req.date is not None else "scan start",
               "roots": info.roots, "spec": snap.spec,
               "data_files": copied if copied is not None else snap.files,
               "copied": req.copy, "completed": snap.completed, "fingerprint": fp,
               "rows": counts["rows"], "errors": sidecar.summarise(engine, snap.sidecars,
                                                                    1)["total"],
               "hosts": info.hosts, "scanner_versions": info.scanner_versions,
               "dir_summary_version": dir_summary.SCHEMA_VERSION}
        _commit(engine, req, row, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        for directory in reversed(made):  # only what this import created, and only if empty
            try:
                os.rmdir(directory)
            except OSError:
                break
        raise
    return row


def _make_dirs(store: str) -> list[str]:
    """Creates the store (and the catalogue's directory, which is its parent); returns the
    directories it created, outermost first."""
    made = []
    path = os.path.abspath(store)
    while not os.path.isdir(path):
        made.append(path)
        path = os.path.dirname(path)
    for directory in reversed(made):
        os.mkdir(directory)
    return list(reversed(made))


def _check_new(engine: Engine, name: str, fp: str) -> None:
    for r in engine.rows(f"""SELECT name, fingerprint, imported_at FROM {ALIAS}.snapshots
                             WHERE name = {sql_str(name)} OR fingerprint = {sql_str(fp)}"""):
        if r["name"] == name:
            raise CatalogError(f"snapshot name {name!r} is already in the catalogue "
                               f"(imported {r['imported_at']:%Y-%m-%d %H:%M:%S} UTC)")
        raise CatalogError(f"this snapshot is already in the catalogue as {r['name']!r} "
                           f"(imported {r['imported_at']:%Y-%m-%d %H:%M:%S} UTC)")


def _check_roots(engine: Engine, snap: Snapshot, counts: dict) -> None:
    """Files of overlapping scans read together (a scan's output beside its own chunks, or
    scans of nested directories) would count every shared entry twice in the history."""
    distinct = engine.one("SELECT count(DISTINCT path) AS n FROM entries WHERE depth = 0")["n"]
    if counts["root_rows"] > distinct:
        raise CatalogError(f"snapshot {snap.spec} holds the same scan root "
                           f"{counts['root_rows'] - distinct + 1} times (files of overlapping "
                           "scans read together): import each scan's files on their own")
    # Scans of a directory and of one inside it (/data and /data/lab): every entry under the
    # inner root is in both. Sibling roots (one scan per top-level directory) are fine.
    nested = engine.rows("""
        WITH roots AS (SELECT DISTINCT path FROM entries WHERE depth = 0)
        SELECT o.path AS outer_root, i.path AS inner_root FROM roots o, roots i
        WHERE i.path <> o.path
          AND starts_with(i.path, CASE WHEN o.path = '/' THEN '/' ELSE o.path || '/' END)
        ORDER BY 1, 2 LIMIT 1""")
    if nested:
        raise CatalogError(f"snapshot {snap.spec} holds scan root {nested[0]['inner_root']} "
                           f"inside scan root {nested[0]['outer_root']} (nested scans read "
                           "together): its entries would count twice; import each scan's "
                           "files on their own")


def _copy_files(files: list[str], staging: str, progress) -> list[str]:
    """Copies the data files into staging/rows/; returns their paths relative to the
    snapshot's store directory. Numbered, since two globbed directories may hold one name."""
    os.makedirs(os.path.join(staging, "rows"))
    out = []
    for i, path in enumerate(files):
        progress(f"copying {path}")
        relative = os.path.join("rows", f"{i:04d}_{os.path.basename(path)}")
        shutil.copyfile(path, os.path.join(staging, relative))
        out.append(relative)
    return out


def _aggregate(engine: Engine) -> None:
    """imp_kinds / imp_owners / imp_types in one pass over the rows (hard links once), and
    imp_top_level from the summary's depth-1 directories (rollup.top_level_sql)."""
    engine.con.execute("""
        CREATE OR REPLACE TEMP TABLE imp_groups AS
        SELECT grouping(kind, uid, file_type) AS g, kind, uid, file_type, max(owner) AS owner,
               count(*) AS entries, count(*) FILTER (WHERE kind = 'file') AS files,
               sum(size)::BIGINT AS apparent, sum(allocated_size)::BIGINT AS allocated
        FROM counted GROUP BY GROUPING SETS ((kind), (uid), (file_type))""")
    engine.con.execute("""CREATE OR REPLACE TEMP VIEW subtree AS
                          SELECT path, depth, entries, apparent, allocated FROM dirs""")
    engine.con.execute("CREATE OR REPLACE TEMP TABLE imp_top_level AS " +
                       rollup.top_level_sql())


# grouping(kind, uid, file_type): a bit set for each column NOT grouped on, first column
# highest. (kind) -> 0b011, (uid) -> 0b101, (file_type) -> 0b110.
_BY_KIND, _BY_UID, _BY_TYPE = 3, 5, 6


def _commit(engine: Engine, req: ImportRequest, row: dict, staging: str) -> None:
    final = catalog.snapshot_dir(req.catalog, req.name)

    def record() -> None:
        catalog.create_schema(engine)
        _check_new(engine, req.name, row["fingerprint"])  # another import may have won
        taken = datetime.datetime.fromtimestamp(row["taken_at"], datetime.timezone.utc)
        engine.con.execute(f"""
            INSERT INTO {ALIAS}.snapshots
            SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                   coalesce(sum(entries), 0), coalesce(sum(files), 0),
                   coalesce(sum(entries) FILTER (WHERE kind = 'directory'), 0),
                   coalesce(sum(apparent), 0), coalesce(sum(allocated), 0), ?, ?, ?, ?,
                   now()::TIMESTAMP
            FROM imp_groups WHERE g = {_BY_KIND}""",
            [req.name, taken.replace(tzinfo=None), row["date_source"], row["roots"], row["spec"],
             row["data_files"], row["copied"], row["completed"], row["fingerprint"],
             row["rows"], row["errors"], row["hosts"], row["scanner_versions"],
             row["dir_summary_version"]])
        name = sql_str(req.name)
        engine.con.execute(f"""
            INSERT INTO {ALIAS}.snapshot_top_level
            SELECT {name}, name, kind, entries, apparent, allocated FROM imp_top_level;
            INSERT INTO {ALIAS}.snapshot_owners
            SELECT {name}, uid, owner, entries, files, apparent, allocated FROM imp_groups
            WHERE g = {_BY_UID};
            INSERT INTO {ALIAS}.snapshot_types
            SELECT {name}, file_type, entries, apparent, allocated FROM imp_groups
            WHERE g = {_BY_TYPE}""")
        if os.path.lexists(final):  # an orphan of an import that crashed before COMMIT
            shutil.rmtree(final)

    catalog.write(engine, req.catalog, record, move=(staging, final))
