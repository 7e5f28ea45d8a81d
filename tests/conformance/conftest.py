"""Fixtures for the Parquet conformance suite: locate parquet_driver and run it.

The build directory comes from SSCAN_BUILD_DIR (default: <repo>/build/release), so the same
suite checks the release and the sanitizer builds.
"""
import json
import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


def _build_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("SSCAN_BUILD_DIR", REPO / "build" / "release"))


@pytest.fixture(scope="session")
def driver() -> pathlib.Path:
    path = _build_dir() / "tests" / "conformance" / "parquet_driver"
    if not path.exists():
        pytest.fail(f"parquet_driver not found at {path}: build first (scripts/build.sh release)")
    return path


@pytest.fixture
def write_parquet(driver, tmp_path):
    """write_parquet(doc) -> path of the Parquet file the driver wrote for `doc`."""

    def write(doc: dict, name: str = "out") -> pathlib.Path:
        src = tmp_path / f"{name}.json"
        dst = tmp_path / f"{name}.parquet"
        src.write_text(json.dumps(doc))
        proc = subprocess.run([str(driver), str(src), str(dst)], capture_output=True, text=True)
        if proc.returncode != 0:
            raise AssertionError(f"parquet_driver failed ({proc.returncode}): {proc.stderr}")
        return dst

    return write


@pytest.fixture
def run_driver(driver, tmp_path):
    """run_driver(doc) -> CompletedProcess, for the error paths."""

    def run(doc: dict) -> subprocess.CompletedProcess:
        src = tmp_path / "in.json"
        src.write_text(json.dumps(doc))
        return subprocess.run([str(driver), str(src), str(tmp_path / "err.parquet")],
                              capture_output=True, text=True)

    return run
