"""Generators of test trees: small, deterministic (seeded where random) and fast.

Creating an inode costs about 0.3 ms on the CI disk (ext4 on a VM), a hard link about 15 us,
so trees stay at a few hundred entries unless size is the point, and the big ones are made
of hard links.

Every generator ends with `settle_atimes`, which moves the access time of every directory and
symlink into the future. Without it, reading a directory or a link (the reference walk does
both, before the scan) can bump its atime under `relatime`, and the scanner would then see a
later second than the reference whenever the two straddle a second boundary. relatime only
updates an atime that is not later than mtime and ctime, so a future atime is left alone.
Regular files are never read by either side, so their times stay as created.
"""
import os
import random
import socket
import stat
import time
from pathlib import Path

_HOUR_NS = 3600 * 10**9


def _write(path: Path, data: bytes = b"") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def write_file(path: Path, data: bytes = b"") -> Path:
    """`data` at `path`, parent directories created: for tests that lay out their own trees."""
    return _write(path, data)


def settle_atimes(root: str | os.PathLike) -> None:
    """Put the atime of every directory and symlink below and including root an hour ahead.

    Works through directory descriptors so it also reaches paths longer than PATH_MAX.
    """
    future = time.time_ns() + _HOUR_NS

    def settle(name, dir_fd=None):
        st = os.lstat(name, dir_fd=dir_fd)
        if stat.S_ISDIR(st.st_mode) or stat.S_ISLNK(st.st_mode):
            os.utime(name, ns=(future, st.st_mtime_ns), dir_fd=dir_fd, follow_symlinks=False)
        if stat.S_ISDIR(st.st_mode):
            fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=dir_fd)
            try:
                for child in os.listdir(fd):
                    settle(child, fd)
            finally:
                os.close(fd)

    settle(os.fspath(root))


def make_socket(path: Path) -> None:
    """A unix socket file at path. bind() takes at most 107 bytes of path, and pytest's tmp
    paths can be longer, so bind relative to the directory and come back."""
    cwd = os.open(".", os.O_RDONLY)
    try:
        os.chdir(path.parent)
        with socket.socket(socket.AF_UNIX) as s:
            s.bind(path.name)
    finally:
        os.fchdir(cwd)
        os.close(cwd)


def make_seed_unit_tree(root: Path) -> Path:
    """The seed scanner's unit-test tree: 4 files (3 .txt, 1 .log) in 3 subdirectories."""
    for rel, text in [("file1.txt", "content1"), ("dir1/file2.txt", "content2"),
                      ("dir1/subdir1/file3.txt", "content3"), ("dir2/file4.log", "content4")]:
        _write(root / rel, text.encode())
    settle_atimes(root)
    return root


def make_seed_tree(root: Path) -> Path:
    """The seed's integration-test tree: 8 files (5 txt, 1 log, py, json, csv) in 6
    subdirectories, the deepest file at depth 4 (dir3/subdir2/deep/file8.txt)."""
    (root / "dir1/subdir1").mkdir(parents=True)
    (root / "dir2").mkdir()
    (root / "dir3/subdir2/deep").mkdir(parents=True)
    for rel, text in [("file1.txt", "content1"), ("file2.log", "content2"),
                      ("dir1/file3.txt", "content3"), ("dir1/subdir1/file4.txt", "content4"),
                      ("dir2/file5.py", "print('hello')"), ("dir3/file6.json", '{"key": "value"}'),
                      ("dir3/subdir2/file7.csv", "a,b,c"),
                      ("dir3/subdir2/deep/file8.txt", "deep content")]:
        _write(root / rel, text.encode())
    settle_atimes(root)
    return root


_EXTENSIONS = ["txt", "py", "json", "csv", "pdf", "png", "log", "md", "tar.gz", "TXT", "Py",
               "parquet", "h5", "", "bak.", "JPEG"]
_WORDS = ["data", "run", "model", "notes", "results", "raw", "final", "draft", "config",
          "sample", "image", "report"]


