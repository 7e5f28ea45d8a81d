"""Fixtures for the history suite: the real scanner, and a tree scanned three times while it
changes (tests/history/test_growth.py describes the changes).

The scanner comes from SSCAN_BUILD_DIR (default: <repo>/build/release). Tests that chown are
marked `needs_root` and skipped otherwise.
"""
import os
import pathlib
import subprocess
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from history_harness import REPO  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_root: chowns files or runs commands as nobody")


def pytest_collection_modifyitems(items):
    if os.geteuid() == 0:
        return
    skip = pytest.mark.skip(reason="needs root (chown)")
    for item in items:
        if "needs_root" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def scanner_binary() -> pathlib.Path:
    build = pathlib.Path(os.environ.get("SSCAN_BUILD_DIR", REPO / "build" / "release"))
    path = build / "storage-scanner"
    if not path.exists():
        pytest.fail(f"storage-scanner not found at {path}: build first (scripts/build.sh release)")
    return path


@pytest.fixture(scope="session")
def scan_tree(scanner_binary):
    """scan_tree(tree, output, *options, env=None, check=True) -> output path."""

    def run(tree, output, *options, env=None, check=True):
        proc = subprocess.run([str(scanner_binary), "scan", "--path", str(tree), "--output",
                               str(output), *map(str, options)], capture_output=True, text=True,
                              env={**os.environ, **(env or {})})
        if check and proc.returncode != 0:
            raise AssertionError(f"scan failed ({proc.returncode}): {proc.stderr}")
        return pathlib.Path(output)

    return run
