"""The snapshot as a tree of directories, read from its per-directory summary.

Sources (see locate.py for where they live):
  dirs.parquet, dir_owners.parquet   scan_analysis/dir_summary.py, schema 1: one row per
                                     directory (sorted by parent_path, name) and per
                                     (directory, owner) (sorted by path)
  files.parquet                      file_index.py: the non-directory entries, sorted by
                                     parent_path, name; optional
  the snapshot's own rows            only without a file index, and only to list the files of
                                     the one directory being viewed

Every lookup filters on the column a file is sorted by, so DuckDB reads the one or two row
groups that hold it, whatever the snapshot's size: opening a directory costs the same for
10^4 and 10^8 rows. The subdirectories of a listing and every total come from the summary
and are known at once; the files of a directory come from the index (fast) or the rows
(a scan of the whole snapshot: seconds to minutes), which is why they are a separate call
that the interface makes in the background.

Thread safety: one SnapshotTree may be used from several threads; each call takes a cursor
of its own on the shared in-memory database.
"""
from __future__ import annotations

import dataclasses
import os
import posixpath

import duckdb

from scan_analysis.engine import SPECIAL_TYPES, sql_list

# Entry.kind of the placeholder that stands for the files of a directory not yet listed, and
# of the row that stands for the files beyond FILES_SHOWN.
PENDING = "pending"
MORE = "more"
# A directory's files (and, separately, its subdirectories) listed one by one, largest first;
# the rest are one row (MORE).
FILES_SHOWN = 20_000


@dataclasses.dataclass(frozen=True)
class Entry:
    """One line of a listing: a directory (its whole subtree, as du -s counts it) or a
    non-directory (its own figures)."""
    name: str
    path: str
    kind: str                  # 'directory', 'file', 'symlink', 'fifo', ..., or PENDING
    allocated: int             # bytes, st_blocks * 512 (what du counts)
    apparent: int              # bytes, st_size
    files: int                 # regular files (a directory: in its subtree, links once)
    entries: int               # entries (a directory: du --inodes, itself included)
    newest_mtime: int | None   # seconds since the epoch (a directory: newest in its subtree)
    owner: str                 # owner name, 'uid N' when unresolved (a directory: most bytes)
    hard_link: bool = False    # a non-directory with more than one link: counted once in
                               # the totals of a directory holding several of its links
    summary: dict | None = None  # a directory's whole row of dirs.parquet

    @property
    def is_dir(self) -> bool:
        return self.kind == "directory"


class TreeError(Exception):
    """A summary that cannot be browsed; the message is one line for the user."""


@dataclasses.dataclass
class Sources:
    dirs: str                  # dirs.parquet
    owners: str | None         # dir_owners.parquet
    file_index: str | None     # files.parquet, or None: list files from `rows`
    rows: list[str]            # the snapshot's Parquet files (may be gone: then no files)


