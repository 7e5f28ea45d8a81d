"""Three snapshots of a tree that changes between them, imported into a catalogue: every
figure of snapshot_history.py and every row of the per-directory summaries equals one
computed from the tree itself (os.lstat walk, du -s, du -s --apparent-size, du -s --inodes).

  s1  projA/ (uid 1): data/x1.bin (hard-linked from projB/link.bin), data/x2.bin, notes.txt
      projB/ (uid 2): deep/a/b/c.dat, link.bin;  projC/move_me/{m1.dat, sub/m2.dat}; top.txt
  s2  added projA/data/x3.bin; removed projA/data/x2.bin; grown projB/deep/a/b/c.dat;
      chowned projA/notes.txt to uid 2; moved projC/move_me to projA/moved
  s3  added a top-level projD/ (uid 3) with a sparse file; removed projB/deep; grown
      projA/data/x1.bin (both of its links); a second hard link inside projA/moved
"""
import os
import shutil
import stat

import duckdb
import pytest

import reference
import treegen
from history_harness import Observed, history_json, import_ok, store_of

IS_ROOT = os.geteuid() == 0
NAMES = ("s1", "s2", "s3")
DATES = ("2026-01-01", "2026-02-01", "2026-04-01")


def _own(path, uid):
    if IS_ROOT:
        os.chown(path, uid, uid, follow_symlinks=False)


def _own_tree(top, uid):
    if IS_ROOT:
        treegen.chown_tree(top, uid)


def _stage1(root):
    treegen.write(root / "projA" / "data" / "x1.bin", 300_000)
    treegen.write(root / "projA" / "data" / "x2.bin", 50_000)
    treegen.write(root / "projA" / "notes.txt", 1_234)
    treegen.write(root / "projB" / "deep" / "a" / "b" / "c.dat", 120_000)
    treegen.write(root / "projC" / "move_me" / "m1.dat", 40_000)
    treegen.write(root / "projC" / "move_me" / "sub" / "m2.DAT", 10_000)
    treegen.write(root / "top.txt", 777)
    _own_tree(root / "projA", 1)
    _own_tree(root / "projB", 2)
    os.link(root / "projA" / "data" / "x1.bin", root / "projB" / "link.bin")


def _stage2(root):
    treegen.write(root / "projA" / "data" / "x3.bin", 500_000)
    _own(root / "projA" / "data" / "x3.bin", 1)
    (root / "projA" / "data" / "x2.bin").unlink()
    with open(root / "projB" / "deep" / "a" / "b" / "c.dat", "ab") as f:
        f.write(b"g" * 700_000)
    _own(root / "projA" / "notes.txt", 2)
    os.rename(root / "projC" / "move_me", root / "projA" / "moved")


def _stage3(root):
    treegen.write(root / "projD" / "in.csv", 64_000)
    treegen.sparse(root / "projD" / "sparse.img", 4 * 2**20, 2**20, 4096)
    _own_tree(root / "projD", 3)
    shutil.rmtree(root / "projB" / "deep")
    with open(root / "projA" / "data" / "x1.bin", "ab") as f:
        f.write(b"h" * 200_000)
    os.link(root / "projA" / "moved" / "m1.dat", root / "projA" / "moved" / "sub" / "m1.hard")


@pytest.fixture(scope="module")
def history(tmp_path_factory, scan_tree):
    base = tmp_path_factory.mktemp("history")
    root = base / "tree"
    root.mkdir()
    catalog = base / "history.duckdb"
    observed = {}
    for name, date, stage in zip(NAMES, DATES, (_stage1, _stage2, _stage3)):
        stage(root)
        out = scan_tree(root, base / f"{name}.parquet")
        observed[name] = Observed(root)  # after the scan: the walk reads what it recorded
        import_ok(out, name, catalog, "--date", date)
    return {"root": root, "catalog": catalog, "observed": observed,
            "report": history_json(catalog, "--top", "1000"),
            "s1_to_s3": history_json(catalog, "--top", "1000", "--from", "s1", "--to", "s3")}


def test_snapshots_and_totals(history):
    report = history["report"]
    assert [s["name"] for s in report["snapshots"]] == list(NAMES)
    assert [s["taken_at_iso"][:10] for s in report["snapshots"]] == list(DATES)
    for s in report["snapshots"]:
        obs = history["observed"][s["name"]]
        totals = reference.totals(obs.entries)
        assert s["roots"] == [str(history["root"])]
        assert s["completed"] is True and s["rows"] == len(obs.entries)
        assert s["allocated"] == obs.du[obs.root]["allocated"] == totals["allocated"]
        assert s["apparent"] == obs.du[obs.root]["apparent"] == totals["apparent"]
        assert s["entries"] == obs.du[obs.root]["entries"] == totals["entries"]
        assert s["files"] == sum(1 for _, st in reference.once(obs.entries)
                                 if stat.S_ISREG(st.st_mode))
        assert s["directories"] == len(obs.dirs)
    (series,) = report["series"]
    assert series["root"] == str(history["root"]) and series["snapshots"] == list(NAMES)


