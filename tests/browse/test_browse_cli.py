"""browse_snapshot.py's command line: --help teaches, usage errors exit 2, environment errors
exit 1, each with one line on stderr; --list prints what the browser shows."""
import os
import re
import shutil

import browse_reference as ref
import pytest
from browse_harness import run_browse, text


def one_line_error(proc) -> str:
    err = text(proc, "stderr").strip()
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    return err


def test_help_teaches_keys_columns_and_the_cache():
    proc = run_browse("--help")
    assert proc.returncode == 0
    out = text(proc)
    for needle in ("--export-ncdu", "--catalog", "--list", "--prepare", "--cache-dir",
                   "s disk", "/ jump", "q quit", "du -s", "~/.cache/storage-scanner/browse",
                   "read-only", "exit status"):
        assert needle in out, needle


@pytest.mark.parametrize("args,needle", [
    (("x.parquet", "--bogus"), "unrecognized arguments"),
    ((), "required: SNAPSHOT"),
    (("x.parquet", "--threads", "0"), "expected a whole number >= 1"),
    (("x.parquet", "--list", "--prepare"), "cannot be combined"),
    (("x.parquet", "--export-ncdu", "o.json", "--list"), "cannot be combined"),
])
def test_usage_errors_exit_2(args, needle):
    proc = run_browse(*args)
    assert proc.returncode == 2, text(proc, "stderr")
    assert needle in text(proc, "stderr")


def test_the_browser_needs_a_terminal(snapshot, cache):
    proc = run_browse(snapshot, "--cache-dir", cache)
    assert proc.returncode == 2
    assert "needs a terminal" in one_line_error(proc)


def test_environment_errors_exit_1_with_one_line(snapshot, cache, tmp_path):
    cases = [
        ((tmp_path / "missing.parquet", "--list"), "no such file or directory"),
        ((snapshot, "--list", "--cache-dir", cache, "--path", "/nowhere"),
         "--path /nowhere: not a directory in this snapshot"),
        ((snapshot, "--export-ncdu", tmp_path / "no" / "dir" / "x.json"), "no such directory"),
        (("lab", "--catalog", tmp_path / "none.duckdb", "--list"), "does not exist"),
    ]
    not_duckdb = tmp_path / "not.duckdb"
    not_duckdb.write_text("hello")
    cases.append((("lab", "--catalog", not_duckdb, "--list"), "is not a DuckDB database"))
    for args, needle in cases:
        proc = run_browse(*args)
        assert proc.returncode == 1, (args, text(proc, "stderr"))
        assert needle in one_line_error(proc), args


def test_list_prints_the_listing_with_du_figures(snapshot, cache, tree, reference):
    proc = run_browse(snapshot, "--cache-dir", cache, "--list", "--bytes")
    assert proc.returncode == 0, text(proc, "stderr")
    lines = text(proc).splitlines()
    assert lines[0].split() == ["disk", "apparent", "files", "modified", "owner", "name"]
    rows = {}
    for line in lines[1:-1]:
        m = re.match(r"^ *([\d,]+) +([\d,]+) +([\d,]+)  (.{10})  (.{12})  (.) (.*)$", line)
        disk, apparent, files, _mtime, _owner, _flag, name = m.groups()
        rows[name.rstrip("/")] = (int(disk.replace(",", "")), int(apparent.replace(",", "")),
                                  int(files.replace(",", "")))
    for name in os.listdir(tree):
        path = tree / name
        shown = os.fsencode(name).decode("utf-8", "replace")
        if path.is_dir() and not path.is_symlink():
            want = (ref.du(path), ref.du(path, "--apparent-size"),
                    ref.figures(reference, str(path))["files"])
            assert rows[shown] == want, name
        else:
            st = path.lstat()
            assert rows[shown][:2] == (st.st_blocks * 512, st.st_size), name
    assert re.search(rf"{ref.du(tree):,} .* total of {re.escape(str(tree))}$", lines[-1])


def test_list_of_a_subdirectory(snapshot, cache, tree):
    proc = run_browse(snapshot, "--cache-dir", cache, "--list", "--path", tree / "gamma" / "d1")
    assert proc.returncode == 0, text(proc, "stderr")
    names = [line.split()[-1] for line in text(proc).splitlines()[1:-1]]
    assert sorted(names) == ["d2/", "x.dat"]


def test_python_without_duckdb_is_explained(tmp_path):
    python = shutil.which("python3", path="/usr/bin")
    import subprocess
    from browse_harness import BROWSE
    proc = subprocess.run([python, "-I", "-S", str(BROWSE), "x"], capture_output=True,
                          text=True)
    assert proc.returncode == 1
    assert "has no DuckDB" in proc.stderr
