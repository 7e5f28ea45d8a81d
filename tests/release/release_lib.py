"""Helpers of the release checks (tests/release), named apart from tests/conformance's
conftest so that both suites can run in one pytest session."""
import pathlib
import re
import subprocess

REPO = pathlib.Path(__file__).resolve().parents[2]


def project_version() -> str:
    cmake = (REPO / "CMakeLists.txt").read_text()
    return re.search(r"project\(\s*storage_scanner\s+VERSION\s+([0-9.]+)", cmake).group(1)


def git_revision() -> str:
    out = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=REPO,
                         capture_output=True, text=True, check=False)
    return out.stdout.strip() or "unknown"


def run(cmd, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, check=False,
                          **kwargs)


def describe(proc: subprocess.CompletedProcess) -> str:
    return (f"$ {' '.join(map(str, proc.args))}\nexit {proc.returncode}\n"
            f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}")
