"""Trees with known contents: every kind of entry the analysis must get right.

The known tree (build_known_tree) holds, under ROOT:
  alice/   (uid 1, daemon)    a 3 MiB file, 40 small files, a nested docs/ with a hard link
                              inside the same directory
  bob/     (uid 2, bin)       a sparse 64 MiB file (one 4 KiB block written), a .tar.gz, an
                              empty file, a file modified "in the future", and a hard link to
                              alice/big.bin (links across top-level directories)
  ghost/   (uid 4242, unknown to the system) a file, a symlink, a dangling symlink, a FIFO
  nobody/  (uid 65534)        one log file
  "wéird name"/               a non-ASCII directory name
  top_file.txt, .hidden       files directly under the root
Files get mtimes and atimes far from every age-bucket edge (days before `now`).
"""
import os
import pathlib

DAY = 86400
UNKNOWN_UID = 4242


def write(path: pathlib.Path, size: int, *, mtime_days=None, atime_days=None,
          now=None) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write(b"x" * size)
    if mtime_days is not None:
        set_times(path, now, mtime_days, atime_days if atime_days is not None else mtime_days)
    return path


def set_times(path: pathlib.Path, now: int, mtime_days: float, atime_days: float) -> None:
    os.utime(path, (now - int(atime_days * DAY), now - int(mtime_days * DAY)),
             follow_symlinks=False)


def sparse(path: pathlib.Path, size: int, written_at: int, written: int) -> pathlib.Path:
    """A file of `size` bytes of which only `written` bytes at `written_at` are allocated."""
    with open(path, "wb") as f:
        f.truncate(size)
        f.seek(written_at)
        f.write(b"s" * written)
        f.flush()
        os.fsync(f.fileno())
    return path


def chown_tree(top: pathlib.Path, uid: int) -> None:
    for dirpath, dirnames, filenames in os.walk(top):
        for name in dirnames + filenames:
            os.chown(os.path.join(dirpath, name), uid, uid, follow_symlinks=False)
    os.chown(top, uid, uid)


def build_known_tree(root: pathlib.Path, now: int) -> pathlib.Path:
    root.mkdir(parents=True, exist_ok=True)
    alice = root / "alice"
    write(alice / "big.bin", 3 * 2**20, mtime_days=10, atime_days=5, now=now)
    for i in range(40):
        write(alice / f"small_{i:02}.txt", 1 + i * 5, mtime_days=60, atime_days=45, now=now)
    write(alice / "docs" / "report.pdf", 50_000, mtime_days=200, atime_days=100, now=now)
    os.link(alice / "docs" / "report.pdf", alice / "docs" / "report_link.pdf")
    write(alice / "docs" / "nested" / "deep" / "leaf.csv", 9_000, mtime_days=500,
          atime_days=400, now=now)
    chown_tree(alice, 1)

    bob = root / "bob"
    bob.mkdir()
    sparse(bob / "sparse.img", 64 * 2**20, 2**20, 4096)
    set_times(bob / "sparse.img", now, 1000, 800)
    write(bob / "archive.tar.gz", 200_000, mtime_days=3000, atime_days=2500, now=now)
    write(bob / "empty.dat", 0, mtime_days=1000, atime_days=1000, now=now)
    write(bob / "future.txt", 300, mtime_days=-2, atime_days=-2, now=now)
    os.link(alice / "big.bin", bob / "shared_link.bin")
    chown_tree(bob, 2)

    ghost = root / "ghost"
    write(ghost / "data.bin", 123_456, mtime_days=40, atime_days=20, now=now)
    os.symlink("data.bin", ghost / "link_to_data")
    os.symlink("/nonexistent/target", ghost / "dangling")
    os.mkfifo(ghost / "pipe")
    chown_tree(ghost, UNKNOWN_UID)

    write(root / "nobody" / "x.log", 7_000, mtime_days=800, atime_days=700, now=now)
    chown_tree(root / "nobody", 65534)

    write(root / "wéird name" / "ünïcode.TXT", 2_500, mtime_days=100, atime_days=50, now=now)
    write(root / "top_file.txt", 12_345, mtime_days=400, atime_days=30, now=now)
    write(root / ".hidden", 10, mtime_days=2000, atime_days=1900, now=now)
    return root


def build_plain_tree(root: pathlib.Path, dirs: int = 3, files: int = 5) -> pathlib.Path:
    """A tree that needs no root: dirs top-level directories of `files` files of assorted sizes,
    a hard link and a small sparse file."""
    for d in range(dirs):
        for f in range(files):
            write(root / f"d{d}" / f"sub{f % 2}" / f"f{f}.dat", (d + 1) * (f + 1) * 3_000)
    write(root / "readme.md", 700)
    os.link(root / "d0" / "sub0" / "f0.dat", root / "d0" / "hard.dat")
    sparse(root / "d1" / "hole.img", 8 * 2**20, 0, 4096)
    return root
