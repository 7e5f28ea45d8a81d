"""Fixtures for the release checks (tests/release): the portable binary, the native build
directory, and small helpers.

  SSCAN_PORTABLE_BIN  the portable binary (default: dist/storage-scanner, which
                      scripts/build_release.sh writes)
  SSCAN_BUILD_DIR     the CMake build installed by test_install.py (default: build/release)
"""
import os
import pathlib
import re
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


def project_version() -> str:
    cmake = (REPO / "CMakeLists.txt").read_text()
    return re.search(r"project\(\s*storage_scanner\s+VERSION\s+([0-9.]+)", cmake).group(1)


def git_revision() -> str:
    out = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=REPO,
                         capture_output=True, text=True, check=False)
    return out.stdout.strip() or "unknown"


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


def run(cmd, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, check=False,
                          **kwargs)


def describe(proc: subprocess.CompletedProcess) -> str:
    return (f"$ {' '.join(map(str, proc.args))}\nexit {proc.returncode}\n"
            f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}")
