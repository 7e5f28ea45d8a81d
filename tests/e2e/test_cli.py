"""The command line: --help and --version, usage errors (exit 2) and fatal environment errors
(exit 1). Every refusal is one line on stderr and changes nothing: an existing output stays
byte for byte what it was, and no file (output, sidecar or temporary) appears.
"""
from pathlib import Path

import pytest

from lib import trees
from lib.outputs import directory_snapshot
from lib.privileges import requires_root

@pytest.mark.parametrize("args", [["--help"], ["scan", "--help"]], ids=["top", "scan"])
def test_help_exits_0(scanner, args):
    run = scanner.run(*args)
    assert run.returncode == 0, run.describe()
    for option in ["--path", "--output", "--threads", "--batch-size", "--follow-symlinks",
                   "--max-depth", "--verbose"] if args[0] == "scan" else ["scan"]:
        assert option in run.stdout, f"{option} not in help\n{run.describe()}"


@pytest.mark.parametrize("args", [["--version"], ["scan", "--version"]], ids=["top", "scan"])
def test_version_exits_0(scanner, args, project_version):
    run = scanner.run(*args)
    assert run.returncode == 0, run.describe()
    assert project_version in run.stdout, run.describe()


@pytest.fixture
def existing_output(tmp_path, out_dir, output):
    """A tree to scan and an output that already exists and must survive any refusal."""
    trees.make_seed_unit_tree(tmp_path / "tree")
    output.write_bytes(b"the previous snapshot, which a refused scan must not touch")
    return output


def assert_refused(run, code: int, out_dir: Path, before: dict) -> None:
    assert run.returncode == code, run.describe()
    lines = run.stderr_lines
    assert len(lines) == 1 and lines[0].strip(), f"expected one line on stderr\n{run.describe()}"
    assert directory_snapshot(out_dir) == before, "a refused scan changed the output directory"


USAGE_ERRORS = {
    "no_command": [],
    "unknown_command": ["frobnicate", "--path", "{tree}", "--output", "{out}"],
    "unknown_option": ["scan", "--path", "{tree}", "--output", "{out}", "--bogus"],
    "unknown_short_option": ["scan", "--path", "{tree}", "--output", "{out}", "-Z"],
    "missing_path": ["scan", "--output", "{out}"],
    "missing_output": ["scan", "--path", "{tree}"],
    "option_without_value": ["scan", "--path", "{tree}", "--output", "{out}", "--threads"],
    "threads_zero": ["scan", "-p", "{tree}", "-o", "{out}", "--threads", "0"],
    "threads_1025": ["scan", "-p", "{tree}", "-o", "{out}", "--threads", "1025"],
    "threads_negative": ["scan", "-p", "{tree}", "-o", "{out}", "--threads=-1"],
    "threads_overflow": ["scan", "-p", "{tree}", "-o", "{out}", "-t", "18446744073709551617"],
    "threads_text": ["scan", "-p", "{tree}", "-o", "{out}", "-t", "four"],
    "threads_fraction": ["scan", "-p", "{tree}", "-o", "{out}", "-t", "1.5"],
    "threads_empty": ["scan", "-p", "{tree}", "-o", "{out}", "-t", ""],
    "batch_size_zero": ["scan", "-p", "{tree}", "-o", "{out}", "--batch-size", "0"],
    "batch_size_negative": ["scan", "-p", "{tree}", "-o", "{out}", "--batch-size=-5"],
    "batch_size_text": ["scan", "-p", "{tree}", "-o", "{out}", "-b", "lots"],
    "max_depth_negative": ["scan", "-p", "{tree}", "-o", "{out}", "--max-depth=-1"],
    "max_depth_text": ["scan", "-p", "{tree}", "-o", "{out}", "-m", "deep"],
}


@pytest.mark.parametrize("case", sorted(USAGE_ERRORS))
def test_usage_errors_exit_2(scanner, tmp_path, out_dir, existing_output, case):
    before = directory_snapshot(out_dir)
    args = [a.format(tree=tmp_path / "tree", out=existing_output) for a in USAGE_ERRORS[case]]
    assert_refused(scanner.run(*args), 2, out_dir, before)


def test_fatal_path_missing_exits_1(scanner, tmp_path, out_dir, existing_output):
    before = directory_snapshot(out_dir)
    run = scanner.scan(tmp_path / "no_such_dir", existing_output)
    assert_refused(run, 1, out_dir, before)


def test_fatal_output_directory_missing_exits_1(scanner, tmp_path, out_dir, existing_output):
    before = directory_snapshot(out_dir)
    run = scanner.scan(tmp_path / "tree", out_dir / "missing" / "scan.parquet")
    assert_refused(run, 1, out_dir, before)


def test_fatal_output_is_a_directory_exits_1(scanner, tmp_path, out_dir, existing_output):
    (out_dir / "snapshot.parquet").mkdir()
    before = directory_snapshot(out_dir)
    run = scanner.scan(tmp_path / "tree", out_dir / "snapshot.parquet")
    assert_refused(run, 1, out_dir, before)
    assert list((out_dir / "snapshot.parquet").iterdir()) == []


@requires_root
def test_fatal_output_directory_not_writable_exits_1(scanner, world_tmp):
    """As nobody, into a directory owned by root (mode 0755)."""
    trees.make_seed_unit_tree(world_tmp / "tree")
    out_dir = world_tmp / "out"
    out_dir.mkdir()
    (out_dir / "scan.parquet").write_bytes(b"previous")
    before = directory_snapshot(out_dir)
    run = scanner.scan(world_tmp / "tree", out_dir / "scan.parquet", unprivileged=True)
    assert_refused(run, 1, out_dir, before)


def test_thread_and_depth_limits_accepted(scanner, tmp_path, output):
    """The edges of the documented ranges are valid: 1 and 1024 threads, batch size 1,
    depth 0."""
    root = trees.make_seed_unit_tree(tmp_path / "tree")
    for options in (["-t", "1"], ["-t", "1024"], ["-b", "1"], ["-m", "0"]):
        run = scanner.scan(root, output, *options)
        assert run.returncode == 0, run.describe()
