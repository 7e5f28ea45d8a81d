"""Names: any bytes but '/' and NUL. STRING columns hold valid UTF-8 (invalid bytes replaced
as bytes.decode('utf-8', 'replace') does) and path_bytes keeps the exact bytes whenever the
path is not valid UTF-8, so every reader can read every file and nothing is lost. Also the
file_type rule, 255-byte names and paths longer than PATH_MAX.
"""
import os

from lib import trees
from lib.reference import decode, row_raw_path


def test_unicode_and_spaces_names(scanner, tmp_path, output):
    root = trees.make_unicode_tree(tmp_path / "tree")
    result, _ = scanner.check_against_reference(root, output)
    paths = {r["path"] for r in result.rows}
    # NFC and NFD spellings of é are two files, kept apart byte for byte.
    assert {str(root / "\u00e9.txt"), str(root / "e\u0301.txt")} <= paths
    # U+FFFD typed into a name is valid UTF-8: no path_bytes.
    assert [r["path_bytes"] for r in result.rows if r["path"] == str(root / "\ufffd.txt")] == [None]
    assert all(r["path_bytes"] is None for r in result.rows)


def test_special_character_names(scanner, tmp_path, output):
    """Newlines, tabs, backslashes, quotes, leading dashes, glob and format characters, and
    255-byte names come back exactly."""
    root = trees.make_special_names_tree(tmp_path / "tree")
    result, _ = scanner.check_against_reference(root, output)
    names = {os.path.basename(r["path"]) for r in result.rows}
    for name in ["new\nline.txt", "trailing newline\n", "\r\ncrlf", "-", "--double-dash",
                 "back\\slash.txt", 'double"quote.txt', "percent%s%n.txt",
                 trees.long_name(255), "é" * 127 + "x"]:
        assert name in names, repr(name)
    assert {r["file_type"] for r in result.rows if r["path"].endswith(".TXT")} == {"txt"}


def test_non_utf8_name_round_trips_through_path_bytes(scanner, tmp_path, output):
    root = trees.make_non_utf8_tree(tmp_path / "tree")
    result, _ = scanner.check_against_reference(root, output)
    by_raw = {row_raw_path(r): r for r in result.rows}
    raw_root = os.fsencode(root)
    for name in trees.NON_UTF8_NAMES:
        row = by_raw[raw_root + b"/" + name]
        assert row["path_bytes"] == raw_root + b"/" + name
        assert row["path"] == decode(raw_root + b"/" + name)
    # Below a directory whose name is invalid, a valid name still needs path_bytes, and the
    # parent and top-level columns carry the replaced text.
    inside = by_raw[raw_root + b"/dir\xff/sub\xfe/x.py"]
    assert (inside["parent_path"], inside["top_level_dir"], inside["file_type"]) == (
        str(root) + "/dir\ufffd/sub\ufffd", "dir\ufffd", "py")
    assert by_raw[raw_root + b"/link_to_invalid"]["symlink_target"] == "target\ufffd"
    assert by_raw[raw_root + b"/file.\xffext"]["file_type"] == "\ufffdext"
    # b'\xff.txt' and the valid name '\ufffd.txt' read as the same text, yet are two rows.
    same_text = [r for r in result.rows if r["path"] == str(root / "\ufffd.txt")]
    assert sorted(r["path_bytes"] or b"" for r in same_text) == [b"", raw_root + b"/\xff.txt"]


def test_file_type_rule(scanner, tmp_path, output):
    root = trees.make_file_type_tree(tmp_path / "tree")
    result, _ = scanner.check_against_reference(root, output)
    types = {os.path.basename(r["path"]): r["file_type"] for r in result.rows if r["depth"] == 1}
    assert types == {
        "a.tar.GZ": "gz", ".bashrc": "", "..x": "x", "dot.": "", "noext": "",
        "UPPER.TXT": "txt", "x.ÄBC": "Äbc",  # ASCII-only lower-casing
        ".a.b": "b", "a..": "", "...": "", "mixed.TxT": "txt", "1.2.3": "3",
        "archive.tar.gz": "gz", "trailing.dot.": "", "é.É": "É",
        "dir.txt": "directory", "link.txt": "symlink", "pipe.log": "fifo",
    }


def test_path_longer_than_path_max(scanner, tmp_path, output):
    """60 levels of 120-byte names: paths reach 7000+ bytes, past PATH_MAX (4096)."""
    root = trees.make_deep_tree(tmp_path / "tree", levels=60, name_len=120)
    result, _ = scanner.check_against_reference(root, output)
    longest = max(result.rows, key=lambda r: len(r["path"]))
    assert len(longest["path"].encode()) > 4096
    assert longest["depth"] == 61  # f59.txt inside the 60th directory
