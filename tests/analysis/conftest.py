"""Fixtures for the analysis suite: the real scanner, scripts/analyze_scan.py, and trees.

The scanner comes from SSCAN_BUILD_DIR (default: <repo>/build/release). Tests that chown
files or scan as another user are marked `needs_root` and skipped otherwise.
"""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from analysis_harness import NOBODY, REPO  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_root: chowns files or runs commands as nobody")


def pytest_collection_modifyitems(items):
    if os.geteuid() == 0:
        return
    skip = pytest.mark.skip(reason="needs root (chown, setpriv)")
    for item in items:
        if "needs_root" in item.keywords:
            item.add_marker(skip)


def build_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("SSCAN_BUILD_DIR", REPO / "build" / "release"))


@pytest.fixture(scope="session")
def scanner() -> pathlib.Path:
    path = build_dir() / "storage-scanner"
    if not path.exists():
        pytest.fail(f"storage-scanner not found at {path}: build first (scripts/build.sh release)")
    return path


@pytest.fixture(scope="session")
def scan(scanner):
    """scan(tree, output, *options, as_nobody=False, env=None, check=True) -> output path."""

    def run(tree, output, *options, as_nobody=False, env=None, check=True):
        cmd = (NOBODY if as_nobody else []) + [str(scanner), "scan", "--path", str(tree),
                                               "--output", str(output), *map(str, options)]
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              env={**os.environ, **(env or {})})
        if check and proc.returncode != 0:
            raise AssertionError(f"scan failed ({proc.returncode}): {proc.stderr}")
        return pathlib.Path(output)

    return run


@pytest.fixture
def public_tmp():
    """A directory that nobody (uid 65534) can enter: pytest's tmp_path is private to root."""
    path = pathlib.Path(tempfile.mkdtemp(prefix="sscan-analysis-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)
