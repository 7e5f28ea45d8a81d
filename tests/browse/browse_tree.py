"""The tree the browse suite scans: every kind of entry a listing and an ncdu export must get
right, with sizes chosen so that no two top-level directories tie on disk usage, apparent
size, file count or newest modification time.

ROOT/
  alpha/        (uid 1)  30 small files, a subdirectory
  beta/         (uid 2)  a sparse 64 MiB file (one 4 KiB block written), a 3 MiB file
  gamma/                 d1/ (deep: d1/d2/d3/leaf.csv), d1.txt and d1-x beside it (a plain
                         string sort would put them between d1 and d1/x.dat), a symlink
  delta/                 orig.bin, sub/link.bin (a hard link inside delta), and a 3rd link
                         in epsilon/ (across top-level directories)
  epsilon/               cross.bin (that 3rd link), a FIFO
  empty/                 nothing
  wéird name/            a non-ASCII name
  bad\xffname/           a name that is not UTF-8
  LONG/                  a directory name too long for an 80-column screen
  root_file.txt, a symlink to it, .hidden
Times: every entry gets an mtime from MTIMES (directories too, set last), so the newest
mtimes of the top-level directories differ.
"""
import os
import pathlib

DAY = 86400
BASE = 1_600_000_000  # 2020-09-13
LONG = "a_directory_name_far_too_long_for_eighty_columns_of_terminal_" + "x" * 20
BAD = os.fsdecode(b"bad\xffname")
# Newest mtime of each top-level directory's subtree (days after BASE), all different.
MTIMES = {"alpha": 40, "beta": 30, "gamma": 20, "delta": 50, "epsilon": 10, "empty": 5,
          "wéird name": 15, BAD: 25, LONG: 35}


def write(path: pathlib.Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write(b"x" * size)


def sparse(path: pathlib.Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.truncate(size)
        f.seek(size // 2)
        f.write(b"s" * 4096)
        f.flush()
        os.fsync(f.fileno())


def build(root: pathlib.Path) -> pathlib.Path:
    root.mkdir(parents=True)
    for i in range(30):
        write(root / "alpha" / f"small_{i:02}.txt", 100 + i * 300)
    write(root / "alpha" / "sub" / "notes.md", 7_000)
    sparse(root / "beta" / "sparse.img", 64 * 2**20)
    write(root / "beta" / "big.bin", 3 * 2**20)
    write(root / "gamma" / "d1" / "d2" / "d3" / "leaf.csv", 9_000)
    write(root / "gamma" / "d1" / "x.dat", 2_000)
    write(root / "gamma" / "d1.txt", 1_500)
    write(root / "gamma" / "d1-x", 600)
    os.symlink("d1.txt", root / "gamma" / "to_d1.txt")
    write(root / "delta" / "orig.bin", 200_000)
    (root / "delta" / "sub").mkdir()
    os.link(root / "delta" / "orig.bin", root / "delta" / "sub" / "link.bin")
    (root / "epsilon").mkdir()
    os.link(root / "delta" / "orig.bin", root / "epsilon" / "cross.bin")
    os.mkfifo(root / "epsilon" / "pipe")
    (root / "empty").mkdir()
    write(root / "wéird name" / "ünï.txt", 2_500)
    write(root / BAD / "inside.dat", 3_300)
    write(root / LONG / "f.dat", 1_100)
    write(root / "root_file.txt", 12_345)
    os.symlink("root_file.txt", root / "link_to_root_file")
    write(root / ".hidden", 10)
    if os.geteuid() == 0:
        for top, uid in (("alpha", 1), ("beta", 2)):
            for dirpath, dirnames, filenames in os.walk(root / top):
                for name in dirnames + filenames:
                    os.chown(os.path.join(dirpath, name), uid, uid, follow_symlinks=False)
            os.chown(root / top, uid, uid)
    _set_times(root)
    return root


def _set_times(root: pathlib.Path) -> None:
    """Everything in a top-level directory gets an mtime MTIMES[top] days after BASE, a day
    newer per level down (so a directory's newest mtime is deep inside it, not its own);
    directories after their contents, so creating the files cannot move them."""
    entries = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            entries.append(pathlib.Path(dirpath) / name)
    entries.sort(key=lambda p: len(p.parts), reverse=True)
    for path in entries:
        rel = path.relative_to(root).parts
        days = MTIMES.get(rel[0], 60) + (len(rel) - 1)
        when = BASE + days * DAY
        os.utime(path, (when, when), follow_symlinks=False)
    os.utime(root, (BASE, BASE))
