"""Running scripts/browse_snapshot.py and the storage-scanner binary from the browse suite (a
module of its own rather than conftest.py, which every suite has: `from conftest import ...`
would depend on which one pytest loaded last)."""
import os
import pathlib
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
BROWSE = REPO / "scripts" / "browse_snapshot.py"
IMPORT = REPO / "scripts" / "import_snapshot.py"
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def build_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("SSCAN_BUILD_DIR", REPO / "build" / "release"))


def browse_argv(*args) -> list[str]:
    return [sys.executable, str(BROWSE), *map(str, args)]


def run_browse(*args, env=None, stdin=subprocess.DEVNULL,
               timeout=600) -> subprocess.CompletedProcess:
    """Runs browse_snapshot.py without a terminal; TZ=UTC so dates are the test's."""
    return subprocess.run(browse_argv(*args), capture_output=True, stdin=stdin, timeout=timeout,
                          env={**os.environ, "TZ": "UTC", **(env or {})})


def text(proc: subprocess.CompletedProcess, stream: str = "stdout") -> str:
    return getattr(proc, stream).decode("utf-8", "replace")
