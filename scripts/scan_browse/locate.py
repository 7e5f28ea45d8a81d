"""Which snapshot to browse, and where its per-directory summary and file index are.

A snapshot is named by a SNAPSHOT argument (a file, a chunk glob, a directory of chunks or
shards, a manifest: scan_analysis/snapshot.py) or by its name in a history catalogue
(scripts/import_snapshot.py). It is recognised by the catalogue's fingerprint (the size and
Parquet footer of every data file), so the same scan given either way, moved or copied, finds
the same summary.

Where the summary is looked for, in order:
  1. the browse cache: CACHE/FINGERPRINT/ with browse.json, dirs.parquet, dir_owners.parquet
     and files.parquet (the file index), written by prepare.py;
  2. a history catalogue holding the snapshot (the one given with --catalog, else the default
     catalogue when it exists): STORE/NAME/dirs.parquet and dir_owners.parquet. Its file index,
     if one was made, is in the cache (CACHE/FINGERPRINT/files.parquet).
CACHE is --cache-dir, else $SSCAN_BROWSE_CACHE, else $XDG_CACHE_HOME/storage-scanner/browse
(~/.cache/storage-scanner/browse): per user, and never inside a scanned tree (prepare.py
refuses one that is).
"""
from __future__ import annotations

import dataclasses
import json
import os

import duckdb

from scan_analysis import catalog, dir_summary
from scan_analysis.catalog import CatalogError
from scan_analysis.engine import Engine, first_line, sql_str
from scan_analysis.history_import import fingerprint
from scan_analysis.snapshot import Snapshot, resolve

from . import file_index

META_FILE = "browse.json"
META_FORMAT = "storage-scanner-browse-cache"
META_VERSION = 1


class LocateError(Exception):
    """A snapshot or catalogue entry that cannot be found; the message is one line."""


@dataclasses.dataclass
class Located:
    label: str                     # what the header shows: the argument or the catalogue name
    fingerprint: str
    rows: list[str]                # the snapshot's Parquet files
    snapshot: Snapshot | None      # with its manifests and sidecars, when given as SNAPSHOT
    cache_entry: str               # CACHE/FINGERPRINT: where prepare.py writes
    summary_dir: str | None        # holds dirs.parquet and dir_owners.parquet, or None
    summary_source: str            # 'cache', 'catalogue NAME' or 'none'
    file_index: str | None         # files.parquet, or None
    taken_at: str | None = None    # when the scan started (ISO 8601), when known
    roots: list[str] | None = None  # the scan roots (depth-0 directories), when recorded

    @property
    def dirs(self) -> str | None:
        return os.path.join(self.summary_dir, dir_summary.DIRS_FILE) if self.summary_dir \
            else None

    @property
    def owners(self) -> str | None:
        path = os.path.join(self.summary_dir, dir_summary.OWNERS_FILE) if self.summary_dir \
            else None
        return path if path and os.path.isfile(path) else None


