"""`analyze_scan.py diff OLD NEW` against the changes made to a tree between two scans."""
import os
import shutil
import stat

import pytest

import reference
import treegen
from analysis_harness import analyze_json, run_analyze

IS_ROOT = os.geteuid() == 0


def du_of_dirs(entries) -> dict:
    return {d: reference.du(d) for d in reference.directories(entries)}


@pytest.fixture(scope="module")
def two_scans(tmp_path_factory, scan):
    base = tmp_path_factory.mktemp("diff")
    tree = treegen.build_plain_tree(base / "tree", dirs=4)
    old_out = scan(tree, base / "old.parquet")
    before = reference.walk(tree)
    before_du = du_of_dirs(before)

    treegen.write(tree / "d0" / "sub0" / "f0.dat", 250_000)      # grows (and its hard link)
    os.utime(tree / "d1" / "sub1" / "f1.dat", (1_000_000_000, 1_000_000_000))  # mtime only
    (tree / "d2" / "sub0" / "f2.dat").unlink()                    # removed
    shutil.rmtree(tree / "d3")                                    # a whole top-level dir
    treegen.write(tree / "new" / "deep" / "big.bin", 1_000_000)   # added, with directories
    treegen.write(tree / "d1" / "sub0" / "extra.txt", 10)
    if IS_ROOT:
        os.chown(tree / "readme.md", 2, 2)                        # owner only
    new_out = scan(tree, base / "new.parquet")
    after = reference.walk(tree)
    return {"tree": tree, "before": before, "after": after, "before_du": before_du,
            "after_du": du_of_dirs(after),
            "diff": analyze_json("diff", old_out, new_out, "--top", "1000"),
            "old": old_out, "new": new_out}


def _changes(before, after):
    old, new = dict(before), dict(after)
    added = [p for p in new if p not in old]
    removed = [p for p in old if p not in new]
    changed = [p for p in new if p in old and (
        reference.kind(old[p]) != reference.kind(new[p]) or
        (not stat.S_ISDIR(new[p].st_mode) and
         (old[p].st_size, int(old[p].st_mtime), old[p].st_uid) !=
         (new[p].st_size, int(new[p].st_mtime), new[p].st_uid)))]
    return old, new, added, removed, changed


def test_added_removed_changed(two_scans):
    d = two_scans["diff"]
    old, new, added, removed, changed = _changes(two_scans["before"], two_scans["after"])
    assert d["added"]["entries"] == len(added)
    assert d["added"]["directories"] == sum(stat.S_ISDIR(new[p].st_mode) for p in added)
    assert d["added"]["allocated"] == sum(reference.allocated(new[p]) for p in added)
    assert d["removed"]["entries"] == len(removed)
    assert d["removed"]["apparent"] == sum(old[p].st_size for p in removed)
    assert d["changed"]["entries"] == len(changed)
    assert d["changed"]["size_changed"] == sum(old[p].st_size != new[p].st_size for p in changed)
    assert d["changed"]["size_changed"] == 2  # f0.dat and its hard link
    assert d["changed"]["mtime_changed"] == sum(
        int(old[p].st_mtime) != int(new[p].st_mtime) for p in changed)
    assert d["changed"]["allocated_delta"] == sum(
        reference.allocated(new[p]) - reference.allocated(old[p]) for p in changed)


def test_totals_delta_equals_du_delta(two_scans):
    t = two_scans["diff"]["totals"]
    root = str(two_scans["tree"])
    assert t["old"]["allocated"] == two_scans["before_du"][root]
    assert t["new"]["allocated"] == two_scans["after_du"][root]
    assert t["delta"]["allocated"] == two_scans["after_du"][root] - two_scans["before_du"][root]
    assert t["delta"]["entries"] == (reference.totals(two_scans["after"])["entries"] -
                                     reference.totals(two_scans["before"])["entries"])


def test_growth_by_top_level_and_subtree_equal_du(two_scans):
    growth = two_scans["diff"]["growth"]
    before, after, root = two_scans["before_du"], two_scans["after_du"], str(two_scans["tree"])
    expected = {p: after.get(p, 0) - before.get(p, 0) for p in set(before) | set(after)
                if p != root and after.get(p, 0) != before.get(p, 0)}
    subtrees = {g["path"]: g["allocated_delta"] for g in growth["subtrees"]
                if g["allocated_delta"]}
    assert subtrees == expected
    top = {g["name"]: g for g in growth["top_level"]}
    assert top["d3"]["new_allocated"] == 0 and top["d3"]["old_allocated"] == before[root + "/d3"]
    assert top["new"]["allocated_delta"] == after[root + "/new"]
    assert top["d0"]["allocated_delta"] == after[root + "/d0"] - before[root + "/d0"]


def test_largest_changes(two_scans):
    largest = two_scans["diff"]["largest_changes"]
    assert largest[0]["path"].endswith("/new/deep/big.bin") and largest[0]["change"] == "added"
    deltas = [abs(c["allocated_delta"]) for c in largest]
    assert deltas == sorted(deltas, reverse=True)


@pytest.mark.needs_root
def test_owner_change_and_growth_by_owner(two_scans):
    d = two_scans["diff"]
    assert d["changed"]["owner_changed"] == 1
    owners = {g["uid"]: g for g in d["growth"]["owners"]}
    before = reference.by_owner(two_scans["before"])
    after = reference.by_owner(two_scans["after"])
    assert owners[2]["owner"] == "bin"
    for uid in (0, 2):
        assert owners[uid]["allocated_delta"] == (
            after.get(uid, {}).get("allocated", 0) - before.get(uid, {}).get("allocated", 0))


def test_text_diff(two_scans):
    proc = run_analyze("diff", two_scans["old"], two_scans["new"])
    assert proc.returncode == 0, proc.stderr
    for words in ("Totals", "added", "removed", "Growth by top-level directory",
                  "Growth by owner", "Largest subtree changes"):
        assert words in proc.stdout, words
