"""The files around a scan's output: its temporary files and before/after snapshots of the
output directory (a refused or interrupted scan must leave that directory as it was)."""
import os
import re
import stat
from pathlib import Path

from .reference import stem_of


def temp_files(output: Path) -> list[str]:
    """Names in the output's directory that look like the scanner's temporary files
    (`.STEM<anything>.tmp-<digits>`)."""
    stem = re.escape(os.fsdecode(stem_of(os.fsencode(output.name))))
    pattern = re.compile(r"\." + stem + r".*\.tmp-\d+")
    return sorted(n for n in os.listdir(output.parent) if pattern.fullmatch(n))


def directory_snapshot(directory: Path) -> dict[str, tuple[int, bytes | None]]:
    """Name -> (mode, content) of everything directly in `directory`; content only for
    regular files. Two snapshots compare equal when nothing was created, removed or
    changed."""
    snapshot = {}
    for name in sorted(os.listdir(directory)):
        st = os.lstat(directory / name)
        content = (directory / name).read_bytes() if stat.S_ISREG(st.st_mode) else None
        snapshot[name] = (st.st_mode, content)
    return snapshot


def assert_refused(run, code: int, out_dir: Path, before: dict, *words: str) -> None:
    """A refusal as the README promises it: exit `code`, one line on stderr starting with
    'storage-scanner: ' and naming each of `words`, and `out_dir` as it was (`before`, a
    directory_snapshot taken before the run)."""
    assert run.returncode == code, run.describe()
    assert len(run.stderr_lines) == 1, f"expected one line on stderr\n{run.describe()}"
    assert run.stderr.startswith("storage-scanner: "), run.describe()
    for word in words:
        assert word in run.stderr, f"{word!r} not named\n{run.describe()}"
    assert directory_snapshot(out_dir) == before, "a refused scan changed the output directory"