def cache_root(cache_dir: str | None) -> str:
    if cache_dir:
        return os.path.abspath(cache_dir)
    if os.environ.get("SSCAN_BROWSE_CACHE"):
        return os.path.abspath(os.environ["SSCAN_BROWSE_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "storage-scanner", "browse")


def read_meta(entry: str) -> dict | None:
    """The cache entry's browse.json when it is ours and of this version, else None."""
    try:
        with open(os.path.join(entry, META_FILE), encoding="utf-8") as f:
            meta = json.load(f)
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("format") != META_FORMAT or \
            meta.get("version") != META_VERSION:
        return None
    return meta


def from_snapshot(spec: str, cache_dir: str | None, catalog_path: str | None) -> Located:
    """The snapshot named by a SNAPSHOT argument. Raises SnapshotError when it cannot be read."""
    snap = resolve(spec)
    fp = fingerprint(snap.files)
    found = Located(label=spec, fingerprint=fp, rows=snap.files, snapshot=snap,
                    cache_entry=os.path.join(cache_root(cache_dir), fp[:32]),
                    summary_dir=None, summary_source="none", file_index=None,
                    taken_at=min((m.started_at for m in snap.manifests if m.started_at),
                                 default=None))
    _use_cache(found)
    if found.summary_dir is None:
        for path in ([catalog_path] if catalog_path else [catalog.default_catalog()]):
            if path and os.path.isfile(path):
                row = _catalogued(path, "fingerprint", fp, must_exist=False)
                if row:
                    _use_catalogue(found, path, row)
                    break
    return found


def from_catalog(catalog_path: str, name: str, cache_dir: str | None,
                 report=lambda line: None) -> Located:
    """The snapshot catalogued as `name`. Raises LocateError when there is none. What a killed
    import or removal left in the catalogue's store is finished first (catalog.recover), each
    directory handled reported as one line to report()."""
    row = _catalogued(catalog_path, "name", name, must_exist=True, report=report)
    files = catalog.data_files(catalog_path, row)
    found = Located(label=name, fingerprint=row["fingerprint"], rows=files, snapshot=None,
                    cache_entry=os.path.join(cache_root(cache_dir), row["fingerprint"][:32]),
                    summary_dir=None, summary_source="none", file_index=None)
    _use_cache(found)
    if found.summary_dir is None:
        _use_catalogue(found, catalog_path, row)
    if found.summary_dir is None:
        raise LocateError(f"catalogue {catalog_path}: snapshot {name} has no per-directory "
                          f"summary in {catalog.snapshot_dir(catalog_path, name)}")
    return found


def _use_cache(found: Located) -> None:
    meta = read_meta(found.cache_entry)
    if meta is None:
        return
    if meta.get("summary") and os.path.isfile(
            os.path.join(found.cache_entry, dir_summary.DIRS_FILE)):
        found.summary_dir, found.summary_source = found.cache_entry, "cache"
        found.taken_at = found.taken_at or meta.get("taken_at")
        found.roots = meta.get("roots") or None
    index = os.path.join(found.cache_entry, file_index.FILE_NAME)
    if meta.get("file_index") and os.path.isfile(index):
        found.file_index = index


def _use_catalogue(found: Located, catalog_path: str, row: dict) -> None:
    where = catalog.snapshot_dir(catalog_path, row["name"])
    if os.path.isfile(os.path.join(where, dir_summary.DIRS_FILE)):
        found.summary_dir, found.summary_source = where, f"catalogue {row['name']}"
        found.roots = list(row.get("roots") or []) or None
        found.taken_at = found.taken_at or (row["taken_at"].isoformat() + "Z"
                                            if row.get("taken_at") else None)


def _catalogued(catalog_path: str, column: str, value: str, must_exist: bool,
                report=None) -> dict | None:
    """The catalogue's row of the snapshot whose `column` is `value`, read-only (with a
    report(), after catalog.recover)."""
    try:
        catalog.check_file(catalog_path, must_exist=True)
    except CatalogError as e:
        if must_exist:
            raise LocateError(str(e)) from None
        return None
    engine = Engine("256MB", None, 1)
    try:
        catalog.attach(engine, catalog_path, read_only=True)
        if report is not None:
            catalog.recover_attached(engine, catalog_path, report)
        rows = engine.rows(f"SELECT * FROM {catalog.ALIAS}.snapshots "
                           f"WHERE {column} = {sql_str(value)}")
        if not rows and must_exist:
            names = [r["name"] for r in engine.rows(
                f"SELECT name FROM {catalog.ALIAS}.snapshots ORDER BY taken_at DESC LIMIT 6")]
            known = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
            raise LocateError(f"catalogue {catalog_path} has no snapshot named {value!r}"
                              + (f" (it has: {known})" if names else " (it is empty)"))
        return rows[0] if rows else None
    except CatalogError as e:
        if must_exist:
            raise LocateError(str(e)) from None
        return None
    except duckdb.Error as e:
        if must_exist:
            raise LocateError(f"cannot read catalogue {catalog_path}: {first_line(e)}") \
                from None
        return None
    finally:
        engine.close()

