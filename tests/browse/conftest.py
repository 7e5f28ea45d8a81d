"""Fixtures for the browse suite: a generated tree (browse_tree.py), its snapshot made by the
real scanner, and a browse cache prepared once per session.

The scanner comes from SSCAN_BUILD_DIR (default: <repo>/build/release). The tree is built
under /tmp in a directory nobody can read into (tests that run as another user make their
own).
"""
import pathlib
import shutil
import subprocess
import sys
import tempfile

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import browse_reference  # noqa: E402
import browse_tree  # noqa: E402
from browse_harness import build_dir, run_browse  # noqa: E402


@pytest.fixture(scope="session")
def scanner() -> pathlib.Path:
    path = build_dir() / "storage-scanner"
    if not path.exists():
        pytest.fail(f"storage-scanner not found at {path}: build first (scripts/build.sh release)")
    return path


@pytest.fixture(scope="session")
def workdir():
    path = pathlib.Path(tempfile.mkdtemp(prefix="sscan-browse-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def tree(workdir) -> pathlib.Path:
    return browse_tree.build(workdir / "tree")


@pytest.fixture(scope="session")
def snapshot(scanner, tree, workdir) -> pathlib.Path:
    out = workdir / "snap" / "tree.parquet"
    out.parent.mkdir()
    proc = subprocess.run([str(scanner), "scan", "--path", str(tree), "--output", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="session")
def reference(tree, snapshot):
    """Every entry of the tree with its lstat, taken after the scan (which changes nothing)."""
    return browse_reference.walk(tree)


@pytest.fixture(scope="session")
def cache(snapshot, workdir) -> pathlib.Path:
    """A browse cache holding the snapshot's summary and file index."""
    path = workdir / "cache"
    proc = run_browse(snapshot, "--prepare", "--cache-dir", path)
    assert proc.returncode == 0, proc.stderr
    return path


@pytest.fixture
def fresh_cache(tmp_path) -> pathlib.Path:
    return tmp_path / "cache"


@pytest.fixture(scope="session")
def ncdu() -> str:
    """Debian's ncdu: missing is a failure, not a skip (scripts/install_deps.sh installs it)."""
    path = shutil.which("ncdu")
    if not path:
        pytest.fail("ncdu not installed: run scripts/install_deps.sh")
    return path
