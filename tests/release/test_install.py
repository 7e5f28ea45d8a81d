"""`cmake --install BUILD --prefix P` (cmake/install_rules.cmake) gives a working installation:
the binary runs from P/bin and scans, the user scripts are in P/share/storage-scanner/scripts
and run from there, the man page is in P/share/man/man1, and nothing of the build or test
helpers is installed.
"""
import os
import re
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from release_lib import REPO, describe, project_version, run


def developer_scripts() -> set[str]:
    """SSCAN_DEVELOPER_SCRIPTS as cmake/install_rules.cmake lists them."""
    text = (REPO / "cmake" / "install_rules.cmake").read_text()
    return set(re.search(r"set\(SSCAN_DEVELOPER_SCRIPTS([^)]*)\)", text).group(1).split())


@pytest.fixture(scope="module")
def prefix(build_dir, tmp_path_factory) -> Path:
    prefix = tmp_path_factory.mktemp("prefix")
    proc = run(["cmake", "--install", build_dir, "--prefix", prefix])
    assert proc.returncode == 0, describe(proc)
    return prefix


def test_installed_binary_reports_version_and_scans(prefix, tmp_path):
    binary = prefix / "bin" / "storage-scanner"
    proc = run([binary, "--version"])
    assert proc.returncode == 0, describe(proc)
    assert f"storage-scanner {project_version()} (git " in proc.stdout

    tree = tmp_path / "tree"
    (tree / "a" / "b").mkdir(parents=True)
    (tree / "a" / "b" / "file.csv").write_text("x,y\n1,2\n")
    (tree / "top.txt").write_text("top")
    out = tmp_path / "scan.parquet"
    # Run from an unrelated directory with a bare PATH: the installation stands on its own.
    proc = run([binary, "scan", "-p", tree, "-o", out, "-t", "2"], cwd=tmp_path,
               env={"PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, describe(proc)
    rows = {r["path"]: r for r in pq.read_table(out).to_pylist()}
    assert set(rows) == {str(tree), f"{tree}/a", f"{tree}/a/b", f"{tree}/a/b/file.csv",
                         f"{tree}/top.txt"}
    assert rows[f"{tree}/a/b/file.csv"]["file_type"] == "csv"
    assert rows[f"{tree}/a/b/file.csv"]["top_level_dir"] == "a"


def test_user_scripts_are_installed_and_helpers_are_not(prefix):
    installed = prefix / "share" / "storage-scanner" / "scripts"
    got = {str(p.relative_to(installed)) for p in installed.rglob("*") if p.is_file()}
    helpers = developer_scripts()
    assert {"build.sh", "build_release.sh", "install_deps.sh", "test.sh"} <= helpers
    want = {str(p.relative_to(REPO / "scripts")) for p in (REPO / "scripts").rglob("*")
            if p.is_file() and p.suffix in (".sh", ".py") and p.name not in helpers
            and "__pycache__" not in p.parts}
    assert got == want
    for name in got:
        assert os.access(installed / name, os.X_OK), f"{name} is not executable"


def test_installed_script_runs_from_the_prefix(prefix):
    script = prefix / "share" / "storage-scanner" / "scripts" / "check_node.sh"
    proc = run([script, "--help"])
    assert proc.returncode == 0, describe(proc)
    assert "check_node.sh [--binary PATH]" in proc.stdout
    # Without --binary it finds PREFIX/bin/storage-scanner from where it is installed.
    proc = run([script, str(prefix)], env={"PATH": "/usr/bin:/bin"})
    assert f"storage-scanner {project_version()}" in proc.stdout, describe(proc)
    assert proc.returncode == 0, describe(proc)


def test_man_page_is_installed_and_documents_every_scan_option(prefix, build_dir):
    page = prefix / "share" / "man" / "man1" / "storage-scanner.1"
    text = page.read_text()
    assert re.search(r'^\.TH STORAGE\\-SCANNER 1 "\d{4}-\d\d-\d\d" "storage\\-scanner '
                     + re.escape(project_version()) + '"', text, re.M), text[:400]
    help_text = run([prefix / "bin" / "storage-scanner", "scan", "--help"]).stdout
    for option in re.findall(r"^\s+(?:-\w,)?(--[a-z][a-z-]*)", help_text, re.M):
        assert f"\\fB{option.replace('-', chr(92) + '-')}\\fR" in text, f"{option} missing"
    if shutil.which("groff"):
        proc = run(["groff", "-man", "-ww", "-z", page])
        assert proc.returncode == 0 and not proc.stderr, describe(proc)