class SnapshotTree:
    def __init__(self, sources: Sources, threads: int | None = None,
                 roots: list[str] | None = None):
        self.sources = sources
        config = {"threads": threads} if threads else {}
        self._con = duckdb.connect(config=config)
        self._con.execute("SET enable_progress_bar = false")
        # Each lookup reads the same footers: keep them parsed.
        self._con.execute("SET parquet_metadata_cache = true")
        self._con.execute(f"CREATE VIEW dirs AS SELECT * FROM read_parquet({_lit(sources.dirs)})")
        if sources.owners:
            self._con.execute("CREATE VIEW owners AS SELECT * FROM "
                              f"read_parquet({_lit(sources.owners)})")
        self.root = self._find_root(roots)

    @property
    def has_file_index(self) -> bool:
        return self.sources.file_index is not None

    @property
    def files_available(self) -> bool:
        """Whether files() can list files: from the index, or from rows that still exist (a
        catalogued snapshot's rows may have been purged; its summary still browses)."""
        return self.has_file_index or (bool(self.sources.rows) and
                                       all(os.path.isfile(f) for f in self.sources.rows))

    def close(self) -> None:
        self._con.close()

    def _rows(self, sql: str, params: list | None = None) -> list[dict]:
        cur = self._con.cursor()
        try:
            result = cur.execute(sql, params or [])
            names = [d[0] for d in result.description]
            return [dict(zip(names, r)) for r in result.fetchall()]
        finally:
            cur.close()

    def _find_root(self, known: list[str] | None) -> str:
        # `known` comes from the cache's browse.json or the catalogue (checked with a lookup
        # that reads one row group); without it the depth column of every directory is read
        # (most of a second at 10^8 rows).
        if known and len(known) == 1 and self._rows(
                "SELECT 1 FROM dirs WHERE parent_path = $1 AND path = $2",
                [_parent(known[0]), known[0]]):
            return known[0]
        roots = [r["path"] for r in self._rows("SELECT path FROM dirs WHERE depth = 0")]
        if not roots:
            raise TreeError(f"the summary {self.sources.dirs} holds no directory (a snapshot "
                            "of a single file has nothing to browse)")
        # Several scans read as one snapshot (one scan per top-level directory): browse from
        # the directory that holds them all.
        return roots[0] if len(roots) == 1 else posixpath.commonpath(roots)

    def directory(self, path: str) -> Entry | None:
        """The directory at `path` with its subtree's figures, or None when the snapshot holds
        no such directory. The common parent of several scan roots is made up from them."""
        rows = self._rows("SELECT * FROM dirs WHERE parent_path = $1 AND path = $2",
                          [_parent(path), path])
        if not rows and path != self.root:
            rows = self._rows("SELECT * FROM dirs WHERE path = $1", [path])
        if rows:
            return _dir_entry(rows[0])
        if path == self.root:
            return self._made_up_root()
        return None

    def _made_up_root(self) -> Entry:
        parts = self.subdirectories(self.root)
        owner = max(parts, key=lambda e: e.allocated).owner if parts else ""
        return Entry(name=self.root, path=self.root, kind="directory",
                     allocated=sum(e.allocated for e in parts),
                     apparent=sum(e.apparent for e in parts),
                     files=sum(e.files for e in parts), entries=sum(e.entries for e in parts),
                     newest_mtime=max((e.newest_mtime or 0 for e in parts), default=None),
                     owner=owner, summary=None)

    def subdirectories(self, path: str, limit: int | None = None) -> list[Entry]:
        """The directories directly in `path`, from the summary (never the rows), largest
        first; beyond `limit` (default FILES_SHOWN) the rest is one MORE row."""
        limit = FILES_SHOWN if limit is None else limit
        rows = self._rows(f"""
            WITH d AS (SELECT * FROM dirs WHERE parent_path = $1 AND path <> $1),
                 t AS (SELECT count(*) AS n_all, sum(apparent) AS apparent_all,
                              sum(allocated) AS allocated_all, sum(files) AS files_all,
                              sum(entries) AS entries_all FROM d)
            SELECT * FROM (SELECT * FROM d ORDER BY allocated DESC, apparent DESC, name
                           LIMIT {int(limit)}), t""", [path])
        out = [_dir_entry(r) for r in rows]
        if rows and rows[0]["n_all"] > len(out):
            t, n = rows[0], rows[0]["n_all"] - len(out)
            out.append(Entry(
                name=f"({n:,} more directories, smaller: not listed)", path=path, kind=MORE,
                allocated=int(t["allocated_all"]) - sum(e.allocated for e in out),
                apparent=int(t["apparent_all"]) - sum(e.apparent for e in out),
                files=int(t["files_all"]) - sum(e.files for e in out),
                entries=int(t["entries_all"]) - sum(e.entries for e in out),
                newest_mtime=None, owner=""))
        return out

    def pending_files(self, directory: Entry) -> Entry | None:
        """A placeholder with the totals of the files directly in `directory` (from the
        summary), shown until files() has listed them; None when it holds none."""
        s = directory.summary or {}
        if not s.get("direct_entries"):
            return None
        n = s["direct_entries"]
        what = f"{n:,} file{'' if n == 1 else 's'} here"
        name = (f"({what}, listing...)" if self.files_available
                else f"({what}: not listed, the snapshot's rows are gone)")
        return Entry(name=name,
                     path=directory.path, kind=PENDING, allocated=s["direct_allocated"],
                     apparent=s["direct_apparent"], files=s["direct_files"], entries=n,
                     newest_mtime=None, owner="")

    def files(self, path: str, limit: int | None = None) -> list[Entry]:
        """The non-directory entries directly in `path`, largest first: from the file index
        when there is one, else from the snapshot's rows (a scan of every row; run it in the
        background). Beyond `limit` (default FILES_SHOWN) the rest is one row, MORE, with
        their count and totals: a directory of millions of files lists in a second and in
        bounded memory."""
        limit = FILES_SHOWN if limit is None else limit
        if self.sources.file_index:
            source = f"read_parquet({_lit(self.sources.file_index)})"
            select = f"""SELECT name, kind, size, allocated_size, modified_time, uid, owner,
                                nlink
                         FROM {source} WHERE parent_path = $1"""
        else:
            if not self.files_available:
                return []
            special = ", ".join(f"'{t}'" for t in SPECIAL_TYPES)
            select = f"""SELECT regexp_extract(path, '[^/]*$') AS name,
                                CASE WHEN file_type IN ({special}) THEN file_type
                                     ELSE 'file' END AS kind,
                                size, allocated_size, modified_time, uid, owner, nlink
                         FROM read_parquet({sql_list(self.sources.rows)})
                         WHERE parent_path = $1 AND file_type <> 'directory' AND depth > 0"""
        # One pass: the largest `limit` rows, and the count and totals of all of them.
        rows = self._rows(f"""
            WITH f AS ({select}),
                 t AS (SELECT count(*) AS n, sum(size) AS apparent,
                              sum(allocated_size) AS allocated,
                              count(*) FILTER (WHERE kind = 'file') AS regular,
                              max(modified_time) AS newest FROM f)
            SELECT * FROM (SELECT * FROM f ORDER BY allocated_size DESC, size DESC, name
                           LIMIT {int(limit)}), t""", [path])
        out = [Entry(name=r["name"], path=posixpath.join(path, r["name"]), kind=r["kind"],
                     allocated=int(r["allocated_size"]), apparent=int(r["size"]),
                     files=1 if r["kind"] == "file" else 0, entries=1,
                     newest_mtime=r["modified_time"], owner=_owner(r["owner"], r["uid"]),
                     hard_link=int(r["nlink"]) > 1)
               for r in rows]
        if rows and rows[0]["n"] > len(out):
            t, shown = rows[0], out
            n = t["n"] - len(shown)
            out.append(Entry(
                name=f"({n:,} more, smaller: not listed)", path=path, kind=MORE,
                allocated=int(t["allocated"]) - sum(e.allocated for e in shown),
                apparent=int(t["apparent"]) - sum(e.apparent for e in shown),
                files=int(t["regular"]) - sum(e.files for e in shown), entries=n,
                newest_mtime=None, owner=""))
        return out

    def owners(self, path: str, limit: int = 5) -> list[dict]:
        """The owners of most allocated bytes under `path`: uid, owner, entries, files,
        apparent, allocated (the part of the subtree's figures each owns)."""
        if not self.sources.owners:
            return []
        return self._rows("""SELECT uid, owner, entries, files, apparent, allocated FROM owners
                             WHERE path = $1 ORDER BY allocated DESC, uid LIMIT $2""",
                          [path, limit])

    def complete(self, directory: str, prefix: str, limit: int = 200) -> list[str]:
        """Names of the subdirectories of `directory` starting with `prefix`, sorted."""
        return [r["name"] for r in self._rows(
            """SELECT name FROM dirs WHERE parent_path = $1 AND path <> $1
               AND starts_with(name, $2) ORDER BY name LIMIT $3""",
            [directory, prefix, limit])]


def _lit(path: str) -> str:
    return sql_list([path])


def _parent(path: str) -> str:
    return posixpath.dirname(path.rstrip("/")) or "/"


def _owner(name: str | None, uid: int | None) -> str:
    if name:
        return name
    return "" if uid is None else f"uid {uid}"


def _dir_entry(row: dict) -> Entry:
    return Entry(name=row["name"], path=row["path"], kind="directory",
                 allocated=int(row["allocated"]), apparent=int(row["apparent"]),
                 files=int(row["files"]), entries=int(row["entries"]),
                 newest_mtime=row["newest_mtime"],
                 owner=_owner(row["top_owner"], row["top_owner_uid"]), summary=row)
