"""Settings for tests/bench: the benchmark tools must keep working (not how fast anything is).

Benchmarks are not timed tests: nothing here asserts a duration. These tests run every tool of
bench/ and scripts/run_benchmarks.sh at a tiny size, so none of them can rot unnoticed.

The build: $SSCAN_BUILD_DIR (default <repo>/build/release). A build without the benchmarks
(-DSSCAN_BUILD_BENCH=OFF, e.g. the sanitizer build) skips the tests that need them.
"""
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def build_dir() -> Path:
    return Path(os.environ.get("SSCAN_BUILD_DIR", REPO / "build" / "release"))


@pytest.fixture(scope="session")
def build() -> Path:
    return build_dir()


@pytest.fixture(scope="session")
def bench_binaries(build) -> Path:
    """The build directory, when it holds bench/scan_bench and bench/ref_walk."""
    for name in ("scan_bench", "ref_walk"):
        if not os.access(build / "bench" / name, os.X_OK):
            pytest.skip(f"{build}/bench/{name} not built (SSCAN_BUILD_BENCH=OFF?)")
    return build
