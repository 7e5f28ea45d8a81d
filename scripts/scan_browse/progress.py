"""A progress bar for long DuckDB queries, on stderr.

DuckDB reports how far its running query is (connection.query_progress(), a percentage, or
-1 between queries); a thread polls it and redraws one line:

    browse: summarising directories (one time)  [#########           ]  45%   1:05

A step made of several queries shows each one's progress in turn. When stderr is not a
terminal (a cron job, a Slurm log) each step prints one line when it starts and one when it
ends, without the bar.
"""
from __future__ import annotations

import sys
import threading
import time

import duckdb

BAR = 24


class QueryProgress:
    """Usage:  with QueryProgress(con, "label") as p: ...queries...  (thread-safe: only the
    polling thread writes to stderr while the block runs)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, label: str, stream=None,
                 interval: float = 0.25):
        self._con = con
        self._label = label
        self._stream = stream or sys.stderr
        self._interval = interval
        self._tty = self._stream.isatty()
        self._stop = threading.Event()
        self._start = 0.0
        self._thread: threading.Thread | None = None

    def __enter__(self):
        self._start = time.monotonic()
        if self._tty:
            # DuckDB tracks progress only while its progress bar is enabled; its own printing
            # stays off (it would draw over ours).
            self._con.execute("SET enable_progress_bar = true")
            self._con.execute("SET enable_progress_bar_print = false")
            self._thread = threading.Thread(target=self._poll, daemon=True)
            self._thread.start()
        else:
            print(f"browse: {self._label} ...", file=self._stream, flush=True)
        return self

    def __exit__(self, kind, value, trace):
        self._stop.set()
        if self._thread:
            self._thread.join()
            self._con.execute("SET enable_progress_bar = false")
        elapsed = _clock(time.monotonic() - self._start)
        outcome = "done" if kind is None else "stopped"
        if self._tty:
            self._stream.write("\r\x1b[K")
        print(f"browse: {self._label}: {outcome} in {elapsed}", file=self._stream, flush=True)
        return False

    def _poll(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                percent = self._con.query_progress()
            except duckdb.Error:
                percent = -1
            self._draw(percent)

    def _draw(self, percent: float) -> None:
        elapsed = _clock(time.monotonic() - self._start)
        if percent is None or percent < 0:
            line = f"browse: {self._label}  {'':{BAR + 2}}  ...  {elapsed}"
        else:
            filled = int(BAR * min(100.0, percent) / 100)
            line = (f"browse: {self._label}  [{'#' * filled}{' ' * (BAR - filled)}] "
                    f"{percent:3.0f}%  {elapsed}")
        self._stream.write("\r\x1b[K" + line)
        self._stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}" if seconds >= 60 else f"{seconds} s"