def make_mixed_tree(root: Path, seed: int = 0, files: int = 80, dirs: int = 15) -> Path:
    """A random but reproducible project-like tree: `dirs` directories nested up to 5 deep
    under a few top-level directories, `files` files of 0-20000 bytes with mixed extensions
    (upper case, double, none, trailing dot), and a few hidden files."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    directories = [root]
    for i in range(dirs):
        parent = rng.choice([d for d in directories if len(d.relative_to(root).parts) < 5])
        child = parent / f"{rng.choice(_WORDS)}_{i}"
        child.mkdir()
        directories.append(child)
    for i in range(files):
        ext = rng.choice(_EXTENSIONS)
        name = f"{rng.choice(_WORDS)}{i}" + (f".{ext}" if ext else "")
        if rng.random() < 0.08:
            name = "." + name
        _write(rng.choice(directories) / name, bytes([65 + i % 26]) * rng.randrange(20000))
    settle_atimes(root)
    return root


def make_hidden_tree(root: Path) -> Path:
    """Dot files and dot directories at several levels, including '..x'-style names."""
    for rel in [".bashrc", ".hidden_file", ".config/app.ini", ".config/.nested_hidden",
                "visible/.env", "visible/..double", "visible/...", "visible/.tar.gz",
                ".hidden_dir/.deeper/secret.key", "plain.txt"]:
        _write(root / rel, rel.encode())
    (root / ".empty_hidden_dir").mkdir()
    settle_atimes(root)
    return root


def make_unicode_tree(root: Path) -> Path:
    """Valid UTF-8 names: several scripts, emoji, spaces, NFC and NFD forms of the same
    letter (distinct names), and a literal U+FFFD (valid UTF-8, so path_bytes stays null)."""
    for rel in ["file_with_unicode_한국어.txt", "日本語/ファイル.TXT", "Ünïcödé dir/naïve.md",
                "file with spaces.txt", "dir with spaces/inner file .csv", "  two leading.txt",
                "emoji 🎉🚀.png", "\u00e9.txt", "e\u0301.txt", "שלום.txt", "zero\u200dwidth.txt",
                "\ufffd.txt", "ΑΒΓ.ΔΕΖ", "ext.ÄBC"]:
        _write(root / rel, rel.encode())
    settle_atimes(root)
    return root


def long_name(length: int, ext: str = "") -> str:
    """An ASCII name of exactly `length` bytes, ending in `ext`."""
    return ("n" * length)[: length - len(ext)] + ext


def make_special_names_tree(root: Path) -> Path:
    """Names a shell, a CSV writer or a format string would trip over, and 255-byte names
    (NAME_MAX) in ASCII and in two-byte UTF-8."""
    names = ["new\nline.txt", "tab\there.txt", "back\\slash.txt", 'double"quote.txt',
             "single'quote.txt", "-leading-dash.txt", "--double-dash", "-", " leading space",
             "trailing space ", "*?[glob].txt", "$HOME.sh", "back`tick", "semi;colon",
             "percent%s%n.txt", "a:b", "#hash", "trailing newline\n", "\r\ncrlf",
             long_name(255), long_name(255, ".TXT"), "é" * 127 + "x"]
    for name in names:
        _write(root / name, name.encode())
    _write(root / "dir\nwith newline" / "inner\ttab.json", b"{}")
    _write(root / long_name(255, "_dir") / "f.txt")
    settle_atimes(root)
    return root


# Raw names that are not valid UTF-8, each a different way of being invalid.
NON_UTF8_NAMES = [
    b"\xff\xfe.txt",                  # bytes that never occur in UTF-8
    b"lone\x80continuation.bin",     # a continuation byte with no lead byte
    b"overlong\xc0\xaf.txt",          # overlong encoding of '/'
    b"surrogate\xed\xa0\x80.txt",     # a UTF-16 surrogate encoded as UTF-8
    b"truncated\xe2\x82",             # a sequence cut short at the end of the name
    b"latin1_caf\xe9.TXT",            # Latin-1, upper-case extension
    b"file.\xffext",                  # the invalid byte inside the extension
    b"\xff.txt",                      # decodes to the same text as the valid name below
]


def make_non_utf8_tree(root: Path) -> Path:
    """Files, directories and a symlink target whose names are not UTF-8, next to the valid
    name '\\ufffd.txt' that decodes to the same string as b'\\xff.txt'."""
    raw_root = os.fsencode(root)
    os.makedirs(raw_root, exist_ok=True)
    for name in NON_UTF8_NAMES:
        with open(raw_root + b"/" + name, "wb") as f:
            f.write(name)
    _write(root / "\ufffd.txt", b"valid")
    os.makedirs(raw_root + b"/dir\xff/sub\xfe")
    for rel in [b"dir\xff/inside.txt", b"dir\xff/sub\xfe/x.py"]:
        with open(raw_root + b"/" + rel, "wb") as f:
            f.write(rel)
    os.symlink(b"target\xff", raw_root + b"/link_to_invalid")
    settle_atimes(root)
    return root


def make_file_type_tree(root: Path) -> Path:
    """One regular file per corner of the file_type rule, and non-regular entries whose names
    look like extensions (their type is the kind of entry, never the suffix)."""
    for name in ["a.tar.GZ", ".bashrc", "..x", "dot.", "noext", "UPPER.TXT", "x.ÄBC", ".a.b",
                 "a..", "...", "mixed.TxT", "1.2.3", "archive.tar.gz", "trailing.dot.",
                 "é.É"]:
        _write(root / name, b"x")
    (root / "dir.txt").mkdir()
    os.symlink("a.tar.GZ", root / "link.txt")
    os.mkfifo(root / "pipe.log")
    settle_atimes(root)
    return root


def make_symlink_tree(root: Path, outside: Path) -> Path:
    """Symlinks of every kind, with targets inside and outside the root.

    root/                         outside/
      file.txt                      shared/a.txt
      dir/inner.txt                 shared/nested/b.txt
      dir/sub/deep.txt              shared/nested/deeper/c.txt
      links/to_file -> ../file.txt  shared/nested/back_to_root -> root   (loop, 2nd round)
      links/to_dir -> ../dir        shared/link_to_other -> outside/other (2nd round)
      links/to_root -> ..           other/o.txt
      links/to_abs_root -> root
      links/broken -> ../does_not_exist
      links/self -> self            (ELOOP)
      links/chain1 -> chain2 -> chain3 -> ../file.txt
      links/dirchain1 -> dirchain2 -> ../dir
      links/a_nested -> outside/shared/nested      (walked first: sorts first)
      links/to_outside -> outside/shared           (its nested/ was already visited)
      links/to_outside_sub -> outside/shared/nested (duplicate)
      links/z_second_to_outside -> outside/shared   (duplicate)
    """
    _write(root / "file.txt", b"file")
    _write(root / "dir/inner.txt", b"inner")
    _write(root / "dir/sub/deep.txt", b"deep")
    links = root / "links"
    links.mkdir()
    _write(outside / "shared/a.txt", b"a")
    _write(outside / "shared/nested/b.txt", b"b")
    _write(outside / "shared/nested/deeper/c.txt", b"c")
    _write(outside / "other/o.txt", b"o")
    os.symlink(root, outside / "shared/nested/back_to_root")
    os.symlink(outside / "other", outside / "shared/link_to_other")
    for name, target in [("to_file", "../file.txt"), ("to_dir", "../dir"), ("to_root", ".."),
                         ("to_abs_root", root), ("broken", "../does_not_exist"), ("self", "self"),
                         ("chain1", "chain2"), ("chain2", "chain3"), ("chain3", "../file.txt"),
                         ("dirchain1", "dirchain2"), ("dirchain2", "../dir"),
                         ("a_nested", outside / "shared/nested"),
                         ("to_outside", outside / "shared"),
                         ("to_outside_sub", outside / "shared/nested"),
                         ("z_second_to_outside", outside / "shared")]:
        os.symlink(target, links / name)
    settle_atimes(root)
    settle_atimes(outside)
    return root


def make_file_kinds_tree(root: Path) -> Path:
    """Sizes, links, times and modes at their edges: empty files, a sparse file larger than
    4 GiB (size beyond 32 bits, few blocks allocated), hard links, times before 1970 (floor
    to the earlier second) and far in the future, set-id and sticky bits, and (as root)
    owners without a name."""
    _write(root / "empty.txt")
    _write(root / "one_byte", b"1")
    _write(root / "page_plus_one.bin", b"p" * 4097)
    (root / "empty_dir").mkdir()
    with open(root / "sparse_5g.bin", "wb") as f:
        f.truncate(5 * 2**30)
        f.seek(2**32 + 1)
        f.write(b"!")
    _write(root / "original.dat", b"hard link target")
    os.link(root / "original.dat", root / "hardlink.dat")
    (root / "sub").mkdir()
    os.link(root / "original.dat", root / "sub/third_link.dat")
    for name, ns in [("pre1970.txt", -1_500_000_000),        # -1.5 s: floors to -2
                     ("epoch_minus_ns.txt", -1),              # floors to -1
                     ("year1901.txt", -(2**31) * 10**9),     # ext4's earliest time
                     ("year2242.txt", 2**33 * 10**9 + 999_999_999),
                     ("year2446.txt", 15032385535 * 10**9)]:  # ext4's latest time
        _write(root / name, name.encode())
        os.utime(root / name, ns=(ns - 10**9, ns))
    for name, mode in [("setuid", 0o4755), ("setgid", 0o2644), ("no_access", 0o000),
                       ("group_write", 0o664)]:
        _write(root / name, b"m")
        os.chmod(root / name, mode)
    (root / "sticky_dir").mkdir()
    os.chmod(root / "sticky_dir", 0o1777)
    if os.geteuid() == 0:
        _write(root / "unknown_owner", b"u")
        os.chown(root / "unknown_owner", 1234567, 7654321)
        _write(root / "nobody_owned", b"n")
        os.chown(root / "nobody_owned", 65534, 65534)
    settle_atimes(root)
    return root


def make_special_files_tree(root: Path) -> Path:
    """A FIFO and a unix socket, and as root a character and a block device node. A scanner
    that opens any of them hangs (FIFO without writer) or touches hardware."""
    root.mkdir(parents=True, exist_ok=True)
    os.mkfifo(root / "fifo")
    os.mkfifo(root / "fifo.txt")
    make_socket(root / "socket.sock")
    _write(root / "sub/regular.txt", b"r")
    os.mkfifo(root / "sub/nested_fifo")
    if os.geteuid() == 0:
        os.mknod(root / "char_dev", stat.S_IFCHR | 0o600, os.makedev(1, 3))
        os.mknod(root / "block_dev", stat.S_IFBLK | 0o600, os.makedev(7, 0))
    settle_atimes(root)
    return root


def make_deep_tree(root: Path, levels: int, name_len: int = 8, files_every: int = 1) -> Path:
    """A chain of `levels` nested directories with names of `name_len` bytes and a file in
    every `files_every`-th level. levels * (name_len + 1) > 4096 gives paths beyond PATH_MAX,
    which is why everything is created relative to directory descriptors."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for level in range(levels):
            name = f"d{level:04d}".ljust(name_len, "x")[:name_len]
            os.mkdir(name, dir_fd=fd)
            child = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = child
            if level % files_every == 0:
                os.close(os.open(f"f{level}.txt", os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd))
    finally:
        os.close(fd)
    settle_atimes(root)
    return root


def make_many_entries_tree(root: Path, count: int, per_directory: int | None = None) -> Path:
    """`count` regular-file entries, all in many/ or split into many/NNNN/ directories of
    `per_directory`. They are hard links of a few files: a link costs a twentieth of a new
    inode, and the scanner must stat each name all the same."""
    many = root / "many"
    many.mkdir(parents=True)
    sources = [_write(root / f"source{i}.dat", b"s" * i) for i in range(4)]
    directory = many
    for i in range(count):
        if per_directory and i % per_directory == 0:
            directory = many / f"{i // per_directory:04d}"
            directory.mkdir()
        os.link(sources[i % len(sources)], directory / f"entry_{i:06d}.dat")
    settle_atimes(root)
    return root
