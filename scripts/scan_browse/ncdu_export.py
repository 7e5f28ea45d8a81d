"""A snapshot in ncdu's JSON export format, so that ncdu itself browses it: `ncdu -f FILE`.

The format (major 1, minor 2: what `ncdu -o` of ncdu 1.16 to 1.22 writes):

    [1, 2, {metadata},
     [{"name": "/the/root", "asize": ..., "dsize": ..., "dev": ...},     a directory: an array,
      {"name": "file", "asize": 5, "dsize": 4096},                       its info block first,
      [{"name": "subdir", ...}, ...children...],                         then its entries
      ...]]

Info block fields written (zero sizes are left out, as ncdu does):
  name         the root's full path, else the last component; the exact bytes when the path
               is not UTF-8 (path_bytes), as ncdu writes them
  asize dsize  size and allocated_size (st_blocks * 512)
  dev          st_dev, on the root and on every directory whose device differs from its
               parent's (ncdu keys hard links by the device of their directory)
  ino hlnkc nlink   for a non-directory with more than one link: ncdu counts such an inode
               once in every directory that holds several of its links, as du does
  notreg       for anything but a regular file or a directory
  read_error   for a directory the scanner could not list (open/getdents in the error sidecar)
  excluded     "otherfs" for a mount point a --one-file-system (-x) scan did not enter, with
               no sizes: ncdu and du -x count none
  uid gid mode mtime   ncdu's extended information (shown with `ncdu -e -f FILE`)

Rows are read sorted by their path's components (so that '/a/b' and everything below it come
before '/a/b.txt', which a plain string sort would put between them) and written depth first
with a stack of open directories: one pass, constant memory in Python; DuckDB sorts out of
core. A directory missing from the snapshot (an interrupted scan) but holding rows is
written as a bare {"name": ...} so its entries keep their place.
"""
from __future__ import annotations

import json
import os
import posixpath
import sys
import time

from scan_analysis.engine import Engine, sql_list, sql_str

from .progress import QueryProgress

FORMAT_MAJOR, FORMAT_MINOR = 1, 2
BATCH = 50_000
# The metadata block is ignored by ncdu; it says who wrote the file.
PROGVER = "1"

# st_mode's file type bits of each file_type that is not a regular file.
_TYPE_BITS = {"directory": 0o040000, "symlink": 0o120000, "fifo": 0o010000,
              "socket": 0o140000, "block_device": 0o060000, "char_device": 0o020000}
_REGULAR = 0o100000


class ExportError(Exception):
    """The export cannot be written; the message is one line for the user."""


def _sort_key_sql() -> str:
    # Components as text. A path that is not UTF-8 is split from its exact bytes, rendered by
    # DuckDB's BLOB-to-text cast (\xNN escapes, '\' itself escaped, so distinct names stay
    # distinct); a component that is valid UTF-8 decodes back to the text other rows use, an
    # invalid one is prefixed with '/', which no component can contain.
    return """CASE WHEN path_bytes IS NULL THEN string_split(path, '/')
                   ELSE list_transform(string_split(path_bytes::VARCHAR, '/'),
                                       lambda c: coalesce(try(decode(c::BLOB)), '/' || c))
              END"""


def export(engine: Engine, rows: list[str], out: str, *, one_file_system: bool = False,
           unreadable_dirs: set[str] | None = None, stream=None) -> dict:
    """Writes the snapshot whose Parquet files are `rows` to `out` ('-': stdout) in ncdu's
    format. Returns {"entries": rows written, "directories": ..., "seconds": ...}."""
    started = time.monotonic()
    unreadable = unreadable_dirs or set()
    roots = [r[0] for r in engine.con.execute(
        f"SELECT path FROM read_parquet({sql_list(rows)}) WHERE depth = 0 AND "
        "file_type = 'directory' ORDER BY path").fetchall()]
    if not roots:
        raise ExportError("the snapshot holds no directory to export (ncdu's format starts "
                          "with one; a scan of a single file has none)")
    top = roots[0] if len(roots) == 1 else posixpath.commonpath(roots)
    modes = " ".join(f"WHEN {sql_str(k)} THEN {bits}" for k, bits in _TYPE_BITS.items())
    not_regular = ", ".join(sql_str(k) for k in _TYPE_BITS if k != "directory")
    query = f"""
        SELECT CASE WHEN path_bytes IS NULL THEN path
                    ELSE array_to_string(key, '/') END AS k,
               CASE WHEN path_bytes IS NULL THEN parent_path
                    ELSE coalesce(nullif(array_to_string(key[:-2], '/'), ''), '/') END AS pk,
               file_type = 'directory' AS is_dir, device, path,
               path_bytes AS raw,
               CASE WHEN size > 0 THEN ',"asize":' || size ELSE '' END ||
               CASE WHEN allocated_size > 0 THEN ',"dsize":' || allocated_size ELSE '' END
                 AS sizes,
               CASE WHEN file_type <> 'directory' AND nlink > 1
                    THEN ',"ino":' || inode || ',"hlnkc":true,"nlink":' || nlink ELSE '' END ||
               CASE WHEN file_type IN ({not_regular}) THEN ',"notreg":true' ELSE '' END ||
               ',"uid":' || uid || ',"gid":' || gid || ',"mode":' ||
               ((CASE file_type {modes} ELSE {_REGULAR} END) + permissions) ||
               CASE WHEN modified_time >= 0 THEN ',"mtime":' || modified_time ELSE '' END
                 AS rest
        FROM (SELECT *, {_sort_key_sql()} AS key FROM read_parquet({sql_list(rows)}))
        ORDER BY key"""
    target = sys.stdout.buffer if out == "-" else None
    temp = None
    if target is None:
        temp = os.path.join(os.path.dirname(os.path.abspath(out)),
                            f".{os.path.basename(out)}.tmp-{os.getpid()}")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        target = os.fdopen(fd, "wb", buffering=1 << 20)
    try:
        with QueryProgress(engine.con, f"exporting to ncdu's format: {out}", stream):
            reader = engine.con.sql(query).to_arrow_reader(BATCH)
            stats = _write(reader, target, top, one_file_system, unreadable)
        if temp:
            target.close()
            os.replace(temp, out)
            temp = None
    finally:
        if temp:
            target.close()
            os.unlink(temp)
    stats["seconds"] = round(time.monotonic() - started, 1)
    return stats


