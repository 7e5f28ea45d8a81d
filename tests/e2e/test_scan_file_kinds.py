"""Entries at the edges of what a filesystem holds: FIFOs, sockets and devices (listed, never
opened), sparse files past 4 GiB, hard links, times before 1970 and after 2038, special mode
bits, owners without a name, a missing birth time, a regular file as the root, a directory
of many entries, and a bind mount of an ancestor.
"""
import os
import subprocess
from pathlib import Path

import pytest

from lib import trees
from lib.privileges import requires_root

MANY_ENTRIES = int(os.environ.get("SSCAN_E2E_MANY_ENTRIES", "5000"))


def by_name(rows) -> dict[str, dict]:
    return {os.path.basename(r["path"]): r for r in rows if r["depth"] > 0}


def test_fifo_socket_devices_listed_never_opened(scanner, tmp_path, output):
    """Opening the FIFO would block forever (no writer): the timeout turns a hang into a
    failure."""
    root = trees.make_special_files_tree(tmp_path / "tree")
    result, _ = scanner.check_against_reference(root, output, timeout=30)
    types = {name: r["file_type"] for name, r in by_name(result.rows).items()}
    assert (types["fifo"], types["fifo.txt"], types["nested_fifo"], types["socket.sock"]) == (
        "fifo", "fifo", "fifo", "socket")
    if os.geteuid() == 0:
        assert (types["char_dev"], types["block_dev"]) == ("char_device", "block_device")


def test_sparse_file_over_4gib(scanner, tmp_path, output):
    root = trees.make_file_kinds_tree(tmp_path / "tree")
    result, _ = scanner.check_against_reference(root, output)
    sparse = by_name(result.rows)["sparse_5g.bin"]
    assert sparse["size"] == 5 * 2**30  # beyond 32 bits
    assert sparse["allocated_size"] < 2**20  # what du counts: the one written block


def test_hard_links_share_inode(scanner, tmp_path, output):
    root = trees.make_file_kinds_tree(tmp_path / "tree")
    result, _ = scanner.check_against_reference(root, output)
    links = [r for r in result.rows if os.path.basename(r["path"]) in
             ("original.dat", "hardlink.dat", "third_link.dat")]
    assert len(links) == 3
    assert len({(r["device"], r["inode"]) for r in links}) == 1
    assert {r["nlink"] for r in links} == {3}


def test_timestamps_before_1970_and_far_future(scanner, tmp_path, output):
    """Seconds are floored, not truncated toward zero: -1.5 s is -2, -1 ns is -1. The files at
    ext4's limits (1901, 2446) are checked against the reference only: where a filesystem
    clamps is its own business."""
    root = trees.make_file_kinds_tree(tmp_path / "tree")
    result, _ = scanner.check_against_reference(root, output)
    rows = by_name(result.rows)
    assert {name: (rows[name]["modified_time"], rows[name]["accessed_time"])
            for name in ["pre1970.txt", "epoch_minus_ns.txt", "year2242.txt"]} == {
        "pre1970.txt": (-2, -3), "epoch_minus_ns.txt": (-1, -2),
        "year2242.txt": (2**33, 2**33 - 1)}
    assert rows["year1901.txt"]["modified_time"] < -(2**31) + 86400


def test_permissions_and_ownership(scanner, tmp_path, output):
    root = trees.make_file_kinds_tree(tmp_path / "tree")
    result, _ = scanner.check_against_reference(root, output)
    rows = by_name(result.rows)
    assert {n: rows[n]["permissions"] for n in ["setuid", "setgid", "no_access", "sticky_dir"]} \
        == {"setuid": 0o4755, "setgid": 0o2644, "no_access": 0, "sticky_dir": 0o1777}
    if os.geteuid() == 0:
        unknown, nobody = rows["unknown_owner"], rows["nobody_owned"]
        assert (unknown["uid"], unknown["gid"], unknown["owner"], unknown["group"]) == (
            1234567, 7654321, None, None)
        assert (nobody["owner"], nobody["group"]) == ("nobody", "nogroup")


SYSFS_DIR = Path("/sys/kernel/mm/transparent_hugepage")


def test_created_time_null_without_birth_time(scanner, tmp_path, output):
    """sysfs reports no birth time: created_time is null there, and set on ext4 rows of the
    same file (reached through a followed link), so every reader sees a column mixing both."""
    if not SYSFS_DIR.is_dir():
        pytest.skip(f"{SYSFS_DIR} not available")
    root = trees.make_seed_unit_tree(tmp_path / "tree")
    (root / "sys").symlink_to(SYSFS_DIR)
    result, ref = scanner.check_against_reference(root, output, follow_symlinks=True,
                                                  max_depth=2)
    if {r["created_time"] is None for r in ref.rows} != {True, False}:
        pytest.skip("needs a root with birth times and a sysfs directory without them")
    assert {r["created_time"] is None for r in result.rows} == {True, False}


def test_regular_file_as_root(scanner, tmp_path, output):
    (tmp_path / "tree").mkdir()
    target = tmp_path / "tree" / "Report.Final.PDF"
    target.write_bytes(b"%PDF")
    result, _ = scanner.check_against_reference(target, output)
    [row] = result.rows
    assert (row["path"], row["depth"], row["file_type"], row["parent_path"],
            row["top_level_dir"], row["size"]) == (
        str(target), 0, "pdf", str(tmp_path / "tree"), "", 4)


def test_many_entries_in_one_directory(scanner, tmp_path, output):
    root = trees.make_many_entries_tree(tmp_path / "tree", MANY_ENTRIES)
    result, _ = scanner.check_against_reference(root, output, options=["-t", "4"])
    assert len(result.rows) == MANY_ENTRIES + 6  # root, many/, four source files


@pytest.fixture
def bind_mounted_ancestor(tmp_path):
    """tree/x/mnt is a bind mount of tree itself: same (dev, ino) as an ancestor."""
    root = tmp_path / "tree"
    (root / "x/mnt").mkdir(parents=True)
    (root / "x/file.txt").write_text("f")
    mounted = subprocess.run(["mount", "--bind", root, root / "x/mnt"], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {mounted.stderr.decode().strip()}")
    # No settle_atimes: it would walk the loop. The comparison tolerates directory atimes
    # moving forward, and the one file is never read.
    try:
        yield root
    finally:
        subprocess.run(["umount", root / "x/mnt"], check=True)


@requires_root
def test_bind_mount_loop_not_descended(scanner, bind_mounted_ancestor, output):
    root = bind_mounted_ancestor
    result, _ = scanner.check_against_reference(root, output, timeout=30)
    rows = {r["path"]: r for r in result.rows}
    assert rows[str(root / "x/mnt")]["file_type"] == "directory"
    assert not [p for p in rows if p.startswith(str(root / "x/mnt") + "/")]
    assert len(rows) == 4
