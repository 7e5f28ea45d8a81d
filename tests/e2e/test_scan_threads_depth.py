"""The same rows whatever the thread count, and exactly the rows down to --max-depth.

One tree serves the module (built once): wide directories, a deep chain and a random
project-like part, so work is split among threads in every way a parallel walker can split
it.
"""
import pytest

from lib import trees


@pytest.fixture(scope="module")
def varied_tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("varied") / "tree"
    trees.make_mixed_tree(root / "project", seed=3, files=300, dirs=50)
    trees.make_many_entries_tree(root / "wide", 1500, per_directory=100)
    trees.make_deep_tree(root / "deep", levels=40)
    trees.make_symlink_tree(root / "links", root.parent / "outside")
    trees.settle_atimes(root)
    return root


@pytest.mark.parametrize("threads", [1, 2, 3, 4, 8, 16, 1024])
def test_same_rows_for_any_thread_count(scanner, varied_tree, output, threads):
    scanner.check_against_reference(varied_tree, output, options=["--threads", str(threads)])


@pytest.mark.parametrize("threads", [1, 4])
def test_same_rows_for_any_thread_count_following_symlinks(scanner, varied_tree, output, threads):
    scanner.check_against_reference(varied_tree, output, follow_symlinks=True,
                                    options=["--threads", str(threads)])


def test_max_depth_zero_is_the_root_only(scanner, varied_tree, output):
    result, _ = scanner.check_against_reference(varied_tree, output, max_depth=0)
    assert [(r["path"], r["depth"]) for r in result.rows] == [(str(varied_tree), 0)]


@pytest.mark.parametrize("depth", [1, 2, 3, 5, 8, 40, 41, 42, 100])
def test_max_depth_levels(scanner, varied_tree, output, depth):
    """Rows down to depth N; directories at depth N are rows but are not read. 42 is the
    deepest entry of the tree, so 42 and 100 must both give the whole tree."""
    result, _ = scanner.check_against_reference(varied_tree, output, max_depth=depth,
                                                options=["--threads", "4"])
    assert max(r["depth"] for r in result.rows) == min(depth, 42)
