"""`storage-scanner browse`: the C++ command finds scripts/browse_snapshot.py and a Python
with DuckDB in a source checkout and after `cmake --install`, documents the same options as
the script, and reports usage errors itself (exit 2) before Python starts."""
import os
import re
import shutil
import subprocess
import sys

import pytest
from browse_harness import BROWSE, REPO, browse_argv
from browse_tmux import Tmux


def run(argv, env=None, **kw) -> subprocess.CompletedProcess:
    base = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root"), "TZ": "UTC"}
    return subprocess.run([str(a) for a in argv], capture_output=True, text=True,
                          env={**base, **(env or {})}, stdin=subprocess.DEVNULL, **kw)


def long_options(help_text: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", help_text.split("Keys:")[0]
                          .split("keys (")[0])) - {"--help", "--version"}


def test_help_documents_the_scripts_options(scanner):
    ours = run([scanner, "browse", "--help"])
    assert ours.returncode == 0, ours.stderr
    script = run([sys.executable, BROWSE, "--help"])
    assert long_options(ours.stdout) == long_options(script.stdout)
    assert "browse" in run([scanner, "--help"]).stdout


@pytest.mark.parametrize("args", [[], ["x", "--threads", "0"], ["x", "--bogus"]])
def test_usage_errors_exit_2_before_python(scanner, args):
    proc = run([scanner, "browse", *args], env={"SSCAN_PYTHON": "/nonexistent/python"})
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "storage-scanner browse --help" in proc.stderr


def test_runs_the_script_from_a_checkout(scanner, snapshot, cache):
    via_binary = run([scanner, "browse", snapshot, "--list", "--cache-dir", cache])
    direct = run(browse_argv(snapshot, "--list", "--cache-dir", cache))
    assert via_binary.returncode == 0, via_binary.stderr
    assert via_binary.stdout == direct.stdout
    # Messages name the command the user typed.
    proc = run([scanner, "browse", "/nonexistent.parquet", "--list"])
    assert proc.returncode == 1
    assert proc.stderr.startswith("storage-scanner browse: error: no such file or directory")


def test_opens_the_browser_on_a_terminal(scanner, snapshot, cache):
    with Tmux([scanner, "browse", snapshot, "--cache-dir", cache], width=80, height=24) as t:
        t.wait_text("Total disk")
        t.keys("q")
        assert t.exit_status() == 0


def test_no_script_found_is_explained(scanner, tmp_path):
    lone = tmp_path / "bin" / "storage-scanner"
    lone.parent.mkdir()
    shutil.copy2(scanner, lone)
    proc = run([lone, "browse", "x.parquet"])
    assert proc.returncode == 1
    assert "browse_snapshot.py not found" in proc.stderr and "SSCAN_SCRIPTS_DIR" in proc.stderr


@pytest.fixture(scope="module")
def installed(scanner, tmp_path_factory):
    build = scanner.parent
    if not (build / "cmake_install.cmake").exists():
        pytest.fail(f"{build} is not a CMake build directory: cmake --install needs one")
    prefix = tmp_path_factory.mktemp("prefix")
    proc = run(["cmake", "--install", build, "--prefix", prefix])
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return prefix


def test_installed_binary_finds_the_installed_script_and_venv(installed, snapshot, cache):
    binary = installed / "bin" / "storage-scanner"
    share = installed / "share" / "storage-scanner"
    assert (share / "scripts" / "browse_snapshot.py").exists()
    assert (share / "scripts" / "scan_browse" / "tui.py").exists()
    args = [binary, "browse", snapshot, "--list", "--cache-dir", cache]
    # No venv yet: the python3 on PATH has no DuckDB, and says what to do.
    proc = run(args)
    assert proc.returncode == 1
    assert "has no DuckDB" in proc.stderr and "SSCAN_PYTHON" in proc.stderr
    # SSCAN_PYTHON names one.
    proc = run(args, env={"SSCAN_PYTHON": sys.executable})
    assert proc.returncode == 0, proc.stderr
    # PREFIX/share/storage-scanner/venv (docs/browse.md: SSCAN_VENV=... setup_venv.sh).
    (share / "venv").symlink_to(REPO / ".venv", target_is_directory=True)
    try:
        proc = run(args)
        assert proc.returncode == 0, proc.stderr
        assert "total of" in proc.stdout
    finally:
        (share / "venv").unlink()
