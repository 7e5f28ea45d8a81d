"""Watching a child process from outside, through /proc."""
import os
import signal
import time


def catches(pid: int, signum: int) -> bool:
    """Whether process `pid` has a handler installed for `signum` (its SigCgt mask)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("SigCgt:"):
                    return bool(int(line.split()[1], 16) >> (signum - 1) & 1)
    except (FileNotFoundError, ProcessLookupError):
        pass
    return False


def wait_for_handlers(proc, timeout: float = 60,
                      signals=(signal.SIGINT, signal.SIGTERM)) -> None:
    """Waits until `proc` catches every signal in `signals` (or exits, or the timeout ends).

    A signal sent between exec and the first line of main() meets the default action: the
    process dies of it. That window is microseconds for a release build but can be far longer
    under a sanitizer runtime or on a loaded machine, and no program can close it; a test
    about what the scanner does with a signal must send it once the scanner can hear it."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        if all(catches(proc.pid, s) for s in signals):
            return
        time.sleep(0.002)
