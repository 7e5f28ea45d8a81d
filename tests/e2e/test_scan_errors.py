"""Entries the scanner cannot read: the scan goes on (exit 0), the entry it could not read is
still a row where its parent could stat it, and the error sidecar names each problem with
its path (exact bytes too), operation and errno.

Root reads everything, so these scans run as nobody:nogroup (setpriv) over a tree under a
world-readable temporary directory, and the reference walk runs as the same user.
"""
import errno
import os

import pytest

from lib import trees
from lib.privileges import NOBODY_GID, NOBODY_UID, requires_root
from lib.reference import ExpectedError


@pytest.fixture
def restricted_tree(world_tmp):
    """The seed tree with three kinds of closed directory:
    dir1 (mode 000) cannot be opened; dir2 (0444: read, no search) can be listed but its
    entries cannot be stat'ed; dir3/subdir2 (0311: search, no read) cannot be opened either;
    and b'locked\\xff' (000) has a name that is not UTF-8."""
    root = trees.make_seed_tree(world_tmp / "tree")
    raw_locked = os.fsencode(root) + b"/locked\xff"
    os.mkdir(raw_locked)
    with open(raw_locked + b"/hidden.txt", "wb") as f:
        f.write(b"h")
    trees.settle_atimes(root)
    for path, mode in [(root / "dir1", 0o000), (root / "dir2", 0o444),
                       (root / "dir3/subdir2", 0o311), (raw_locked, 0o000)]:
        os.chmod(path, mode)
    return root


@pytest.fixture
def nobody_output(world_tmp):
    out = world_tmp / "out"
    out.mkdir()
    os.chown(out, NOBODY_UID, NOBODY_GID)
    return out / "scan.parquet"


@requires_root
def test_unreadable_directory_reported_in_sidecar(scanner, restricted_tree, nobody_output):
    root = restricted_tree
    result, _ = scanner.check_against_reference(root, nobody_output, unprivileged=True)
    rows = {r["path"] for r in result.rows}
    raw_root = os.fsencode(root)
    # The closed directories are rows (their parent could stat them); nothing below them is.
    assert {str(root / "dir1"), str(root / "dir2"), str(root / "dir3/subdir2")} <= rows
    assert not [p for p in rows if p.startswith((str(root / "dir1") + "/",
                                                 str(root / "dir2") + "/",
                                                 str(root / "dir3/subdir2") + "/"))]
    expected = {
        ExpectedError(raw_root + b"/dir1", "open", errno.EACCES),
        ExpectedError(raw_root + b"/dir3/subdir2", "open", errno.EACCES),
        ExpectedError(raw_root + b"/locked\xff", "open", errno.EACCES),
        ExpectedError(raw_root + b"/dir2/file5.py", "statx", errno.EACCES),
    }
    assert {ExpectedError(e.path, e.op, e.errno) for e in result.errors} == expected
    assert all(e.error for e in result.errors)


@requires_root
def test_unreadable_directory_at_max_depth_not_reported(scanner, restricted_tree,
                                                           nobody_output):
    """With --max-depth 1 the closed directories are at the limit: listed, never opened, so
    there is nothing to report."""
    result, _ = scanner.check_against_reference(restricted_tree, nobody_output, max_depth=1,
                                                unprivileged=True)
    assert result.errors == []
