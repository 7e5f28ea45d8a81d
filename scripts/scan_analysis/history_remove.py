"""Removing one snapshot from the catalogue (scripts/remove_snapshot.py's engine).

What goes: its rows in every catalogue table and its directory in the store (its per-directory
summary and, when imported with --copy, its copied rows). What stays: a snapshot's own Parquet
files outside the store, which the catalogue only pointed to.

Order, so that a refusal or a failure leaves the catalogue as it was:

  1. check     read-only, that NAME is catalogued (a refusal names the snapshots there are);
  2. commit    one read-write transaction deletes its rows; its store directory is renamed
               out of the way (STORE/.NAME.removed-PID@HOST) just before COMMIT and renamed back
               if COMMIT fails;
  3. clean up  the renamed directory is deleted.

A removal killed between the rename and the end of 3 leaves the hidden directory behind; the
next import, removal, history report or browse --catalog puts it back (the removal never
reached COMMIT) or deletes it (it did): see catalog.recover.

Removing a name frees it, and the snapshot's fingerprint, for a later import.
"""
from __future__ import annotations

import shutil
from typing import Callable

from . import catalog
from .catalog import ALIAS, CatalogError
from .engine import Engine, sql_str

TABLES = ("snapshot_top_level", "snapshot_owners", "snapshot_types")


def run(engine: Engine, catalog_path: str, name: str,
        report: Callable[[str], None] = lambda line: None) -> dict:
    """Removes snapshot `name`; returns its catalogue row as it was. Raises CatalogError (no
    such catalogue or snapshot) or duckdb.Error/OSError, changing nothing in the catalogue.
    report() gets a line for each leftover of an interrupted command it cleaned up first."""
    catalog.check_file(catalog_path, must_exist=True)
    catalog.attach(engine, catalog_path, read_only=True)
    try:
        catalog.recover_attached(engine, catalog_path, report)
        row = _find(engine, catalog_path, name)
    finally:
        catalog.detach(engine)

    final = catalog.snapshot_dir(catalog_path, name)
    doomed = catalog.in_progress_dir(catalog_path, name, "removed")

    def delete() -> None:
        nonlocal row
        row = _find(engine, catalog_path, name)  # another command may have removed it
        quoted = sql_str(name)
        for table in TABLES:
            engine.con.execute(f"DELETE FROM {ALIAS}.{table} WHERE snapshot = {quoted}")
        engine.con.execute(f"DELETE FROM {ALIAS}.snapshots WHERE name = {quoted}")

    if catalog.write(engine, catalog_path, delete, move=(final, doomed)):
        shutil.rmtree(doomed, ignore_errors=True)
    return row


def _find(engine: Engine, catalog_path: str, name: str) -> dict:
    rows = engine.rows(f"SELECT * FROM {ALIAS}.snapshots WHERE name = {sql_str(name)}")
    if rows:
        return rows[0]
    names = [r["name"] for r in catalog.snapshots(engine)]
    there = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
    raise CatalogError(f"no snapshot {name!r} in catalogue {catalog_path} "
                       f"({'it holds ' + there if names else 'it is empty'})")
