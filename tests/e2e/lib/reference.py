"""An independent walk of a tree that predicts, row for row, what the scanner must write.

It follows the e2e contract, not the scanner's code:

- Root R = abspath(P), lexically (relative paths against `cwd`). A root that is a symlink to a
  directory is followed (like `find -H`); a root that is a regular file gives exactly one row.
- One row per entry, root included (depth 0, top_level_dir '', parent_path = dirname(R)).
  Rows are described by lstat: a symlink row describes the link itself.
- --max-depth N: rows with depth <= N; directories at depth N are rows but are not read.
- Without --follow-symlinks a directory whose (dev, ino) equals an ancestor's (a bind mount
  of an ancestor) is a row but is not descended.
- --follow-symlinks: round 0 walks the real directories and records every directory it reads
  in a visited set V; links whose target is a directory are collected. Rounds 1, 2, ... take
  the collected links sorted by raw path bytes; a link whose target is in V is a loop or a
  duplicate (one sidecar record, op "loop"), any other is walked through the link's path, its
  real subdirectories too (skipped when already in V), collecting links for the next round.
- In the directory that will hold the output (same dev/ino), the scanner's own file names are
  skipped: neither rows nor descended (`own_output_pattern`).
- --one-file-system (-x): a directory whose st_dev differs from the root's is a row but is not
  read (counted in `mount_points`); with --follow-symlinks a link whose target is on another
  filesystem is not walked either.
- --exclude: a pattern without '/' is matched against the entry's name, a pattern with '/'
  against its path relative to the root, both with Python's fnmatch.fnmatchcase on raw bytes
  ('*' also crosses '/'). An excluded entry is neither a row nor read, and counts once in
  `excluded` (entries below it are never seen, so they do not count). The root itself is never
  matched: it is what the user asked for.
- Strings are the raw bytes decoded like bytes.decode('utf-8', 'replace'); path_bytes holds
  the raw path only when it is not valid UTF-8.

Everything is done in bytes and relative to directory descriptors, so names of any bytes and
paths longer than PATH_MAX are handled the way a correct scanner must handle them. Only the
walks through symlinks (rounds >= 1) open directories by absolute path.

Sidecar records the contract requires are in `Reference.errors`; records it allows but does
not require (see `optional_errors`) are kept apart so tests neither demand nor forbid them.
"""
import ctypes
import fnmatch
import grp
import os
import pwd
import re
import stat
from dataclasses import dataclass, field

_AT_FDCWD = -100
_AT_SYMLINK_NOFOLLOW = 0x100
_STATX_BTIME = 0x800


class _StatxTimestamp(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_int64), ("tv_nsec", ctypes.c_uint32),
                ("_reserved", ctypes.c_int32)]


class _Statx(ctypes.Structure):
    """struct statx from <linux/stat.h> (256 bytes); only stx_mask and stx_btime are read."""
    _fields_ = [
        ("stx_mask", ctypes.c_uint32), ("stx_blksize", ctypes.c_uint32),
        ("stx_attributes", ctypes.c_uint64), ("stx_nlink", ctypes.c_uint32),
        ("stx_uid", ctypes.c_uint32), ("stx_gid", ctypes.c_uint32),
        ("stx_mode", ctypes.c_uint16), ("_spare0", ctypes.c_uint16),
        ("stx_ino", ctypes.c_uint64), ("stx_size", ctypes.c_uint64),
        ("stx_blocks", ctypes.c_uint64), ("stx_attributes_mask", ctypes.c_uint64),
        ("stx_atime", _StatxTimestamp), ("stx_btime", _StatxTimestamp),
        ("stx_ctime", _StatxTimestamp), ("stx_mtime", _StatxTimestamp),
        ("stx_rdev_major", ctypes.c_uint32), ("stx_rdev_minor", ctypes.c_uint32),
        ("stx_dev_major", ctypes.c_uint32), ("stx_dev_minor", ctypes.c_uint32),
        ("_spare", ctypes.c_uint64 * 14),
    ]


assert ctypes.sizeof(_Statx) == 256
_libc = ctypes.CDLL(None, use_errno=True)
_libc.statx.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_uint,
                        ctypes.POINTER(_Statx)]
_libc.statx.restype = ctypes.c_int


