"""Symlinks. Without --follow-symlinks a link is one row describing the link itself and is
never followed. With it, real directories are walked first, then the links to directories in
rounds sorted by path: a target already visited is a loop or duplicate, reported once in the
sidecar and not walked; any other target is walked through the link's own path.

The tree (trees.make_symlink_tree) has links to a file, to a directory inside the root, to
the root itself (relative and absolute), broken, self-referencing, chained, and four links
into one directory outside the root, one of them to a subdirectory that a link sorting
earlier walks first.
"""
import os

import pytest

from lib import trees
from lib.reference import row_raw_path

LINKS = ["to_file", "to_dir", "to_root", "to_abs_root", "broken", "self", "chain1", "chain2",
         "chain3", "dirchain1", "dirchain2", "a_nested", "to_outside", "to_outside_sub",
         "z_second_to_outside"]
# Links whose target was already visited when their round came (the contract's "loop").
DUPLICATES = ["links/to_dir", "links/to_root", "links/to_abs_root", "links/dirchain1",
              "links/dirchain2", "links/to_outside_sub", "links/z_second_to_outside",
              "links/a_nested/back_to_root"]


@pytest.fixture
def symlink_tree(tmp_path):
    return trees.make_symlink_tree(tmp_path / "tree", tmp_path / "outside")


def relative(rows, root):
    prefix = str(root) + "/"
    return {r["path"].removeprefix(prefix): r for r in rows if r["path"] != str(root)}


def test_symlinks_not_followed_by_default(scanner, symlink_tree, output):
    result, _ = scanner.check_against_reference(symlink_tree, output)
    rows = relative(result.rows, symlink_tree)
    for name in LINKS:
        link = symlink_tree / "links" / name
        row = rows[f"links/{name}"]
        st = os.lstat(link)
        target = os.readlink(link)
        # A row that describes the link, never its target.
        assert (row["file_type"], row["inode"], row["size"], row["symlink_target"]) == (
            "symlink", st.st_ino, len(os.fsencode(target)), target), name
    assert not [p for p in rows if p.startswith("links/") and p.count("/") > 1]
    assert result.errors == []


def test_follow_symlinks_matches_reference(scanner, symlink_tree, output):
    scanner.check_against_reference(symlink_tree, output, follow_symlinks=True)


def test_follow_symlinks_walks_outside_target_through_link_path(scanner, symlink_tree, output,
                                                                tmp_path):
    result, _ = scanner.check_against_reference(symlink_tree, output, follow_symlinks=True)
    rows = relative(result.rows, symlink_tree)
    a = rows["links/to_outside/a.txt"]
    assert (a["depth"], a["parent_path"], a["top_level_dir"]) == (
        3, str(symlink_tree / "links/to_outside"), "links")
    assert rows["links/to_outside/link_to_other/o.txt"]["depth"] == 4  # a second-round link
    assert rows["links/a_nested/deeper/c.txt"]["depth"] == 4
    assert rows["links/to_outside"]["file_type"] == "symlink"  # the link row stays a link row
    # Nothing is reported under the target's real path: rows only come through the root.
    assert not [r["path"] for r in result.rows if r["path"].startswith(str(tmp_path / "outside"))]


def test_follow_symlinks_directory_reachable_via_two_links_visited_once(scanner, symlink_tree,
                                                                        output, tmp_path):
    """outside/shared is the target of to_outside and z_second_to_outside, outside/shared/
    nested also of a_nested and to_outside_sub: every file below them appears once."""
    result, _ = scanner.check_against_reference(symlink_tree, output, follow_symlinks=True)
    rows = relative(result.rows, symlink_tree)
    for real in ["shared/a.txt", "shared/nested/b.txt", "shared/nested/deeper/c.txt",
                 "other/o.txt"]:
        inode = os.lstat(tmp_path / "outside" / real).st_ino
        assert len([r for r in result.rows if r["inode"] == inode]) == 1, real
    # a_nested sorts before to_outside, so nested/ was visited first through a_nested.
    assert "links/a_nested/b.txt" in rows
    assert rows["links/to_outside/nested"]["file_type"] == "directory"
    assert "links/to_outside/nested/b.txt" not in rows
    assert not [p for p in rows if p.startswith(("links/z_second_to_outside/",
                                                 "links/to_outside_sub/"))]


def test_follow_symlinks_loops_reported_once(scanner, symlink_tree, output):
    result, _ = scanner.check_against_reference(symlink_tree, output, follow_symlinks=True)
    loops = sorted(os.fsdecode(e.path) for e in result.errors if e.op == "loop")
    expected = sorted(str(symlink_tree / p) for p in DUPLICATES)
    # links/to_outside/nested may also be reported (a real directory skipped as visited).
    assert [p for p in loops if p != str(symlink_tree / "links/to_outside/nested")] == expected


def test_follow_symlinks_respects_max_depth(scanner, symlink_tree, output):
    for depth in (1, 2, 3):
        scanner.check_against_reference(symlink_tree, output, follow_symlinks=True,
                                        max_depth=depth)


@pytest.mark.parametrize("follow", [False, True], ids=["no_follow", "follow"])
def test_root_symlink_to_directory_is_followed(scanner, tmp_path, output, follow):
    """A root given as a symlink to a directory is scanned (like find -H), under the path
    as given: rows are named through the link, the root row describes the directory."""
    real = trees.make_seed_tree(tmp_path / "real")
    alias = tmp_path / "alias"
    alias.symlink_to(real)
    result, ref = scanner.check_against_reference(alias, output, follow_symlinks=follow)
    root_row = ref.row()
    assert (root_row["path"], root_row["file_type"], root_row["inode"],
            root_row["symlink_target"]) == (str(alias), "directory", real.stat().st_ino, None)
    assert all(row_raw_path(r).startswith(os.fsencode(alias)) for r in result.rows)
    assert len(result.rows) == 15
