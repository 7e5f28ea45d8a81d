"""Computing, once, what the browser needs and the snapshot lacks: the per-directory summary
(scan_analysis/dir_summary.py, the module scripts/import_snapshot.py uses) and the file index
(file_index.py). Both are one pass over the rows in DuckDB, out of core, with a progress bar.

They are published into the browse cache (locate.py) as CACHE/FINGERPRINT/:
  dirs.parquet, dir_owners.parquet   the summary (not when a catalogue already holds it)
  files.parquet                      the file index
  browse.json                        written last: an entry without it is ignored and redone
A new entry is built in a private staging directory and renamed into place whole; parts
added to an existing entry are each written under a temporary name and renamed. Every
directory is created 0700 and every file 0600: the summary names everyone's files, as the
snapshot does (the scanner writes its output 0600 too).

The cache is never written inside a scanned tree: an entry that would be on the filesystem a
snapshot's root is on, below that root, is refused (PrepareError) before anything is written.
"""
from __future__ import annotations

import datetime
import json
import os
import shutil
import tempfile

import duckdb

from scan_analysis import dir_summary
from scan_analysis.engine import Engine, first_line, register, scan_info, sql_list
from scan_analysis.snapshot import Snapshot

from . import file_index
from .locate import META_FILE, META_FORMAT, META_VERSION, Located, read_meta
from .progress import QueryProgress


class PrepareError(Exception):
    """The summary cannot be computed or kept; the message is one line for the user."""


def prepare(found: Located, *, want_index: bool, memory_limit: str, temp_dir: str | None,
            threads: int | None, stream=None) -> Located:
    """Computes the summary when `found` has none, and the file index when `want_index` and
    there is none; returns `found` updated to use them."""
    need_summary = found.summary_dir is None
    need_index = want_index and found.file_index is None
    if not need_summary and not need_index:
        return found
    missing = [f for f in found.rows if not os.path.isfile(f)]
    if missing:
        raise PrepareError(f"the snapshot's file {missing[0]} is gone: cannot compute its "
                           "summary" + ("" if need_summary else " (browse without --prepare "
                                        "still works from the summary)"))
    engine = Engine(memory_limit, temp_dir, threads)
    try:
        snap = found.snapshot or Snapshot(found.label, list(found.rows), [], [])
        register(engine, snap)  # SnapshotError: a file that is not a snapshot's
        _refuse_inside_scanned_tree(engine, found)
        # When the scan started (the header shows it): from the manifests or the files' metadata.
        found.taken_at = found.taken_at or scan_info(engine, snap, None).started_at
        rows = int(engine.con.execute("SELECT count(*) FROM entries").fetchone()[0])
        # The scan roots, recorded so that opening need not look for them in the summary.
        roots = sorted(r[0] for r in engine.con.execute(
            "SELECT DISTINCT path FROM entries WHERE depth = 0 AND kind = 'directory'"
        ).fetchall())
        what = " and ".join(w for w, n in (("summarising directories", need_summary),
                                           ("indexing files", need_index)) if n)
        label = f"{what} of {rows:,} rows (one time)"
        root = os.path.dirname(found.cache_entry)
        os.makedirs(root, mode=0o700, exist_ok=True)
        existing = read_meta(found.cache_entry)
        with QueryProgress(engine.con, label, stream):
            if existing is None:
                staging = tempfile.mkdtemp(prefix=f".{os.path.basename(found.cache_entry)}.tmp-",
                                           dir=root)
                try:
                    _compute(engine, staging, need_summary, need_index, found)
                    _write_meta(staging, found, need_summary, need_index, rows, roots)
                    if os.path.lexists(found.cache_entry):  # an unfinished or older entry
                        shutil.rmtree(found.cache_entry)
                    os.rename(staging, found.cache_entry)
                except BaseException:
                    shutil.rmtree(staging, ignore_errors=True)
                    raise
            else:
                _compute(engine, found.cache_entry, need_summary, need_index, found)
                _write_meta(found.cache_entry, found, need_summary or existing.get("summary"),
                            need_index or existing.get("file_index"), rows, roots)
    except duckdb.Error as e:
        raise PrepareError(f"cannot summarise snapshot {found.label}: {first_line(e)}") from None
    except OSError as e:
        where = f"{e.filename}: " if e.filename else ""
        raise PrepareError(f"cannot write the browse cache: {where}{e.strerror} (choose "
                           "another with --cache-dir or $SSCAN_BROWSE_CACHE)") from None
    finally:
        engine.close()
    if need_summary:
        found.summary_dir, found.summary_source = found.cache_entry, "cache"
        found.roots = roots
    if need_index:
        found.file_index = os.path.join(found.cache_entry, file_index.FILE_NAME)
    return found


def _compute(engine: Engine, out_dir: str, summary: bool, index: bool, found: Located) -> None:
    if summary:
        dir_summary.compute(engine, out_dir, metadata={"snapshot.fingerprint": found.fingerprint})
    if index:
        file_index.write(engine, out_dir)
    for name in os.listdir(out_dir):
        os.chmod(os.path.join(out_dir, name), 0o600)


def _write_meta(out_dir: str, found: Located, summary: bool, index: bool, rows: int,
                roots: list[str]) -> None:
    meta = {"format": META_FORMAT, "version": META_VERSION, "fingerprint": found.fingerprint,
            "snapshot": found.label, "files": found.rows, "rows": rows, "roots": roots,
            "summary": bool(summary), "dir_summary_version": dir_summary.SCHEMA_VERSION,
            "file_index": bool(index), "file_index_version": file_index.FORMAT_VERSION,
            "taken_at": found.taken_at,
            "created_at": datetime.datetime.now(datetime.timezone.utc).isoformat(
                timespec="seconds").replace("+00:00", "Z")}
    temp = os.path.join(out_dir, f".{META_FILE}.tmp-{os.getpid()}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    os.replace(temp, os.path.join(out_dir, META_FILE))


def _refuse_inside_scanned_tree(engine: Engine, found: Located) -> None:
    """Raises PrepareError when the cache entry would be inside a scanned tree, on its
    filesystem (a root of '/' scanned with -x leaves other filesystems, /tmp say, usable)."""
    roots = [r[0] for r in engine.con.execute(f"""
        SELECT DISTINCT decode(value) FROM parquet_kv_metadata({sql_list(found.rows)})
        WHERE decode(key) = 'scan.root'""").fetchall()]
    target = os.path.abspath(found.cache_entry)
    for root in roots:
        if not root or not os.path.isdir(root):
            continue
        root = os.path.realpath(root)
        nearest = target
        while not os.path.exists(nearest):
            nearest = os.path.dirname(nearest)
        nearest = os.path.realpath(nearest)
        inside = os.path.commonpath([root, nearest]) == root
        if inside and os.stat(root).st_dev == os.stat(nearest).st_dev:
            raise PrepareError(f"the browse cache {os.path.dirname(target)} is inside the "
                               f"scanned tree {root}: choose another with --cache-dir or "
                               "$SSCAN_BROWSE_CACHE (browse never writes into a scanned tree)")