def _check_growth(rows, expected_by_snapshot, key, measures):
    """rows: the report's growth list; expected_by_snapshot: name -> {key -> figures}."""
    keys = set().union(*(e.keys() for e in expected_by_snapshot.values()))
    got = {r[key]: r for r in rows}
    assert set(got) == keys
    for k in keys:
        want = [{m: expected_by_snapshot[n].get(k, {}).get(m, 0) for m in measures}
                for n in NAMES]
        assert got[k]["values"] == want, k
        for m in measures:
            assert got[k][f"{m}_delta"] == want[-1][m] - want[0][m], (k, m)
            assert got[k][f"first_{m}"] == want[0][m] and got[k][f"last_{m}"] == want[-1][m]


def test_growth_by_top_level_directory(history):
    (series,) = history["report"]["series"]
    expected = {n: history["observed"][n].top_level() for n in NAMES}
    _check_growth(series["top_level"], expected, "name", ("entries", "apparent", "allocated"))
    rows = {r["name"]: r for r in series["top_level"]}
    assert rows["projC"]["values"][1]["entries"] == 1  # its subtree moved out: itself left
    assert rows["projD"]["first_allocated"] == 0 and rows["projD"]["last_allocated"] > 0
    # ranked by the size of the change
    deltas = [abs(r["allocated_delta"]) for r in series["top_level"]]
    assert deltas == sorted(deltas, reverse=True)


def test_growth_by_type(history):
    (series,) = history["report"]["series"]
    expected = {n: history["observed"][n].types() for n in NAMES}
    _check_growth(series["types"], expected, "type", ("entries", "apparent", "allocated"))
    assert {r["type"] for r in series["types"]} >= {"bin", "dat", "txt", "csv", "img",
                                                      "directory"}


@pytest.mark.needs_root
def test_growth_by_owner_follows_chown(history):
    (series,) = history["report"]["series"]
    expected = {n: history["observed"][n].owners() for n in NAMES}
    _check_growth(series["owners"], expected, "uid", ("entries", "files", "apparent",
                                                      "allocated"))
    owners = {r["uid"]: r for r in series["owners"]}
    assert owners[1]["owner"] == "daemon" and owners[2]["owner"] == "bin"
    notes = os.lstat(history["root"] / "projA" / "notes.txt")
    s1_uid2 = expected["s1"][2]["allocated"]
    assert owners[2]["values"][0]["allocated"] == s1_uid2
    assert notes.st_uid == 2  # the chowned file moved its bytes from uid 1 to uid 2


def _expected_fastest(old: Observed, new: Observed) -> list[tuple[str, int, int, int]]:
    paths = (set(old.dirs) | set(new.dirs)) - {old.root}
    out = []
    for p in paths:
        before = old.du.get(p, {"allocated": 0})["allocated"]
        after = new.du.get(p, {"allocated": 0})["allocated"]
        if after > before:
            out.append((p, before, after, after - before))
    return sorted(out, key=lambda r: (-r[3], r[0]))


@pytest.mark.parametrize("which, old, new", [("report", "s2", "s3"), ("s1_to_s3", "s1", "s3")])
def test_fastest_growing_directories_equal_du(history, which, old, new):
    (comparison,) = history[which]["fastest_growing"]
    assert (comparison["from"], comparison["to"]) == (old, new)
    obs = history["observed"]
    expected = _expected_fastest(obs[old], obs[new])
    assert [(d["path"], d["old_allocated"], d["new_allocated"], d["allocated_delta"])
            for d in comparison["directories"]] == expected
    days = {"s1": 0, "s2": 31, "s3": 90}
    assert comparison["days"] == days[new] - days[old]
    for d in comparison["directories"]:
        assert d["allocated_per_day"] == round(d["allocated_delta"] / comparison["days"], 1)
        after = obs[new].du[d["path"]]
        assert (d["new_entries"], d["new_apparent"]) == (after["entries"], after["apparent"])


def test_moved_directory_is_added_at_its_new_path(history):
    obs = history["observed"]
    d = history_json(history["catalog"], "--from", "s1", "--to", "s2", "--top", "1000")
    grown = {x["path"]: x for x in d["fastest_growing"][0]["directories"]}
    moved = str(history["root"] / "projA" / "moved")
    assert grown[moved]["old_allocated"] == 0
    assert grown[moved]["new_allocated"] == obs["s2"].du[moved]["allocated"]
    assert str(history["root"] / "projC" / "move_me") not in grown  # it shrank to nothing