def birth_time(dir_fd: int, name: bytes, *, follow: bool = False) -> int | None:
    """statx btime in whole seconds, or None when the filesystem does not report one.

    Python's os.stat has no birth time on Linux, hence statx(2) through ctypes. The mask asks
    for STATX_BTIME only; the kernel says in stx_mask whether it could provide it.
    """
    buf = _Statx()
    flags = 0 if follow else _AT_SYMLINK_NOFOLLOW
    if _libc.statx(dir_fd, name, flags, _STATX_BTIME, ctypes.byref(buf)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err), name)
    return buf.stx_btime.tv_sec if buf.stx_mask & _STATX_BTIME else None


def decode(raw: bytes) -> str:
    """The STRING-column spelling of raw bytes: invalid UTF-8 replaced by U+FFFD."""
    return raw.decode("utf-8", errors="replace")


def is_utf8(raw: bytes) -> bool:
    # Python's strict decoder rejects overlong forms and encoded surrogates, as UTF-8 must.
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_NON_REGULAR_TYPES = {
    stat.S_IFDIR: "directory", stat.S_IFLNK: "symlink", stat.S_IFIFO: "fifo",
    stat.S_IFSOCK: "socket", stat.S_IFBLK: "block_device", stat.S_IFCHR: "char_device",
}


def file_type(name: bytes, mode: int) -> str:
    """file_type column: a regular file's extension, else the kind of entry.

    The extension is the text after the last dot when that dot is neither the first nor the
    last byte of the name, lower-cased in ASCII only (bytes.lower() touches nothing else).
    Splitting the raw bytes and then decoding equals decoding then splitting, because '.' is
    ASCII and can never be part of a replaced (invalid) sequence.
    """
    if stat.S_ISREG(mode):
        dot = name.rfind(b".")
        return decode(name[dot + 1:].lower()) if 0 < dot < len(name) - 1 else ""
    return _NON_REGULAR_TYPES[stat.S_IFMT(mode)]


def stem_of(output: bytes) -> bytes:
    base = os.path.basename(output)
    return base[: -len(b".parquet")] if base.endswith(b".parquet") else base


def own_output_pattern(output: str | bytes | os.PathLike) -> re.Pattern[bytes]:
    """Names the scanner must skip in its output directory (use with fullmatch).

    Bytes pattern on purpose: `\\d` then means ASCII digits only, and fullmatch (rather than
    `^...$`) keeps Python's `$` from also matching before a trailing newline.
    """
    base = os.path.basename(os.fsencode(output))
    stem = re.escape(stem_of(base))
    return re.compile(
        re.escape(base)
        + b"|" + stem + rb"(?:_shard\d{4,})?(?:_chunk_\d{4,}\.parquet|_manifest\.json"
        + rb"|_errors\.jsonl|_state\.bin)"
        + rb"|\." + stem + rb".*\.tmp-\d+")


@dataclass(frozen=True)
class ExpectedError:
    path: bytes  # raw path bytes
    op: str
    errno: int


@dataclass
class Reference:
    root: bytes
    rows: list[dict] = field(default_factory=list)
    errors: list[ExpectedError] = field(default_factory=list)
    # Records the contract allows without requiring them: "stat_target" for a link that
    # --follow-symlinks cannot resolve, "loop" for a real directory skipped inside a link walk
    # because it was already visited.
    optional_errors: list[ExpectedError] = field(default_factory=list)
    excluded: int = 0      # entries left out by --exclude (not those below them)
    mount_points: int = 0  # directories on another filesystem, listed but not read (-x)

    def row(self, relative: str | bytes = b"") -> dict:
        """The expected row of R/relative (R itself for '')."""
        raw = join(self.root, os.fsencode(relative)) if relative else self.root
        for row in self.rows:
            if row_raw_path(row) == raw:
                return row
        raise KeyError(raw)


def row_raw_path(row: dict) -> bytes:
    """The exact path bytes of a row: path_bytes when set, else the (valid UTF-8) path."""
    return row["path_bytes"] if row["path_bytes"] is not None else row["path"].encode()


def join(directory: bytes, name: bytes) -> bytes:
    return directory + name if directory.endswith(b"/") else directory + b"/" + name


@dataclass(frozen=True)
class _Link:
    path: bytes
    depth: int
    top: bytes
    target_id: tuple[int, int]


