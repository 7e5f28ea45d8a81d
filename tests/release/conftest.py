"""Fixtures for the release checks (tests/release): the portable binary and the native build
directory.

  SSCAN_PORTABLE_BIN  the portable binary (default: dist/storage-scanner, which
                      scripts/build_release.sh writes)
  SSCAN_BUILD_DIR     the CMake build installed by test_install.py (default: build/release)
"""
import os
import pathlib

import pytest

from release_lib import REPO


@pytest.fixture(scope="session")
def portable_bin() -> pathlib.Path:
    path = pathlib.Path(os.environ.get("SSCAN_PORTABLE_BIN", REPO / "dist" / "storage-scanner"))
    if not path.is_file():
        pytest.fail(f"portable binary not found at {path}: run scripts/build_release.sh")
    return path


@pytest.fixture(scope="session")
def build_dir() -> pathlib.Path:
    path = pathlib.Path(os.environ.get("SSCAN_BUILD_DIR", REPO / "build" / "release"))
    if not (path / "CMakeCache.txt").is_file():
        pytest.fail(f"no CMake build at {path}: run scripts/build.sh release")
    return path
