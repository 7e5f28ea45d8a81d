"""A scan stopped mid-way: SIGINT exits 130, SIGTERM 143 (so job scripts can tell and
resume), and neither a stopped nor a killed scan leaves a file at the output path; an output
that existed before stays what it was, because the new one is only ever renamed into place
when complete.

The signal must land while the scan is walking. The test watches /proc/PID/fd until the
scanner holds a directory of the tree (or its temporary output) open, then signals. A fast
scanner may finish a small tree before that is seen; the tree then grows and the run is
repeated. The trees are hard links, cheap to make.
"""
import os
import signal
import subprocess
import time

import pytest

from lib import trees
from lib.outputs import temp_files

TREE_SIZES = (20_000, 100_000, 400_000)


def busy_walking(pid: int, root: str, output) -> bool:
    """Whether the process holds open a directory of the tree or a temporary output file."""
    if temp_files(output):
        return True
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except FileNotFoundError:
        return False
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target == root or target.startswith(root + "/"):
            return True
    return False


def interrupt_scan(scanner_bin, tmp_path, output, signum, previous: bytes | None = None) -> int:
    """Start scans of growing trees until one is caught walking; signal it and return its
    exit status (negative if it died of the signal). Before each attempt the output is put
    back as the test set it up: absent, or holding `previous`."""
    for size in TREE_SIZES:
        output.with_name("scan_errors.jsonl").unlink(missing_ok=True)
        if previous is None:
            output.unlink(missing_ok=True)
        else:
            output.write_bytes(previous)
        root = trees.make_many_entries_tree(tmp_path / f"tree{size}", size, per_directory=1000)
        with open(tmp_path / "stderr.txt", "wb") as stderr:
            proc = subprocess.Popen([scanner_bin, "scan", "--path", root, "--output", output,
                                     "--threads", "1"], stdout=subprocess.DEVNULL, stderr=stderr)
        deadline = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < deadline:
            if busy_walking(proc.pid, str(root), output):
                proc.send_signal(signum)
                try:
                    return proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    pytest.fail(f"scanner still running 30 s after signal {signum}")
        if proc.poll() is None:
            proc.kill()
            pytest.fail("scanner neither walked nor finished within 30 s")
        # Finished before it was seen walking: retry with a bigger tree.
    pytest.fail(f"every scan finished before it could be interrupted (up to {size} entries)")


def test_sigint_exits_130_without_output(scanner_bin, tmp_path, out_dir, output):
    assert interrupt_scan(scanner_bin, tmp_path, output, signal.SIGINT) == 130
    assert not output.exists()


def test_sigterm_exits_143_and_keeps_previous_output(scanner_bin, tmp_path, out_dir, output):
    assert interrupt_scan(scanner_bin, tmp_path, output, signal.SIGTERM,
                          previous=b"previous snapshot") == 143
    assert output.read_bytes() == b"previous snapshot"


def test_sigkill_leaves_no_output(scanner_bin, tmp_path, out_dir, output):
    """kill -9 cannot be handled: whatever is left, it is not a file at the output path."""
    assert interrupt_scan(scanner_bin, tmp_path, output, signal.SIGKILL) == -signal.SIGKILL
    assert not output.exists()
