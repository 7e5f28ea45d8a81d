"""scan_browse.tree against the filesystem: what a directory holds, from the summary and the
file index (or the rows), with a directory's files beyond a limit folded into one row."""
import os
import sys

import browse_reference as ref
import pytest
from browse_harness import REPO

sys.path.insert(0, str(REPO / "scripts"))

from scan_browse import locate  # noqa: E402
from scan_browse.tree import MORE, SnapshotTree, Sources  # noqa: E402


@pytest.fixture(scope="module", params=["index", "rows"])
def snapshot_tree(request, snapshot, cache):
    found = locate.from_snapshot(str(snapshot), str(cache), None)
    assert found.summary_source == "cache" and found.file_index
    t = SnapshotTree(Sources(dirs=found.dirs, owners=found.owners,
                             file_index=found.file_index if request.param == "index" else None,
                             rows=found.rows), roots=found.roots)
    yield t
    t.close()


def test_root_directories_and_files(snapshot_tree, tree, reference):
    t = snapshot_tree
    assert t.root == str(tree)
    root = t.directory(t.root)
    assert (root.allocated, root.apparent) == (ref.du(tree), ref.du(tree, "--apparent-size"))
    assert root.entries == ref.du(tree, "--inodes")
    subdirs = {e.name for e in t.subdirectories(t.root)}
    files = {e.name for e in t.files(t.root)}
    on_disk = {os.fsencode(n).decode("utf-8", "replace") for n in os.listdir(tree)}
    assert subdirs | files == on_disk and not subdirs & files
    assert subdirs == {os.fsencode(n).decode("utf-8", "replace") for n in os.listdir(tree)
                       if (tree / n).is_dir() and not (tree / n).is_symlink()}


def test_files_beyond_the_limit_are_one_row(snapshot_tree, tree):
    alpha = tree / "alpha"
    listed = snapshot_tree.files(str(alpha), limit=10)
    assert len(listed) == 11 and listed[-1].kind == MORE
    assert listed[-1].name == "(20 more, smaller: not listed)"
    sizes = sorted((os.lstat(p).st_blocks * 512 for p in alpha.iterdir() if p.is_file()),
                   reverse=True)
    assert [e.allocated for e in listed[:10]] == sizes[:10]
    assert listed[-1].allocated == sum(sizes[10:]) and listed[-1].files == 20
    assert len(snapshot_tree.files(str(alpha))) == 30


def test_owners_and_completion(snapshot_tree, tree, reference):
    if os.geteuid() != 0:
        pytest.skip("the tree's owners are set with chown (root)")
    owners = snapshot_tree.owners(str(tree / "alpha"))
    assert owners[0]["uid"] == 1 and owners[0]["allocated"] == ref.du(tree / "alpha")
    assert snapshot_tree.complete(str(tree), "e") == ["empty", "epsilon"]
    assert snapshot_tree.directory(str(tree / "nope")) is None


def test_subdirectories_beyond_the_limit_are_one_row(snapshot_tree, tree):
    every = snapshot_tree.subdirectories(str(tree))
    listed = snapshot_tree.subdirectories(str(tree), limit=3)
    assert [e.name for e in listed[:3]] == [e.name for e in every[:3]]
    more = listed[3]
    assert more.kind == MORE and more.name == f"({len(every) - 3} more directories, smaller: " \
        "not listed)"
    for field in ("allocated", "apparent", "files", "entries"):
        assert sum(getattr(e, field) for e in listed) == sum(getattr(e, field) for e in every)
