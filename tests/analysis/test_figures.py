"""Every figure of the report equals the one computed from the tree itself (os.lstat, du).

One known tree (treegen.build_known_tree: hard links within and across top-level directories,
a sparse file, small and empty files, a FIFO, symlinks, four owners of which one the system
does not know, times far from the age-bucket edges) is scanned once and analysed once.
"""
import os
import time

import pytest

import reference
import treegen
from analysis_harness import analyze_json

pytestmark = pytest.mark.needs_root


@pytest.fixture(scope="module")
def known(tmp_path_factory, scan):
    base = tmp_path_factory.mktemp("known")
    now = int(time.time())
    tree = treegen.build_known_tree(base / "tree", now)
    before = int(time.time())
    out = scan(tree, base / "scan.parquet")
    after = int(time.time())
    report = analyze_json(out, "--top", "1000", "--path", tree)
    return {"tree": tree, "report": report, "entries": reference.walk(tree),
            "before": before, "after": after}


def test_counts_by_kind_match_lstat(known):
    expected = reference.by_kind(known["entries"])
    got = known["report"]["by_kind"]
    for k, figures in expected.items():
        assert got[k] == figures, k
    assert sum(v["count"] for v in got.values()) == reference.totals(known["entries"])["entries"]
    counts = known["report"]["counts"]
    assert counts["files"] == expected["file"]["count"]
    assert counts["directories"] == expected["directory"]["count"]
    assert counts["symlinks"] == 2 and counts["other"] == 1  # the FIFO
    assert known["report"]["snapshot"]["rows"] == len(known["entries"])


def test_totals_equal_du_with_hard_links_once(known):
    totals = known["report"]["totals"]
    assert totals["allocated"] == reference.du(known["tree"])
    assert totals["apparent"] == reference.du(known["tree"], apparent=True)
    assert totals == {k: v for k, v in reference.totals(known["entries"]).items()
                      if k != "entries"}


def test_hard_links_are_counted_once(known):
    h = known["report"]["hard_links"]
    big = os.lstat(known["tree"] / "alice" / "big.bin")
    pdf = os.lstat(known["tree"] / "alice" / "docs" / "report.pdf")
    assert h == {"files": 2, "extra_paths": 2,
                 "extra_apparent": big.st_size + pdf.st_size,
                 "extra_allocated": reference.allocated(big) + reference.allocated(pdf)}


def test_space_decomposition_is_exact(known):
    sp = known["report"]["space"]
    files = [st for _, st in reference.once(known["entries"]) if reference.kind(st) == "file"]
    over = [reference.allocated(st) - st.st_size for st in files]
    assert sp["file_contents"] == sum(st.st_size for st in files)
    assert sp["small_files"] == sum(1 for st in files if st.st_size < 4096)
    assert sp["small_file_overhead"] == sum(
        o for st, o in zip(files, over) if st.st_size < 4096 and o >= 0)
    assert sp["larger_file_overhead"] == sum(
        o for st, o in zip(files, over) if st.st_size >= 4096 and o >= 0)
    sparse = os.lstat(known["tree"] / "bob" / "sparse.img")
    assert sp["below_size_files"] == 1
    assert sp["below_size_bytes"] == sparse.st_size - reference.allocated(sparse)
    assert (sp["file_contents"] + sp["small_file_overhead"] + sp["larger_file_overhead"]
            - sp["below_size_bytes"] + sp["directories"] + sp["other_entries"]
            == sp["allocated"] == reference.du(known["tree"]))


def test_du_comparison_and_explanation(known):
    du = known["report"]["du"]
    assert du["allocated"] == reference.du(known["tree"])
    assert du["apparent"] == reference.du(known["tree"], apparent=True)
    assert du["allocated_difference"] == 0 and du["apparent_difference"] == 0
    items = {i["reason"]: i for i in known["report"]["space"]["explanation"]}
    assert items["changed_since_scan"]["bytes"] == 0
    gap = du["allocated"] - known["report"]["space"]["file_contents"]
    assert sum(i["bytes"] for i in items.values()) == gap
    assert items["below_size"]["bytes"] < 0


def test_owners_with_unknown_uid(known):
    expected = reference.by_owner(known["entries"])
    got = {o["uid"]: o for o in known["report"]["owners"]["top"]}
    assert set(got) == set(expected) == {0, 1, 2, treegen.UNKNOWN_UID, 65534}
    for uid, row in expected.items():
        assert {k: got[uid][k] for k in row} == row, uid
    assert got[treegen.UNKNOWN_UID]["owner"] == f"uid {treegen.UNKNOWN_UID}"
    assert sum(o["allocated"] for o in got.values()) == reference.du(known["tree"])


def test_top_level_equals_du_of_each(known):
    got = {t["name"]: t for t in known["report"]["top_level"]["top"]}
    names = sorted(os.listdir(known["tree"]))
    assert sorted(got) == names
    for name in names:
        path = known["tree"] / name
        assert got[name]["allocated"] == reference.du(path), name
        assert got[name]["apparent"] == reference.du(path, apparent=True), name
    # big.bin is linked from alice/ and bob/: du -s of each counts it, the total once
    assert sum(t["allocated"] for t in got.values()) > known["report"]["totals"]["allocated"]


def test_every_directory_subtree_equals_du(known):
    got = {d["path"]: d for d in known["report"]["largest_directories"]}
    dirs = [d for d in reference.directories(known["entries"]) if d != str(known["tree"])]
    assert sorted(got) == sorted(dirs)
    for d in dirs:
        assert got[d]["allocated"] == reference.du(d), d
        assert got[d]["apparent"] == reference.du(d, apparent=True), d
    ordered = [d["allocated"] for d in known["report"]["largest_directories"]]
    assert ordered == sorted(ordered, reverse=True)


def test_largest_files(known):
    files = [(st.st_size, p, st) for p, st in reference.once(known["entries"])
             if reference.kind(st) == "file"]
    files.sort(key=lambda f: (-f[0], f[1]))
    got = known["report"]["largest_files"]
    assert [(f["path"], f["size"], f["allocated"]) for f in got] == [
        (p, size, reference.allocated(st)) for size, p, st in files]
    assert got[0]["path"].endswith("/bob/sparse.img")


def test_age_buckets_from_scan_start(known):
    report = known["report"]
    as_of = report["snapshot"]["as_of"]
    assert known["before"] - 1 <= as_of <= known["after"]
    assert report["snapshot"]["as_of_source"] == "scan start"
    for column, attr in (("mtime", "st_mtime"), ("atime", "st_atime")):
        expected = reference.age_buckets(known["entries"], as_of, attr)
        got = {b["bucket"]: b["files"] for b in report["age"][column] if b["files"]}
        assert got == expected, column
    mtime = {b["bucket"]: b["files"] for b in report["age"]["mtime"]}
    assert mtime["future"] == 1 and mtime[">5y"] == 2  # future.txt; archive.tar.gz, .hidden


def test_types(known):
    got = {t["type"]: t for t in known["report"]["types"]["top"]}
    assert got["txt"]["count"] == 43  # 40 small files, future.txt, top_file.txt, ünïcode.TXT
    assert got["pdf"]["count"] == 1  # report.pdf and its link: one file
    assert got["gz"]["count"] == 1 and got["fifo"]["count"] == 1
    assert got[""]["count"] == 1  # .hidden has no extension
    assert sum(t["allocated"] for t in got.values()) == known["report"]["totals"]["allocated"]


def test_no_errors_and_complete(known):
    assert known["report"]["errors"]["total"] == 0
    assert known["report"]["snapshot"]["completed"] is True
