"""Self-tests of the harness: the reference's rules, the comparison and the readers' checks
must themselves be right, and must fail when they should. No scanner binary is needed."""
import os
import stat

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lib import trees
from lib.compare import diff_rows
from lib.readers import check_footer, read_rows
from lib.reference import excluded_by, file_type, own_output_pattern, reference_scan
from lib.schema import ARROW_SCHEMA


@pytest.mark.parametrize("name, expected", [
    (b"a.tar.GZ", "gz"), (b".bashrc", ""), (b"..x", "x"), (b"dot.", ""), (b"noext", ""),
    (b"x.\xc3\x84BC", "\u00c4bc"), (b"f.\xffe", "\ufffde"), (b"...", ""), (b".a.b", "b"),
])
def test_reference_file_type_rule(name, expected):
    assert file_type(name, stat.S_IFREG | 0o644) == expected


def test_reference_file_type_of_non_regular_entries():
    assert [file_type(b"x.txt", kind) for kind in (stat.S_IFDIR, stat.S_IFLNK, stat.S_IFIFO,
                                                   stat.S_IFSOCK, stat.S_IFBLK, stat.S_IFCHR)] \
        == ["directory", "symlink", "fifo", "socket", "block_device", "char_device"]


def test_own_output_pattern():
    pattern = own_output_pattern("/x/snap.shot.parquet")
    for name in [b"snap.shot.parquet", b"snap.shot_chunk_0001.parquet",
                 b"snap.shot_shard0002_manifest.json", b".snap.shot.q.tmp-7"]:
        assert pattern.fullmatch(name), name
    for name in [b"snapXshot_chunk_0001.parquet", b"snap.shot_chunk_001.parquet",
                 b"snap.shot_manifest.json\n", b"snap.shot.parquet.old"]:
        assert not pattern.fullmatch(name), name
    assert own_output_pattern("/x/out").fullmatch(b"out_errors.jsonl")  # no .parquet suffix


def test_reference_root_row_and_depth(tmp_path):
    root = trees.make_seed_unit_tree(tmp_path / "tree")
    ref = reference_scan(root, max_depth=1)
    assert ref.row()["depth"] == 0 and ref.row()["parent_path"] == str(tmp_path)
    assert sorted(os.path.basename(r["path"]) for r in ref.rows if r["depth"] == 1) == [
        "dir1", "dir2", "file1.txt"]
    assert max(r["depth"] for r in ref.rows) == 1


def test_reference_exclusion_rules():
    """fnmatch semantics on raw bytes: names without '/', paths below the root with it."""
    assert excluded_by([b".snapshot"], b".snapshot", b"a/b/.snapshot")
    assert not excluded_by([b".snapshot"], b"x.snapshot", b"x.snapshot")
    assert excluded_by([b"a/*/tmp"], b"tmp", b"a/b/c/tmp")  # '*' crosses '/'
    assert not excluded_by([b"a/*/tmp"], b"tmp", b"b/a/x/tmp")  # anchored at the root
    assert excluded_by([b"[[]x]"], b"[x]", b"[x]")
    assert not excluded_by([b"*.PDF"], b"a.pdf", b"a.pdf")  # case-sensitive
    assert excluded_by([b"?.bin"], b"\xff.bin", b"\xff.bin")  # '?' is one byte


def test_reference_excluded_directory_not_entered_and_counted_once(tmp_path):
    root = trees.make_seed_tree(tmp_path / "tree")
    ref = reference_scan(root, excludes=["dir3", "*.log"])
    names = {os.path.relpath(r["path"], root) for r in ref.rows}
    assert not [n for n in names if n.startswith("dir3")] and "file2.log" not in names
    assert "dir1/subdir1/file4.txt" in names
    assert ref.excluded == 2


def test_compare_reports_every_kind_of_difference(tmp_path):
    rows = reference_scan(trees.make_seed_unit_tree(tmp_path / "tree")).rows
    actual = [dict(r) for r in rows[1:]] + [dict(rows[2])]
    actual[0]["size"] += 1
    extra = dict(rows[0], path=rows[0]["path"] + "/ghost")
    text = "\n".join(diff_rows(actual + [extra], rows))
    assert "1 missing, 1 extra, 1 duplicated, 1 mismatched" in text


def test_compare_tolerates_only_later_directory_atime(tmp_path):
    rows = reference_scan(trees.make_seed_unit_tree(tmp_path / "tree")).rows
    later, earlier = [dict(r) for r in rows], [dict(r) for r in rows]
    for r in later:
        r["accessed_time"] += r["file_type"] == "directory"
    for r in earlier:
        r["accessed_time"] -= r["file_type"] == "directory"
    assert diff_rows(later, rows) == []
    assert diff_rows(earlier, rows) != []


def write_table(path, rows, schema=ARROW_SCHEMA):
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)


def test_readers_accept_the_contract_schema(tmp_path):
    rows = reference_scan(trees.make_non_utf8_tree(tmp_path / "tree")).rows
    write_table(tmp_path / "ok.parquet", rows)
    assert len(read_rows(tmp_path / "ok.parquet")) == len(rows)


def test_readers_reject_a_signed_size(tmp_path):
    rows = reference_scan(trees.make_seed_unit_tree(tmp_path / "tree")).rows
    write_table(tmp_path / "bad.parquet", rows,
                ARROW_SCHEMA.set(1, pa.field("size", pa.int64(), nullable=False)))
    with pytest.raises(AssertionError, match="schema differs"):
        read_rows(tmp_path / "bad.parquet")


def test_footer_check_requires_integer_statistics(tmp_path):
    # (Without statistics fastparquet also turns required integer columns into masked
    # UInt64/Int64 dtypes, which read_rows reports first.)
    rows = reference_scan(trees.make_seed_unit_tree(tmp_path / "tree")).rows
    pq.write_table(pa.Table.from_pylist(rows, schema=ARROW_SCHEMA), tmp_path / "nostats.parquet",
                   write_statistics=False)
    with pytest.raises(AssertionError, match="statistic"):
        check_footer(str(tmp_path / "nostats.parquet"))