def _summary(history, name):
    path = store_of(history["catalog"]) / name / "dirs.parquet"
    rows = duckdb.sql(f"SELECT * FROM '{path}'").fetchall()
    columns = [c[0] for c in duckdb.sql(f"DESCRIBE SELECT * FROM '{path}'").fetchall()]
    return {r[0]: dict(zip(columns, r)) for r in rows}


@pytest.mark.parametrize("name", NAMES)
def test_summary_equals_du_and_an_independent_walk(history, name):
    obs = history["observed"][name]
    summary = _summary(history, name)
    assert set(summary) == set(obs.dirs)
    for d in obs.dirs:
        row, below = summary[d], obs.below(d)
        counted = list(reference.once(below))
        assert row["allocated"] == obs.du[d]["allocated"], d
        assert row["apparent"] == obs.du[d]["apparent"], d
        assert row["entries"] == obs.du[d]["entries"] == len(counted), d
        assert row["files"] == sum(stat.S_ISREG(st.st_mode) for _, st in counted), d
        assert row["subdirs"] == sum(stat.S_ISDIR(st.st_mode) for _, st in below) - 1, d
        assert row["newest_mtime"] == max(int(st.st_mtime) for _, st in below), d
        assert row["oldest_atime"] == min(int(st.st_atime) for _, st in below), d
        assert row["newest_atime"] == max(int(st.st_atime) for _, st in below), d
        children = [(p, st) for p, st in below if os.path.dirname(p) == d and p != d]
        direct = list(reference.once([(p, st) for p, st in children
                                      if not stat.S_ISDIR(st.st_mode)]))
        assert row["child_dirs"] == sum(stat.S_ISDIR(st.st_mode) for _, st in children), d
        assert row["direct_entries"] == len(direct), d
        assert row["direct_files"] == sum(stat.S_ISREG(st.st_mode) for _, st in direct), d
        assert row["direct_apparent"] == sum(st.st_size for _, st in direct), d
        assert row["direct_allocated"] == sum(reference.allocated(st) for _, st in direct), d
        own = dict(below)[d]
        assert (row["self_apparent"], row["self_allocated"]) == (own.st_size,
                                                                 reference.allocated(own))
        assert row["parent_path"] == os.path.dirname(d) and row["name"] == os.path.basename(d)
        assert row["depth"] == d.count("/") - obs.root.count("/")
        by_uid = {}
        for _, st in counted:
            by_uid[st.st_uid] = by_uid.get(st.st_uid, 0) + reference.allocated(st)
        top = sorted(by_uid.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        assert (row["top_owner_uid"], row["top_owner_allocated"]) == top, d
        assert row["owners"] == len(by_uid), d


@pytest.mark.parametrize("name", NAMES)
def test_dir_owners_partition_each_directory(history, name):
    obs = history["observed"][name]
    path = store_of(history["catalog"]) / name / "dir_owners.parquet"
    rows = duckdb.sql(f"SELECT path, uid, entries, files, apparent, allocated FROM '{path}'"
                      ).fetchall()
    got = {(r[0], r[1]): r[2:] for r in rows}
    expected = {}
    for d in obs.dirs:
        for _, st in reference.once(obs.below(d)):
            e = expected.setdefault((d, st.st_uid), [0, 0, 0, 0])
            e[0] += 1
            e[1] += stat.S_ISREG(st.st_mode)
            e[2] += st.st_size
            e[3] += reference.allocated(st)
    assert got == {k: tuple(v) for k, v in expected.items()}


def test_summary_schema_is_the_documented_one(history):
    import sys
    from history_harness import REPO
    sys.path.insert(0, str(REPO / "scripts"))
    from scan_analysis import dir_summary
    path = store_of(history["catalog"]) / "s1"
    for filename, columns in (("dirs.parquet", dir_summary.DIRS_COLUMNS),
                              ("dir_owners.parquet", dir_summary.OWNERS_COLUMNS)):
        described = duckdb.sql(f"DESCRIBE SELECT * FROM '{path / filename}'").fetchall()
        assert [(c[0], c[1]) for c in described] == list(columns)
        kv = dict(duckdb.sql(f"""SELECT decode(key), decode(value)
                                 FROM parquet_kv_metadata('{path / filename}')""").fetchall())
        assert kv["storage_scanner.dir_summary"] == "1" and kv["snapshot.name"] == "s1"
    docs = (REPO / "docs" / "history.md").read_text()
    for name, _ in dir_summary.DIRS_COLUMNS:
        assert f"`{name}`" in docs, name
