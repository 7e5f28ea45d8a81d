"""What a scan writes: the output file (mode 0600, renamed into place when complete, with its
key-value metadata), the error sidecar, no temporary files, and never its own files as rows.
"""
import os
import re
import socket
import stat

from lib import trees
from lib.outputs import directory_snapshot
from lib.readers import key_value_metadata, read_rows
from lib.reference import row_raw_path

# Columns of the directory that receives the output that the scan itself changes, so the
# reference walk (run before the scan) cannot predict them.
WRITTEN_DIR_COLUMNS = {"size", "allocated_size", "modified_time", "accessed_time",
                       "changed_time"}


def test_output_file_mode_is_0600(scanner, tmp_path, output):
    """0600 whatever the umask: the output names every user's files."""
    root = trees.make_seed_unit_tree(tmp_path / "tree")
    previous = os.umask(0)
    try:
        scanner.scan_ok(root, output)  # checks output and sidecar are 0600
    finally:
        os.umask(previous)
    assert stat.S_IMODE(output.stat().st_mode) == 0o600


def test_no_temp_files_left_after_success(scanner, tmp_path, out_dir, output):
    root = trees.make_seed_unit_tree(tmp_path / "tree")
    scanner.scan_ok(root, output)
    assert sorted(os.listdir(out_dir)) == ["scan.parquet", "scan_errors.jsonl"]


def test_sidecar_empty_when_no_errors(scanner, tmp_path, out_dir, output):
    root = trees.make_seed_tree(tmp_path / "tree")
    scanner.scan_ok(root, output)
    assert (out_dir / "scan_errors.jsonl").read_bytes() == b""


def test_existing_output_replaced_by_rename(scanner, tmp_path, output):
    """An existing output is replaced whole: a new file renamed over it, not rewritten in
    place (a reader holding the old file keeps reading the old file)."""
    root = trees.make_seed_unit_tree(tmp_path / "tree")
    output.write_bytes(b"previous snapshot")
    old_inode = output.stat().st_ino
    scanner.check_against_reference(root, output)
    assert output.stat().st_ino != old_inode


def test_output_inside_scanned_tree_is_not_scanned(scanner, tmp_path):
    root = trees.make_seed_tree(tmp_path / "tree")
    output = root / "dir1" / "scan.parquet"
    result, _ = scanner.check_against_reference(
        root, output, ignore={os.fsencode(root / "dir1"): WRITTEN_DIR_COLUMNS})
    names = {os.path.basename(r["path"]) for r in result.rows}
    assert not names & {"scan.parquet", "scan_errors.jsonl"}
    assert not [n for n in names if ".tmp-" in n]


def test_second_scan_skips_previous_output(scanner, tmp_path):
    """The second scan into the same place finds the first one's output and sidecar in the
    tree and skips them too."""
    root = trees.make_seed_tree(tmp_path / "tree")
    output = root / "scan.parquet"
    ignore = {os.fsencode(root): WRITTEN_DIR_COLUMNS}
    first, _ = scanner.check_against_reference(root, output, ignore=ignore)
    second, _ = scanner.check_against_reference(root, output, ignore=ignore)
    assert sorted(map(row_raw_path, first.rows)) == sorted(map(row_raw_path, second.rows))


# Names the scanner must skip beside its output scan.parquet, and names that only look alike.
OWN_NAMES = ["scan_chunk_0001.parquet", "scan_chunk_123456.parquet", "scan_manifest.json",
             "scan_state.bin", "scan_shard0003_chunk_0001.parquet", "scan_shard12345_manifest.json",
             "scan_shard0000_errors.jsonl", "scan_shard0007_state.bin", ".scan.parquet.tmp-123",
             ".scan.x.tmp-9", ".scan.tmp-42"]
LOOKALIKES = ["scan_chunk_001.parquet", "scan_chunk_0001.parquet.bak", "scan.parquet.bak",
              "scan_errors.json", "Scan.parquet", "scan_shard003_chunk_0001.parquet",
              "xscan_manifest.json", ".scan.tmp-", ".scan.tmp-12a", "scan_chunk_٠١٢٣.parquet",
              "scan_manifest.json\n", "other.parquet", "scan_chunk_0001.parquet.tmp-1"]


def test_own_output_names_skipped_only_in_output_directory(scanner, tmp_path):
    """In the output's directory the scanner's own names (output, chunks, manifests, state,
    sidecars, temporaries, of any shard) are skipped; look-alikes there, and the same names
    anywhere else, are ordinary files."""
    root = trees.make_seed_unit_tree(tmp_path / "tree")
    for directory in ("out", "elsewhere"):
        (root / directory).mkdir()
        for name in OWN_NAMES + LOOKALIKES:
            (root / directory / name).write_text(name)
    trees.settle_atimes(root)
    output = root / "out" / "scan.parquet"
    result, _ = scanner.check_against_reference(
        root, output, ignore={os.fsencode(root / "out"): WRITTEN_DIR_COLUMNS})
    in_out = {os.path.basename(r["path"]) for r in result.rows
              if r["parent_path"] == str(root / "out")}
    elsewhere = {os.path.basename(r["path"]) for r in result.rows
                 if r["parent_path"] == str(root / "elsewhere")}
    assert in_out == set(LOOKALIKES)
    assert elsewhere == set(OWN_NAMES + LOOKALIKES)


def test_file_key_value_metadata(scanner, tmp_path, output, project_version):
    """The contract names the facts, not the keys: scan root, start time, host, version."""
    root = trees.make_seed_unit_tree(tmp_path / "tree")
    scanner.scan_ok(root, output)
    metadata = key_value_metadata(output)

    def values_where(word):
        return [v for k, v in metadata.items() if word in k.lower()]

    assert str(root) in values_where("root"), metadata
    assert socket.gethostname() in values_where("host"), metadata
    assert any(project_version in v for v in values_where("version")), metadata
    assert [v for v in values_where("start") if re.search(r"\d", v)], metadata


def test_output_read_by_all_five_readers_as_one_dataset(scanner, tmp_path, out_dir):
    """Two snapshots in one directory read together through a glob, as the README shows."""
    first = trees.make_unicode_tree(tmp_path / "first")
    second = trees.make_non_utf8_tree(tmp_path / "second")
    a = scanner.scan_ok(first, out_dir / "a.parquet")
    b = scanner.scan_ok(second, out_dir / "b.parquet")
    rows = read_rows(str(out_dir / "*.parquet"))
    assert sorted(map(row_raw_path, rows)) == sorted(map(row_raw_path, a.rows + b.rows))


def test_scan_leaves_output_directory_alone_apart_from_its_files(scanner, tmp_path, out_dir,
                                                               output):
    (out_dir / "unrelated.txt").write_text("keep me")
    before = directory_snapshot(out_dir)
    root = trees.make_seed_unit_tree(tmp_path / "tree")
    scanner.scan_ok(root, output)
    after = directory_snapshot(out_dir)
    assert sorted(after) == sorted([*before, "scan.parquet", "scan_errors.jsonl"])
    assert after["unrelated.txt"] == before["unrelated.txt"]
