"""--export-ncdu: Debian's ncdu opens the file, reads the same tree it reads when it scans the
filesystem itself (ncdu -o), and shows the same totals, which are du's."""
import json
import os
import re
import subprocess

import browse_ncdu as nc
import browse_reference as ref
import duckdb
import pytest
from browse_harness import run_browse, text
from browse_tmux import Tmux


@pytest.fixture(scope="module")
def exported(snapshot, workdir):
    out = workdir / "export.json"
    proc = run_browse(snapshot, "--export-ncdu", out)
    assert proc.returncode == 0, text(proc, "stderr")
    assert "browse with: ncdu -f" in text(proc, "stderr")
    return out


@pytest.fixture(scope="module")
def ncdu_scan(ncdu, tree, workdir):
    """ncdu's own export of the tree, from its own scan of the filesystem."""
    out = workdir / "ncdu_scan.json"
    proc = subprocess.run([ncdu, "-o", str(out), str(tree)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return out


def test_ncdu_reads_the_export_as_it_reads_its_own_scan(ncdu, exported, ncdu_scan, tmp_path):
    ours = nc.export_back(ncdu, exported, tmp_path / "back.json")
    theirs = nc.load(ncdu_scan)
    assert nc.normalise(ours) == nc.normalise(theirs)
    # Our own file says the same before ncdu rewrites it.
    assert nc.normalise(nc.load(exported)) == nc.normalise(theirs)
    assert exported.stat().st_mode & 0o777 == 0o600


def test_totals_are_du_s_for_every_directory(exported, tree):
    flat = nc.normalise(nc.load(exported))
    for path, fields in flat.items():
        if fields["dir"]:
            real = os.path.join(os.fsencode(tree), path.lstrip(b"/")) if path else \
                os.fsencode(tree)
            t = nc.totals(flat, path)
            assert t["dsize"] == ref.du(real), path
            assert t["asize"] == ref.du(real, "--apparent-size"), path
            assert t["items"] == ref.du(real, "--inodes"), path


def _ncdu_screen(ncdu, infile, *keys) -> tuple[str, list[dict]]:
    """ncdu -f FILE in tmux: the footer, and each row's exact figures from its info box."""
    with Tmux([ncdu, "-f", infile], width=100, height=40) as t:
        t.wait_text("Total disk usage")
        footer = t.lines()[-1].strip()
        rows = len([line for line in t.lines()[2:-1] if line.strip()])
        info = []
        for _ in range(rows):
            t.keys("i")
            box = t.wait_text("Item info")
            name = re.search(r"Name: (.*?)\s*│", box).group(1)
            disk = re.search(r"Disk usage:.*\(([\d.,]+) B\)", box).group(1)
            apparent = re.search(r"Apparent size:.*\(([\d.,]+) B\)", box).group(1)
            info.append({"name": name, "disk": int(re.sub(r"[.,]", "", disk)),
                         "apparent": int(re.sub(r"[.,]", "", apparent))})
            t.keys("i")
            t.wait_for(lambda s: "Item info" not in s)
            t.keys("Down")
        return footer, info


def test_ncdus_screen_shows_du_totals(ncdu, exported, ncdu_scan, tree):
    footer, rows = _ncdu_screen(ncdu, exported)
    their_footer, their_rows = _ncdu_screen(ncdu, ncdu_scan)
    assert footer == their_footer
    assert sorted(rows, key=lambda r: r["name"]) == sorted(their_rows, key=lambda r: r["name"])
    for row in rows:
        path = os.path.join(tree, row["name"].lstrip("/"))
        if os.path.isdir(path) and not os.path.islink(path):
            assert (row["disk"], row["apparent"]) == (ref.du(path),
                                                      ref.du(path, "--apparent-size")), row


def test_extended_information(ncdu, exported, tree, tmp_path):
    back = nc.normalise(nc.export_back(ncdu, exported, tmp_path / "back.json", "-e"),
                        extended=True)
    for rel in (b"/alpha/small_00.txt", b"/beta", b"/gamma/to_d1.txt", b"/epsilon/pipe"):
        st = os.lstat(os.fsencode(tree) + rel)
        f = back[rel]
        assert (f["uid"], f["gid"], f["mode"], f["mtime"]) == (st.st_uid, st.st_gid,
                                                               st.st_mode, int(st.st_mtime))


def test_exact_bytes_of_names_that_are_not_utf8(exported):
    raw = exported.read_bytes()
    assert b'{"name":"bad\xffname"' in raw
    assert '{"name":"wéird name"'.encode() in raw


def test_export_to_stdout(snapshot):
    proc = run_browse(snapshot, "--export-ncdu", "-")
    assert proc.returncode == 0
    doc = json.loads(proc.stdout.decode("utf-8", "surrogateescape"))
    assert doc[:2] == [1, 2] and doc[3][0]["name"].endswith("/tree")


def _rewrite(snapshot, out, sql_filter: str = "", set_clause: str = "", kv: dict | None = None):
    """A copy of the snapshot, with rows left out or changed and key-value metadata set."""
    con = duckdb.connect()
    kv = kv or {}
    kv_sql = "{" + ", ".join(f"'{k}': '{v}'" for k, v in kv.items()) + "}"
    select = f"SELECT * REPLACE ({set_clause})" if set_clause else "SELECT *"
    con.execute(f"COPY ({select} FROM read_parquet('{snapshot}') {sql_filter}) TO '{out}' "
                f"(FORMAT parquet{', KV_METADATA ' + kv_sql if kv else ''})")
    return out


def _exported_copy(path, tmp_path, ncdu) -> dict:
    out = tmp_path / "out.json"
    proc = run_browse(path, "--export-ncdu", out)
    assert proc.returncode == 0, text(proc, "stderr")
    return nc.normalise(nc.export_back(ncdu, out, tmp_path / "back.json"))


def test_a_directory_missing_from_an_interrupted_scan_keeps_its_entries(snapshot, tree,
                                                                         tmp_path, ncdu):
    partial = _rewrite(snapshot, tmp_path / "partial.parquet",
                       f"WHERE path <> '{tree}/gamma/d1'")
    flat = _exported_copy(partial, tmp_path, ncdu)
    assert flat[b"/gamma/d1"] == {"dir": True}  # made up, no sizes of its own
    assert b"/gamma/d1/d2/d3/leaf.csv" in flat and b"/gamma/d1.txt" in flat


def test_unlisted_directories_are_read_errors(snapshot, tree, tmp_path, ncdu):
    copy = tmp_path / "snap.parquet"
    copy.write_bytes(snapshot.read_bytes())
    (tmp_path / "snap_errors.jsonl").write_text(json.dumps(
        {"path": f"{tree}/alpha/sub", "op": "open", "errno": 13,
         "error": "Permission denied"}) + "\n")
    flat = _exported_copy(copy, tmp_path, ncdu)
    assert flat[b"/alpha/sub"].get("read_error") is True
    assert "read_error" not in flat[b"/alpha"]


def test_mount_points_of_a_one_file_system_scan_are_excluded(snapshot, tree, tmp_path, ncdu):
    options = json.dumps({"one_file_system": True}).replace("'", "''")
    path = _rewrite(snapshot, tmp_path / "x.parquet",
                    set_clause=f"CASE WHEN path = '{tree}/empty' THEN 4242 ELSE device END "
                               "AS device",
                    kv={"scan.options": options, "scan.root": str(tree)})
    flat = _exported_copy(path, tmp_path, ncdu)
    # ncdu 1.18 reads "otherfs" as its other-filesystem flag, and writes it back as "othfs".
    assert flat[b"/empty"] == {"dir": True, "excluded": "othfs"}
    assert nc.totals(flat)["dsize"] == ref.du(tree) - 4096


def test_several_scan_roots_are_exported_under_their_common_directory(scanner, tree, tmp_path,
                                                                      ncdu):
    shards = tmp_path / "shards"
    shards.mkdir()
    for top in ("alpha", "beta"):
        proc = subprocess.run([str(scanner), "scan", "-p", str(tree / top), "-o",
                               str(shards / f"{top}.parquet")], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    flat = _exported_copy(shards, tmp_path, ncdu)
    assert {p for p in flat if p.count(b"/") == 1} == {b"/alpha", b"/beta"}
    assert nc.totals(flat, b"/beta")["dsize"] == ref.du(tree / "beta")


def test_a_snapshot_of_one_file_is_refused(scanner, tree, tmp_path):
    out = tmp_path / "one.parquet"
    subprocess.run([str(scanner), "scan", "-p", str(tree / "root_file.txt"), "-o", str(out)],
                   check=True, capture_output=True)
    proc = run_browse(out, "--export-ncdu", tmp_path / "x.json")
    assert proc.returncode == 1
    assert "holds no directory" in text(proc, "stderr")
    assert not (tmp_path / "x.json").exists()


