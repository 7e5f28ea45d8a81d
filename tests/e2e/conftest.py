"""Fixtures and helpers for the end-to-end suite, which drives the storage-scanner binary.

The binary: $SSCAN_BIN (a full path; overrides everything, e.g. a mock while the scanner is
being written), else $SSCAN_BUILD_DIR/storage-scanner, SSCAN_BUILD_DIR defaulting to
<repo>/build/release.

`run_scan(*args)` runs it and returns exit code, stdout and stderr; the `scanner` fixture
wraps it with `scan_ok`, which also checks everything every successful scan must leave
behind (the output and its sidecar, mode 0600, no temporary files) and reads the output with
every reader.
"""
import contextlib
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lib import readers, sidecar  # noqa: E402
from lib.compare import assert_rows_equal  # noqa: E402
from lib.outputs import temp_files  # noqa: E402
from lib.privileges import SETPRIV_NOBODY, as_user  # noqa: E402
from lib.reference import Reference, reference_scan  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DEFAULT_TIMEOUT = 60


def scanner_binary() -> Path:
    if os.environ.get("SSCAN_BIN"):
        return Path(os.environ["SSCAN_BIN"])
    return Path(os.environ.get("SSCAN_BUILD_DIR", REPO / "build" / "release")) / "storage-scanner"


@dataclass
class ScanRun:
    argv: list
    returncode: int
    stdout: str
    stderr: str

    @property
    def stderr_lines(self) -> list[str]:
        return self.stderr.splitlines()

    def describe(self) -> str:
        """For assertion messages: the command, its exit code and its output."""
        return (f"$ {' '.join(os.fsdecode(a) for a in self.argv)}\nexit code {self.returncode}\n"
                f"--- stdout\n{self.stdout}--- stderr\n{self.stderr}---")


def run_scan(*args, timeout: float = DEFAULT_TIMEOUT, cwd=None, unprivileged: bool = False,
             binary: Path | None = None) -> ScanRun:
    """Run the scanner with `args` (str, bytes or paths) and return what it did.

    A run that outlives `timeout` seconds is killed and fails the test: a hang (a FIFO
    opened, a loop followed) must show up as a failure, not as a stuck suite.
    `unprivileged` runs it as nobody:nogroup with no supplementary groups.
    """
    argv = [os.fspath(binary or scanner_binary()), *(os.fspath(a) for a in args)]
    if unprivileged:
        argv = [*SETPRIV_NOBODY, "--", *argv]
    try:
        done = subprocess.run(argv, capture_output=True, timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired:
        pytest.fail(f"scanner still running after {timeout} s: "
                    f"{' '.join(os.fsdecode(a) for a in argv)}")
    return ScanRun(argv, done.returncode, done.stdout.decode(errors="replace"),
                   done.stderr.decode(errors="replace"))


@dataclass
class ScanOutput:
    run: ScanRun
    output: Path
    rows: list[dict]
    errors: list[sidecar.ErrorRecord]


def check_published(output: Path, run: ScanRun, temp_before: list[str]) -> None:
    """What every successful scan leaves: the output and its sidecar, both mode 0600 (they
    name every user's files), and no temporary file of its own (`temp_before` are files
    with temporary-looking names that were there before the scan)."""
    for path in (output, sidecar.sidecar_path(output)):
        assert path.is_file(), f"{path.name} missing after a successful scan\n{run.describe()}"
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == 0o600, f"{path.name} has mode {mode:04o}, expected 0600"
    left = sorted(set(temp_files(output)) - set(temp_before))
    assert left == [], f"temporary files left behind: {left}\n{run.describe()}"


class Scanner:
    def __init__(self, binary: Path):
        self.binary = binary

    def run(self, *args, unprivileged: bool = False, **kwargs) -> ScanRun:
        if unprivileged:
            with as_user():
                reachable = os.access(self.binary, os.X_OK)
            if not reachable:
                pytest.fail(f"nobody cannot execute {self.binary} (a parent directory closed to "
                            "other users?); the unprivileged tests need it")
        return run_scan(*args, binary=self.binary, unprivileged=unprivileged, **kwargs)

    def scan(self, path, output, *options, **kwargs) -> ScanRun:
        return self.run("scan", "--path", path, "--output", output, *options, **kwargs)

    def scan_ok(self, path, output, *options, **kwargs) -> ScanOutput:
        """Scan, require success, check the published files, read the output with every
        reader (they must agree) and parse the sidecar."""
        output = Path(os.fsdecode(output))
        temp_before = temp_files(output) if output.parent.is_dir() else []
        run = self.scan(path, output, *options, **kwargs)
        assert run.returncode == 0, run.describe()
        check_published(output, run, temp_before)
        rows = readers.read_rows(output)
        return ScanOutput(run, output, rows, sidecar.read_sidecar(output))

    def check_against_reference(self, root, output, *, max_depth: int | None = None,
                                follow_symlinks: bool = False, one_file_system: bool = False,
                                excludes=(), options=(), ignore=None,
                                unprivileged: bool = False, cwd=None,
                                **kwargs) -> tuple[ScanOutput, Reference]:
        """Scan root with the options matching the reference arguments (plus `options`), and
        require every row and every required sidecar record to be what the reference walk
        predicts. The reference runs first (see reference_scan) and, for an unprivileged
        scan, as the same user. `excludes` become one --exclude each."""
        with as_user() if unprivileged else contextlib.nullcontext():
            ref = reference_scan(root, output, max_depth=max_depth,
                                 follow_symlinks=follow_symlinks, cwd=cwd,
                                 one_file_system=one_file_system, excludes=excludes)
        flags = [*(["--max-depth", str(max_depth)] if max_depth is not None else []),
                 *(["--follow-symlinks"] if follow_symlinks else []),
                 *(["--one-file-system"] if one_file_system else []),
                 *[arg for p in excludes for arg in ("--exclude", p)], *options]
        result = self.scan_ok(root, output, *flags, unprivileged=unprivileged, cwd=cwd,
                              **kwargs)
        assert_rows_equal(result.rows, ref.rows, root=ref.root, ignore=ignore)
        sidecar.assert_errors_match(result.errors, ref.errors, ref.optional_errors, ref.root)
        return result, ref


@pytest.fixture(scope="session")
def project_version() -> str:
    """The version CMakeLists.txt declares, which --version and the file metadata report."""
    cmake = (REPO / "CMakeLists.txt").read_text()
    return re.search(r"project\(\s*storage_scanner\s+VERSION\s+([0-9.]+)", cmake).group(1)


@pytest.fixture(scope="session")
def scanner_bin() -> Path:
    binary = scanner_binary()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        pytest.fail(f"scanner binary not found or not executable: {binary} "
                    "(build it, or set SSCAN_BIN / SSCAN_BUILD_DIR)")
    return binary


@pytest.fixture
def scanner(scanner_bin) -> Scanner:
    return Scanner(scanner_bin)


@pytest.fixture
def out_dir(tmp_path) -> Path:
    """An empty directory for the output, outside every scanned tree."""
    path = tmp_path / "out"
    path.mkdir()
    return path


@pytest.fixture
def output(out_dir) -> Path:
    return out_dir / "scan.parquet"


@pytest.fixture
def world_tmp():
    """A directory that nobody:nogroup can reach, for the tests that run the scanner
    unprivileged (pytest's own tmp_path is mode 0700, closed to other users)."""
    path = Path(tempfile.mkdtemp(prefix="sscan-e2e-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path)