def _write(reader, out, top: str, one_file_system: bool, unreadable: set[str]) -> dict:
    meta = {"progname": "storage-scanner browse", "progver": PROGVER,
            "timestamp": int(time.time())}
    out.write(f"[{FORMAT_MAJOR},{FORMAT_MINOR},{json.dumps(meta)},\n".encode())
    # The open directories, outermost first: (key, device).
    stack: list[tuple[str, int | None]] = []
    entries = directories = 0
    for batch in reader:
        cols = {name: batch.column(name).to_pylist() for name in batch.schema.names}
        for k, pk, is_dir, device, path, raw, sizes, rest in zip(
                cols["k"], cols["pk"], cols["is_dir"], cols["device"], cols["path"],
                cols["raw"], cols["sizes"], cols["rest"]):
            if not stack:
                if k != top:  # several roots: their common directory, made up
                    out.write(b"[" + _name_json(top, None) + b',"dev":' +
                              str(device).encode() + b"}")
                    stack.append((top, device))
                    directories += 1
                elif not is_dir:
                    continue
            if stack:
                _close_to(out, stack, pk)
            name = _name_json(k if k == top else posixpath.basename(path), raw, whole=k == top)
            if is_dir:
                extra = ""
                parent_dev = stack[-1][1] if stack else None
                if parent_dev is None or device != parent_dev:
                    extra = f',"dev":{device}'
                if extra and one_file_system and parent_dev is not None:
                    # A mount point -x did not enter: as `ncdu -x -o` writes it, without sizes,
                    # which ncdu (and du -x) leave out of every total. "otherfs" is the
                    # documented value and the one ncdu 1.18 reads as such (it writes "othfs",
                    # which it reads back as "pattern").
                    sizes, rest, extra = "", "", extra + ',"excluded":"otherfs"'
                if path in unreadable:
                    extra += ',"read_error":true'
                out.write((b",\n[" if stack else b"[") + name + (sizes + extra + rest).encode() +
                          b"}")
                stack.append((k, device))
                directories += 1
            else:
                out.write(b",\n" + name + (sizes + rest).encode() + b"}")
            entries += 1
    out.write(b"]" * max(1, len(stack)) + b"]\n")
    return {"entries": entries, "directories": directories}


def _close_to(out, stack: list[tuple[str, int | None]], parent: str) -> None:
    """Closes the open directories that do not hold `parent`, then opens (bare) the ones
    between the innermost that does and `parent` itself."""
    while len(stack) > 1 and not _holds(stack[-1][0], parent):
        out.write(b"]")
        stack.pop()
    base, device = stack[-1]
    if base == parent:
        return
    rest = parent[len(base):].strip("/").split("/") if _holds(base, parent) else []
    for part in rest:
        out.write(b",\n[" + _name_json(part, None) + b"}")
        base = base.rstrip("/") + "/" + part
        stack.append((base, device))


def _holds(directory: str, path: str) -> bool:
    return path == directory or path.startswith(directory.rstrip("/") + "/")


def _name_json(text: str, raw: bytes | None, whole: bool = False) -> bytes:
    """'{"name":...' (the object left open): the exact bytes of a name that is not UTF-8."""
    if raw is None:
        return b'{"name":' + json.dumps(text, ensure_ascii=False).encode()
    name = raw if whole else raw.rsplit(b"/", 1)[-1]
    escaped = bytearray(b'"')
    for byte in name:
        if byte in (0x22, 0x5C):
            escaped += b"\\" + bytes([byte])
        elif byte < 0x20:
            escaped += b"\\u%04x" % byte
        else:
            escaped.append(byte)
    return b'{"name":' + bytes(escaped) + b'"'