def excluded_by(patterns: list[bytes], name: bytes, relative: bytes) -> bool:
    """Whether --exclude `patterns` leave out the entry `name` at `relative` (its path below
    the root): name patterns have no '/', path patterns do."""
    return any(fnmatch.fnmatchcase(relative if b"/" in p else name, p) for p in patterns)


class _Walker:
    def __init__(self, output: bytes | None, max_depth: int | None, follow: bool,
                 one_file_system: bool = False, excludes: list[bytes] = ()):
        self.max_depth = max_depth
        self.follow = follow
        self.one_file_system = one_file_system
        self.excludes = list(excludes)
        self.root_dev = None
        self.ref: Reference
        self.visited: set[tuple[int, int]] = set()
        self.pending_links: list[_Link] = []
        self.output_dir_id = None
        self.output_pattern = None
        if output is not None:
            try:
                st = os.stat(os.path.dirname(output))
                self.output_dir_id = (st.st_dev, st.st_ino)
                self.output_pattern = own_output_pattern(output)
            except FileNotFoundError:
                pass
        self._owners: dict[int, str | None] = {}
        self._groups: dict[int, str | None] = {}

    def _reads(self, depth: int) -> bool:
        """Whether a directory at `depth` is read (its children are at depth + 1)."""
        return self.max_depth is None or depth < self.max_depth

    def run(self, root: bytes) -> Reference:
        self.ref = Reference(root)
        follow_root = os.path.islink(root) and os.path.isdir(root)
        st = os.stat(root) if follow_root else os.lstat(root)
        self.root_dev = st.st_dev
        target = os.readlink(root) if stat.S_ISLNK(st.st_mode) else None
        self._emit(root, os.path.dirname(root), os.path.basename(root), st,
                   birth_time(_AT_FDCWD, root, follow=follow_root), 0, b"", target)
        if stat.S_ISDIR(st.st_mode) and self._reads(0):
            self._read_directory(_AT_FDCWD, root, root, 0, b"",
                                 frozenset({(st.st_dev, st.st_ino)}), through_link=follow_root)
        while self.pending_links:
            links = sorted(self.pending_links, key=lambda link: link.path)
            self.pending_links = []
            for link in links:
                if link.target_id in self.visited:
                    self.ref.errors.append(ExpectedError(link.path, "loop", 0))
                    continue
                if self.one_file_system and link.target_id[0] != self.root_dev:
                    continue  # -x: a link into another filesystem is not walked either
                self._read_directory(_AT_FDCWD, link.path, link.path, link.depth, link.top,
                                     frozenset({link.target_id}), through_link=True)
        return self.ref

    def _read_directory(self, parent_fd: int, name: bytes, path: bytes, depth: int, top: bytes,
                        ancestors: frozenset, *, through_link: bool) -> None:
        flags = os.O_RDONLY | os.O_DIRECTORY | (0 if through_link else os.O_NOFOLLOW)
        try:
            fd = os.open(name, flags, dir_fd=None if parent_fd == _AT_FDCWD else parent_fd)
        except OSError as e:
            self.ref.errors.append(ExpectedError(path, "open", e.errno))
            return
        try:
            st = os.fstat(fd)
            self.visited.add((st.st_dev, st.st_ino))
            in_output_dir = (st.st_dev, st.st_ino) == self.output_dir_id
            try:
                names = sorted(os.fsencode(n) for n in os.listdir(fd))
            except OSError as e:
                self.ref.errors.append(ExpectedError(path, "getdents", e.errno))
                return
            for child in names:
                if in_output_dir and self.output_pattern.fullmatch(child):
                    continue
                if self.excludes and excluded_by(self.excludes, child,
                                                 self._relative(join(path, child))):
                    self.ref.excluded += 1
                    continue
                self._visit(fd, path, child, depth + 1, child if depth == 0 else top, ancestors)
        finally:
            os.close(fd)

    def _relative(self, path: bytes) -> bytes:
        """`path` below the root, without a leading '/' ("a/b/name")."""
        return path[len(self.ref.root):].lstrip(b"/")

    def _visit(self, dir_fd: int, dir_path: bytes, name: bytes, depth: int, top: bytes,
               ancestors: frozenset) -> None:
        path = join(dir_path, name)
        try:
            st = os.lstat(name, dir_fd=dir_fd)
            btime = birth_time(dir_fd, name)
        except OSError as e:
            self.ref.errors.append(ExpectedError(path, "statx", e.errno))
            return
        target = None
        if stat.S_ISLNK(st.st_mode):
            try:
                target = os.readlink(name, dir_fd=dir_fd)
            except OSError as e:
                self.ref.errors.append(ExpectedError(path, "readlink", e.errno))
        self._emit(path, dir_path, name, st, btime, depth, top, target)
        if not self._reads(depth):
            return
        if stat.S_ISDIR(st.st_mode):
            dir_id = (st.st_dev, st.st_ino)
            if self.one_file_system and st.st_dev != self.root_dev:
                self.ref.mount_points += 1  # a mount point: listed, not entered
                return
            if dir_id in ancestors:
                # A directory that is its own ancestor (a bind-mount loop): listed, not
                # entered, and reported — an administrator should know the tree loops.
                self.ref.errors.append(ExpectedError(path, "loop", 0))
                return
            if self.follow and dir_id in self.visited:
                self.ref.optional_errors.append(ExpectedError(path, "loop", 0))
                return
            self._read_directory(dir_fd, name, path, depth, top, ancestors | {dir_id},
                                 through_link=False)
        elif stat.S_ISLNK(st.st_mode) and self.follow:
            try:
                tst = os.stat(name, dir_fd=dir_fd)
            except OSError as e:
                self.ref.optional_errors.append(ExpectedError(path, "stat_target", e.errno))
                return
            if stat.S_ISDIR(tst.st_mode):
                self.pending_links.append(_Link(path, depth, top, (tst.st_dev, tst.st_ino)))

    def _emit(self, path: bytes, parent: bytes, name: bytes, st: os.stat_result,
              btime: int | None, depth: int, top: bytes, target: bytes | None) -> None:
        self.ref.rows.append({
            "path": decode(path),
            "size": st.st_size,
            "modified_time": st.st_mtime_ns // 10**9,  # floor, so pre-1970 times round down
            "accessed_time": st.st_atime_ns // 10**9,
            "created_time": btime,
            "file_type": file_type(name, st.st_mode),
            "inode": st.st_ino,
            "permissions": st.st_mode & 0o7777,
            "parent_path": decode(parent),
            "depth": depth,
            "top_level_dir": decode(top),
            "uid": st.st_uid,
            "gid": st.st_gid,
            "allocated_size": st.st_blocks * 512,
            "nlink": st.st_nlink,
            "device": st.st_dev,
            "changed_time": st.st_ctime_ns // 10**9,
            "symlink_target": None if target is None else decode(target),
            "path_bytes": None if is_utf8(path) else path,
            "owner": self._owner(st.st_uid),
            "group": self._group(st.st_gid),
        })

    def _owner(self, uid: int) -> str | None:
        if uid not in self._owners:
            try:
                self._owners[uid] = pwd.getpwuid(uid).pw_name
            except KeyError:
                self._owners[uid] = None
        return self._owners[uid]

    def _group(self, gid: int) -> str | None:
        if gid not in self._groups:
            try:
                self._groups[gid] = grp.getgrgid(gid).gr_name
            except KeyError:
                self._groups[gid] = None
        return self._groups[gid]


def absolute_root(path: str | bytes | os.PathLike, cwd: str | os.PathLike | None = None) -> bytes:
    """R = abspath(P) as the scanner computes it: lexical, relative to the scanner's cwd."""
    raw = os.fsencode(path)
    if not os.path.isabs(raw):
        raw = os.path.join(os.fsencode(cwd) if cwd is not None else os.getcwdb(), raw)
    return os.path.normpath(raw)


def reference_scan(path: str | bytes | os.PathLike, output: str | bytes | os.PathLike | None = None,
                   *, max_depth: int | None = None, follow_symlinks: bool = False,
                   cwd: str | os.PathLike | None = None, one_file_system: bool = False,
                   excludes=()) -> Reference:
    """Expected rows and sidecar records of `storage-scanner scan --path path --output output`
    (with -x when `one_file_system`, and one --exclude per pattern of `excludes`).

    Run it before the scan: reading directories may move their access times (the comparison
    tolerates a later directory atime, never an earlier one).
    """
    out = absolute_root(output, cwd) if output is not None else None
    patterns = [os.fsencode(p) for p in excludes]
    return _Walker(out, max_depth, follow_symlinks, one_file_system,
                   patterns).run(absolute_root(path, cwd))
