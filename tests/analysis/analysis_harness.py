"""Running scripts/analyze_scan.py from the tests (a module of its own rather than conftest.py,
which every suite has: `from conftest import ...` would depend on which one pytest loaded
last)."""
import json
import pathlib
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
ANALYZE = REPO / "scripts" / "analyze_scan.py"
WRAPPER = REPO / "scripts" / "scan_wrapper.py"
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def run_analyze(*args, as_nobody=False) -> subprocess.CompletedProcess:
    cmd = (NOBODY if as_nobody else []) + [sys.executable, str(ANALYZE), *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True)


def analyze_json(*args) -> dict:
    proc = run_analyze(*args, "--json", "--memory-limit", "512MB")
    if proc.returncode != 0:
        raise AssertionError(f"analyze_scan.py failed ({proc.returncode}): {proc.stderr}")
    return json.loads(proc.stdout)
