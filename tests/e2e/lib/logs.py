"""The scanner's log on stderr, as scripts and tests read it: the numbers of the summary lines
and the progress lines (`[YYYY-mm-dd HH:MM:SS.mmm] [info] progress: N entries, ..., N ops, ...`).
"""
import re
import time


def summary_number(stderr: str, pattern: str) -> int:
    """The number the log line matching `pattern` (one group, digits with thousands commas)
    reports; an assertion error naming the pattern when no line matches."""
    match = re.search(pattern, stderr)
    assert match, f"no log line matching {pattern!r} in:\n{stderr}"
    return int(match.group(1).replace(",", ""))


_PROGRESS = re.compile(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\.(\d{3})\] \[info\] progress: "
                       r"([\d,]+) entries, .*?([\d,]+) ops")


def progress_points(stderr: str) -> list[tuple[float, int, int]]:
    """(seconds, cumulative entries, cumulative ops) of every progress log line."""
    points = []
    for line in stderr.splitlines():
        match = _PROGRESS.match(line)
        if match:
            when = time.mktime(time.strptime(match.group(1), "%Y-%m-%d %H:%M:%S"))
            points.append((when + int(match.group(2)) / 1000,
                           int(match.group(3).replace(",", "")),
                           int(match.group(4).replace(",", ""))))
    return points
