"""Scanning production filesystems safely (issue 10): -x, --exclude/--exclude-from, --max-rate,
access times and owner names.

Rows are always compared with the independent reference walk (lib/reference.py), which applies
the same rules from the contract: -x does not read a directory whose st_dev differs from the
root's; an --exclude pattern is Python's fnmatch.fnmatchcase against the entry name (or, when
it has a '/', against the path below the root), and an excluded directory is neither listed
nor entered.
"""
import contextlib
import os
import random
import secrets
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest

from conftest import scanner_binary
from lib import readers, trees
from lib.compare import assert_rows_equal
from lib.logs import progress_points, summary_number
from lib.outputs import assert_refused, directory_snapshot
from lib.privileges import NOBODY_GID, NOBODY_UID, requires_root
from lib.reference import reference_scan, row_raw_path
from test_incremental import assert_exactly_once, chunk_files, manifest_of

RATE_LIMIT_ENTRIES = 105_000  # ~100k entries: > 5 s at 20,000 operations per second


def run_with_env(*args, env: dict, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([str(scanner_binary()), *map(os.fspath, args)], capture_output=True,
                          timeout=timeout, env={**os.environ, **env})


# --- -x / --one-file-system ------------------------------------------------------------------

def _mount(stack: contextlib.ExitStack, args: list, target: Path) -> None:
    done = subprocess.run(["mount", *args, str(target)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here ({' '.join(args)}): {done.stderr.strip()}")
    stack.callback(_unmount, target)


def _unmount(target: Path) -> None:
    # Lazy unmount as a fallback: a scanner killed mid-test may still hold the mount busy.
    if subprocess.run(["umount", str(target)], capture_output=True).returncode != 0:
        subprocess.run(["umount", "-l", str(target)], check=False)


@pytest.fixture
def mounted_tree(tmp_path):
    """tree/ on the test filesystem with two other filesystems mounted inside it:

      tree/plain/a.txt, plain/sub/b.txt
      tree/tmpfs_mnt/          a 4 MiB tmpfs: t1.txt, tsub/t2.txt,
               nested_mnt/     a second tmpfs mounted inside the first: n.txt
      tree/deep/er/ext4_mnt/   a loop-mounted ext4 made here with mkfs.ext4: e1.txt, esub/e2.txt,
                               lost+found/
      tree/link_to_tmpfs -> tmpfs_mnt/tsub   (for -x with --follow-symlinks)
    """
    if os.geteuid() != 0:
        pytest.skip("mounting needs root")
    root = tmp_path / "tree"
    trees.write_file(root / "plain/a.txt", b"a")
    trees.write_file(root / "plain/sub/b.txt", b"b")
    tmpfs, ext4 = root / "tmpfs_mnt", root / "deep/er/ext4_mnt"
    tmpfs.mkdir()
    ext4.mkdir(parents=True)
    image = tmp_path / "ext4.img"
    with open(image, "wb") as f:
        f.truncate(8 * 2**20)
    made = subprocess.run(["mkfs.ext4", "-q", "-F", "-O", "^has_journal", str(image)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"mkfs.ext4 failed: {made.stderr.strip()}")
    with contextlib.ExitStack() as stack:
        _mount(stack, ["-t", "tmpfs", "-o", "size=4m", "tmpfs"], tmpfs)
        trees.write_file(tmpfs / "t1.txt", b"t1")
        trees.write_file(tmpfs / "tsub/t2.txt", b"t2")
        (tmpfs / "nested_mnt").mkdir()
        _mount(stack, ["-t", "tmpfs", "-o", "size=1m", "tmpfs"], tmpfs / "nested_mnt")
        trees.write_file(tmpfs / "nested_mnt/n.txt", b"n")
        _mount(stack, ["-o", "loop", str(image)], ext4)
        trees.write_file(ext4 / "e1.txt", b"e1")
        trees.write_file(ext4 / "esub/e2.txt", b"e2")
        os.symlink("tmpfs_mnt/tsub", root / "link_to_tmpfs")
        trees.settle_atimes(root)
        yield root


def below(rows: list[dict], directory: Path) -> list[str]:
    return [r["path"] for r in rows if r["path"].startswith(str(directory) + "/")]


@requires_root
def test_one_file_system_lists_mount_points_but_not_their_contents(scanner, mounted_tree,
                                                                     output):
    root = mounted_tree
    result, ref = scanner.check_against_reference(root, output, one_file_system=True)
    rows = {r["path"]: r for r in result.rows}
    root_device = os.stat(root).st_dev
    for mount_point in (root / "tmpfs_mnt", root / "deep/er/ext4_mnt"):
        # The mount point is a row, describing the other filesystem's root ...
        assert rows[str(mount_point)]["device"] != root_device
        # ... and nothing below it is.
        assert below(result.rows, mount_point) == []
    assert str(root / "plain/sub/b.txt") in rows  # same filesystem: entered
    assert ref.mount_points == 2
    assert summary_number(result.run.stderr, r"mount points not crossed \(-x\): ([\d,]+)") == 2


@requires_root
def test_one_file_system_counted_in_the_manifest(scanner, mounted_tree, output):
    ref = reference_scan(mounted_tree, output, one_file_system=True)
    run = scanner.scan(mounted_tree, output, "-x", "--incremental", "--rows-per-chunk", "3")
    assert run.returncode == 0, run.describe()
    assert_exactly_once(output, {row_raw_path(r) for r in ref.rows})
    assert manifest_of(output)["mount_points_skipped"] == ref.mount_points == 2


@requires_root
def test_one_file_system_counts_only_mount_points_it_would_have_entered(scanner, mounted_tree,
                                                                       output):
    """With --max-depth 1, tmpfs_mnt (depth 1) is listed but would not be read anyway: it is
    not a mount point "not crossed"; deep/er/ext4_mnt is beyond the depth limit."""
    result, ref = scanner.check_against_reference(mounted_tree, output, one_file_system=True,
                                                  max_depth=1)
    assert ref.mount_points == 0
    assert summary_number(result.run.stderr, r"mount points not crossed \(-x\): ([\d,]+)") == 0


@requires_root
def test_without_x_every_filesystem_is_entered(scanner, mounted_tree, output):
    root = mounted_tree
    result, ref = scanner.check_against_reference(root, output)
    paths = {r["path"] for r in result.rows}
    for rel in ("tmpfs_mnt/tsub/t2.txt", "tmpfs_mnt/nested_mnt/n.txt",
                "deep/er/ext4_mnt/esub/e2.txt", "deep/er/ext4_mnt/lost+found"):
        assert str(root / rel) in paths, rel
    assert "mount points not crossed" not in result.run.stderr


@requires_root
def test_one_file_system_with_follow_symlinks_does_not_enter_other_filesystems(
        scanner, mounted_tree, output):
    """-x -f: a link whose target is on another filesystem is not walked either, as with
    `find -L -xdev`: -x promises not to read other filesystems, whichever way they are
    reached."""
    root = mounted_tree
    result, _ = scanner.check_against_reference(root, output, one_file_system=True,
                                                follow_symlinks=True)
    assert below(result.rows, root / "link_to_tmpfs") == []


# --- exclusions -------------------------------------------------------------------------------

NON_UTF8_NAME = b"raw\xff.bin"


def make_exclusion_tree(root: Path) -> Path:
    """Names that each kind of pattern must catch, next to near misses it must not."""
    for rel in [".snapshot/old.txt", "junk/x.txt", "junk/sub/y.txt", "keep/a.txt", "keep/b.log",
                "keep/c.tmp", "keep/.snapshot/hidden.txt", "keep/deep/er/.snapshot/z.txt",
                "keep/deep/er/file.tmp", "keep/deep/er/file.tmpx", "keep/junk.txt",
                "scratch/u1/tmp/t.txt", "scratch/u1/keep.txt", "scratch/u2/tmp/t.txt",
                "scratch/u1/deeper/tmp/t.txt", "scratch/tmp/top.txt", "other/u1/tmp/t.txt",
                "data/[brackets].txt", "data/brackets.txt", "data/b.txt", "data/star*name.txt",
                "data/starXname.txt", "data/q1.csv", "data/q22.csv", "data/Report.PDF",
                "data/report.pdf", "data/x]y.txt", "data/neg_a.bak", "data/neg_b.bak",
                "data/sub/s1.txt", "data/sub/inner/s2.txt"] + [f"data/run{i}.dat" for i in
                                                                range(10)]:
        trees.write_file(root / rel, rel.encode())
    with open(os.fsencode(root / "data") + b"/" + NON_UTF8_NAME, "wb") as f:
        f.write(b"raw")
    trees.settle_atimes(root)
    return root


# Each case: patterns, and relative paths that must be gone (and their contents) / stay.
EXCLUSION_CASES = {
    "name": ([".snapshot"], [".snapshot", "keep/.snapshot", "keep/deep/er/.snapshot"],
             ["keep/a.txt"]),
    "root_child": (["junk"], ["junk"], ["keep/junk.txt"]),
    "name_glob": (["*.tmp"], ["keep/c.tmp", "keep/deep/er/file.tmp"], ["keep/deep/er/file.tmpx"]),
    "path": (["scratch/*/tmp"], ["scratch/u1/tmp", "scratch/u2/tmp",
                                 "scratch/u1/deeper/tmp"],  # '*' crosses '/', as in fnmatch
             ["scratch/tmp", "other/u1/tmp", "scratch/u1/keep.txt"]),
    "path_children_only": (["data/sub/*"], ["data/sub/s1.txt", "data/sub/inner"], ["data/sub"]),
    "brackets_and_stars": (["[[]brackets].txt", "star[*]name.txt", "run[0-4].dat", "q?.csv",
                            "*.pdf", "x[]]y.txt", "neg_[!a].bak"],
                           ["data/[brackets].txt", "data/star*name.txt",
                            *[f"data/run{i}.dat" for i in range(5)], "data/q1.csv", "data/report.pdf", "data/x]y.txt",
                            "data/neg_b.bak"],
                           ["data/brackets.txt", "data/b.txt", "data/starXname.txt",
                            "data/run5.dat", "data/q22.csv", "data/Report.PDF", "data/neg_a.bak"]),
    "raw_bytes": ([b"*\xff*"], [b"data/" + NON_UTF8_NAME], ["data/b.txt"]),
}


@pytest.fixture
def exclusion_tree(tmp_path) -> Path:
    return make_exclusion_tree(tmp_path / "tree")


def present(rows: list[dict], root: Path) -> set[bytes]:
    """Raw paths of the rows, relative to root."""
    prefix = os.fsencode(root) + b"/"
    return {row_raw_path(r)[len(prefix):] for r in rows if row_raw_path(r).startswith(prefix)}


@pytest.mark.parametrize("case", sorted(EXCLUSION_CASES))
def test_exclusions_match_fnmatch_reference(scanner, exclusion_tree, output, case):
    patterns, gone, kept = EXCLUSION_CASES[case]
    result, ref = scanner.check_against_reference(exclusion_tree, output, excludes=patterns)
    rel = present(result.rows, exclusion_tree)
    for path in map(os.fsencode, gone):
        assert path not in rel and not any(p.startswith(path + b"/") for p in rel), path
    for path in map(os.fsencode, kept):
        assert path in rel, path
    # The contract counts the excluded entries themselves, not what lies below them.
    assert ref.excluded == len(gone)
    assert summary_number(result.run.stderr, r"excluded by \d+ pattern\(s\): ([\d,]+) entries") \
        == ref.excluded


GLOB_ALPHABET = "ab-]![*?."
SOAK_ROUNDS = int(os.environ.get("SSCAN_SOAK_ROUNDS", "6"))


def terminated_sets(pattern: str) -> bool:
    """Whether every '[' opens a set that ends: after '[', an optional '!', an optional
    leading ']' (a member), then a ']' — the rule the README calls a valid pattern."""
    i = 0
    while i < len(pattern):
        if pattern[i] == "[":
            j = i + 1
            j += pattern[j:j + 1] == "!"
            j += pattern[j:j + 1] == "]"
            close = pattern.find("]", j)
            if close < 0:
                return False
            i = close
        i += 1
    return True


def random_glob(rng: random.Random) -> str:
    """A valid pattern of 1-5 characters of GLOB_ALPHABET."""
    while True:
        pattern = "".join(rng.choice(GLOB_ALPHABET) for _ in range(rng.randint(1, 5)))
        if terminated_sets(pattern):
            return pattern


@pytest.mark.parametrize("seed", range(SOAK_ROUNDS))
def test_random_globs_agree_with_python_fnmatch(scanner, tmp_path, output, seed):
    """Random patterns over the characters that make globs tricky, against random names made
    of the same characters: valid patterns exclude exactly what fnmatch.fnmatchcase says,
    invalid ones are refused (exit 2). SSCAN_SOAK_ROUNDS raises the number of seeds."""
    rng = random.Random(seed)
    root = tmp_path / "tree"
    for d in ("d0", "d1/sub"):
        (root / d).mkdir(parents=True)
        for _ in range(60):
            name = "".join(rng.choice(GLOB_ALPHABET) for _ in range(rng.randint(1, 5)))
            if name not in (".", ".."):
                (root / d / name).touch(exist_ok=True)
    trees.settle_atimes(root)
    patterns = [random_glob(rng) for _ in range(4)]
    patterns.append(rng.choice(["d?/", "d1/*/", "*/"]) + patterns[0])  # a path pattern too
    if seed % 4 == 3:
        patterns.append("x[" + random_glob(rng).replace("]", ""))  # one invalid pattern
    if all(terminated_sets(p) for p in patterns):
        scanner.check_against_reference(root, output, excludes=patterns)
    else:
        run = scanner.scan(root, output, *[a for p in patterns for a in ("--exclude", p)])
        assert run.returncode == 2 and len(run.stderr_lines) == 1, (patterns, run.describe())


@pytest.mark.parametrize("patterns", [["sub"], ["links/to_dir"], ["links/to_outside/nested"],
                                      ["*.txt", "links/a_nested/deeper"]])
def test_exclusions_through_followed_symlinks(scanner, tmp_path, output, patterns):
    """With -f, entries reached through a link have paths through the link: path patterns
    are matched against those, name patterns against the names, as everywhere."""
    root = trees.make_symlink_tree(tmp_path / "tree", tmp_path / "outside")
    _, ref = scanner.check_against_reference(root, output, follow_symlinks=True,
                                             excludes=patterns)
    assert ref.excluded > 0


PATTERN_FILE = b"""# site-wide exclusions
.snapshot

# users' scratch space
scratch/*/tmp
[[]brackets].txt
#run[0-4].dat is a comment, not a pattern
*.pdf
*\xff*
"""


def patterns_in_file(text: bytes) -> list[bytes]:
    """The contract's rule, independently: one pattern per line, blank lines and lines starting
    with '#' skipped."""
    return [line for line in text.split(b"\n") if line and not line.startswith(b"#")]


def test_exclude_from_file_and_several_excludes(scanner, tmp_path, exclusion_tree, output):
    pattern_file = tmp_path / "excludes.txt"
    pattern_file.write_bytes(PATTERN_FILE)
    patterns = patterns_in_file(PATTERN_FILE) + [b"junk", b"q?.csv"]
    ref = reference_scan(exclusion_tree, output, excludes=patterns)
    result = scanner.scan_ok(exclusion_tree, output, "--exclude-from", pattern_file,
                             "--exclude", "junk", "--exclude", "q?.csv")
    assert_rows_equal(result.rows, ref.rows, root=ref.root)
    assert b"data/run0.dat" in present(result.rows, exclusion_tree)  # the commented pattern
    assert summary_number(result.run.stderr, r"excluded by (\d+) pattern\(s\)") == len(patterns)
    assert summary_number(result.run.stderr, r"excluded by \d+ pattern\(s\): ([\d,]+) entries") \
        == ref.excluded


def test_exclude_from_a_pipe(scanner, exclusion_tree, output):
    """`--exclude-from <(generate-patterns)`: the shell passes /dev/fd/N, a pipe with no size."""
    read_end, write_end = os.pipe()
    os.write(write_end, b"# from a pipe\n*.tmp\njunk\n")
    os.close(write_end)
    try:
        ref = reference_scan(exclusion_tree, output, excludes=[b"*.tmp", b"junk"])
        argv = [str(scanner.binary), "scan", "-p", str(exclusion_tree), "-o", str(output),
                "--exclude-from", f"/dev/fd/{read_end}"]
        done = subprocess.run(argv, capture_output=True, timeout=60, pass_fds=(read_end,))
    finally:
        os.close(read_end)
    assert done.returncode == 0, done.stderr.decode()
    assert_rows_equal(readers.read_rows(output, readers=("pyarrow",)), ref.rows, root=ref.root)


def test_excluded_counted_in_the_manifest(scanner, exclusion_tree, output):
    patterns = [".snapshot", "scratch/*/tmp", "*.pdf"]
    ref = reference_scan(exclusion_tree, output, excludes=patterns)
    args = [a for p in patterns for a in ("--exclude", p)]
    run = scanner.scan(exclusion_tree, output, "--incremental", "--rows-per-chunk", "7", *args)
    assert run.returncode == 0, run.describe()
    assert_exactly_once(output, {row_raw_path(r) for r in ref.rows})
    assert manifest_of(output)["excluded"] == ref.excluded > 0
    assert manifest_of(output)["options"]["excludes"] == patterns


@pytest.mark.parametrize("bad", ["[abc", "", "data/[x", "[!", "[]"])
def test_invalid_pattern_is_a_usage_error(scanner, exclusion_tree, out_dir, output, bad):
    before = directory_snapshot(out_dir)
    run = scanner.scan(exclusion_tree, output, "--exclude", "ok", "--exclude", bad)
    assert_refused(run, 2, out_dir, before)


def test_invalid_pattern_in_exclude_from_is_a_usage_error(scanner, tmp_path, exclusion_tree,
                                                         out_dir, output):
    pattern_file = tmp_path / "excludes.txt"
    pattern_file.write_text("# fine\n*.tmp\nbroken[\n")
    before = directory_snapshot(out_dir)
    run = scanner.scan(exclusion_tree, output, "--exclude-from", pattern_file)
    assert_refused(run, 2, out_dir, before, "broken[")


def test_missing_exclude_from_file_is_fatal(scanner, tmp_path, exclusion_tree, out_dir, output):
    before = directory_snapshot(out_dir)
    run = scanner.scan(exclusion_tree, output, "--exclude-from", tmp_path / "no_such_file")
    assert_refused(run, 1, out_dir, before, "no_such_file")


def interrupted_with_excludes(root: Path, output: Path, patterns: list[str]) -> None:
    """An incremental scan killed (SIGKILL) right after its second manifest update."""
    args = [a for p in patterns for a in ("--exclude", p)]
    done = run_with_env("scan", "-p", root, "-o", output, "--incremental", "--rows-per-chunk",
                        "6", "-t", "2", *args, env={"SSCAN_CRASH_AT": "manifest_renamed:2"})
    assert done.returncode == -9, done.stderr.decode()
    assert chunk_files(output), "killed before publishing anything: nothing to resume"


def test_resume_applies_the_same_exclusions(scanner, exclusion_tree, output):
    patterns = [".snapshot", "junk", "scratch/*/tmp", "run[0-4].dat"]
    interrupted_with_excludes(exclusion_tree, output, patterns)
    args = [a for p in patterns for a in ("--exclude", p)]
    run = scanner.scan(exclusion_tree, output, "--incremental", "--resume",
                       "--rows-per-chunk", "6", *args)
    assert run.returncode == 0, run.describe()
    assert "resuming" in run.stderr
    ref = reference_scan(exclusion_tree, output, excludes=patterns)
    assert_exactly_once(output, {row_raw_path(r) for r in ref.rows})
    assert manifest_of(output)["excluded"] == ref.excluded


@pytest.mark.parametrize("changed", [["--exclude", ".snapshot"],
                                     ["--exclude", ".snapshot", "--exclude", "junk",
                                      "--exclude", "*.pdf"],
                                     []], ids=["fewer", "more", "none"])
def test_resume_with_different_exclusions_is_refused(scanner, exclusion_tree, out_dir, output,
                                                     changed):
    interrupted_with_excludes(exclusion_tree, output, [".snapshot", "junk"])
    before = directory_snapshot(out_dir)
    run = scanner.scan(exclusion_tree, output, "--incremental", "--resume", *changed)
    assert_refused(run, 1, out_dir, before, "exclude")


# --- --max-rate -------------------------------------------------------------------------------

def window_rates(points: list[tuple[float, int, int]], shortest: float, longest: float):
    """(seconds, ops/s) between every two log lines that are `shortest`..`longest` apart.

    The ops counter is added to when a directory buffer is handed on, after its system calls,
    so it lags the real count by at most the work in flight (threads x one buffer, a few
    thousand operations). Windows shorter than a few seconds would mostly measure that lag.
    """
    rates = []
    for i, (t0, _, ops0) in enumerate(points):
        for t1, _, ops1 in points[i + 1:]:
            if shortest <= t1 - t0 <= longest:
                rates.append((t1 - t0, (ops1 - ops0) / (t1 - t0)))
    return rates


@pytest.fixture(scope="module")
def rate_tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("rate") / "tree"
    yield trees.make_many_entries_tree(root, RATE_LIMIT_ENTRIES, per_directory=500)
    shutil.rmtree(root)  # 100,000 names: not left for pytest's retention


@pytest.mark.parametrize("threads", [
    None,
    64])
def test_max_rate_bounds_every_window(scanner, rate_tree, output, threads):
    limit = 20_000
    started = time.monotonic()
    run = scanner.scan(rate_tree, output, "--max-rate", str(limit), "--progress-interval", "1",
                       *(["-t", str(threads)] if threads else []), timeout=120)
    elapsed = time.monotonic() - started
    assert run.returncode == 0, run.describe()
    # statx of every entry alone is > 100,000 operations: at 20,000/s that is over 5 s.
    assert elapsed >= 5.0, f"the scan took {elapsed:.2f} s, faster than --max-rate allows"
    assert pq.ParquetFile(output).metadata.num_rows == RATE_LIMIT_ENTRIES + 4 + 2 + 210
    points = progress_points(run.stderr)
    assert len(points) >= 4, run.describe()
    assert all(ops >= entries > 0 for _, entries, ops in points[1:]), \
        f"ops must count at least one statx per entry listed: {points}"
    rates = window_rates(points, 4.0, 10.0)
    assert rates, f"no pair of progress lines 4-10 s apart: {points}"
    worst = max(rates, key=lambda r: r[1])
    assert worst[1] <= limit * 1.10, (
        f"{worst[1]:.0f} ops/s over {worst[0]:.1f} s with --max-rate {limit}; points {points}")


# --- access times -----------------------------------------------------------------------------

def mount_options(path: Path) -> list[str]:
    done = subprocess.run(["findmnt", "-n", "-o", "OPTIONS", "-T", str(path)], capture_output=True,
                          text=True, check=True)
    return done.stdout.strip().split(",")


def age_directory_atimes(root: Path, past_ns: int) -> dict[str, int]:
    """Set every directory's atime to `past_ns`, older than its mtime and ctime and more than a
    day old: under relatime (and strictatime) the next read of such a directory updates its
    atime, unless it is opened with O_NOATIME. Returns path -> atime."""
    atimes = {}
    for directory, _, _ in os.walk(root):
        st = os.stat(directory)
        os.utime(directory, ns=(past_ns, st.st_mtime_ns))
        atimes[directory] = os.stat(directory).st_atime_ns
    return atimes


def atimes_of(paths) -> dict[str, int]:
    return {p: os.stat(p).st_atime_ns for p in paths}


@pytest.mark.parametrize("who", ["root", "owner"])
@requires_root
def test_scan_leaves_directory_access_times_alone(scanner, world_tmp, who):
    """As root (CAP_FOWNER) and as the directories' owner, O_NOATIME is allowed, so a scan must
    not move any directory's atime. The same setup must move it on a plain `ls`, or the test
    could not fail: that is checked last, on the scanned tree itself."""
    root = trees.make_seed_tree(world_tmp / "tree")
    out_dir = world_tmp / "out"
    out_dir.mkdir()
    options = mount_options(root)
    if "noatime" in options:
        pytest.skip(f"{root} is mounted noatime ({','.join(options)}): reads never update atime")
    if who == "owner":
        subprocess.run(["chown", "-R", f"{NOBODY_UID}:{NOBODY_GID}", str(root), str(out_dir)],
                       check=True)
    past = (int(time.time()) - 10 * 86400) * 10**9
    before = age_directory_atimes(root, past)
    run = scanner.scan(root, out_dir / "scan.parquet", unprivileged=(who == "owner"))
    assert run.returncode == 0, run.describe()
    assert atimes_of(before) == before, f"the scan moved directory atimes (mount: {options})"
    rows = readers.read_rows(out_dir / "scan.parquet", readers=("pyarrow",))
    assert {r["accessed_time"] for r in rows if r["file_type"] == "directory"} == {past // 10**9}
    # The control: the same directories, read by ls (no O_NOATIME), do get a new atime.
    subprocess.run(["ls", "-a", str(root / "dir3/subdir2")], check=True, capture_output=True)
    after_ls = atimes_of([str(root / "dir3/subdir2")])
    assert after_ls[str(root / "dir3/subdir2")] > past, (
        f"ls did not update the atime on this filesystem ({options}): the test cannot tell "
        "whether the scanner leaves atimes alone")


# --- owner names ------------------------------------------------------------------------------

def _free_id(lookup) -> int:
    """An id with no name in the user (or group) database."""
    for candidate in range(3_999_999, 3_000_000, -7919):
        try:
            lookup(candidate)
        except KeyError:
            return candidate
    raise AssertionError("no free id found")


def _retry(argv: list[str]) -> None:
    """useradd/groupadd/userdel take /etc/passwd's lock; another test (or engineer) may hold it
    for a moment."""
    for _ in range(20):
        done = subprocess.run(argv, capture_output=True, text=True)
        if done.returncode == 0:
            return
        time.sleep(0.2)
    raise AssertionError(f"{' '.join(argv)} failed: {done.stderr}")


@pytest.fixture
def owned_tree(tmp_path):
    """Files owned by a user and a group created for this test (removed afterwards), and by
    ids that have no name."""
    import grp
    import pwd
    name = f"sscan{secrets.token_hex(4)}"  # unique across parallel workers, < 32 characters
    _retry(["groupadd", name])
    try:
        _retry(["useradd", "-M", "-N", "-g", name, "-s", "/usr/sbin/nologin", name])
        try:
            uid, gid = pwd.getpwnam(name).pw_uid, grp.getgrnam(name).gr_gid
            no_user, no_group = _free_id(pwd.getpwuid), _free_id(grp.getgrgid)
            root = tmp_path / "tree"
            owners = {"user_group.txt": (uid, gid), "user_root.txt": (uid, 0),
                      "no_user.txt": (no_user, gid), "no_group.txt": (0, no_group),
                      "home": (uid, gid), "home/a.txt": (uid, gid), "home/b.txt": (uid, gid)}
            for rel in owners:
                if "." in rel:
                    trees.write_file(root / rel, rel.encode())
                else:
                    (root / rel).mkdir(parents=True)
            for rel, (u, g) in owners.items():
                os.chown(root / rel, u, g)
            trees.settle_atimes(root)
            yield root, name
        finally:
            _retry(["userdel", name])
    finally:
        subprocess.run(["groupdel", name], capture_output=True)


@requires_root
def test_owner_names_resolved_and_null_when_unknown(scanner, owned_tree, output):
    root, name = owned_tree
    result, _ = scanner.check_against_reference(root, output)
    rows = {os.path.relpath(r["path"], root): r for r in result.rows}
    assert (rows["user_group.txt"]["owner"], rows["user_group.txt"]["group"]) == (name, name)
    assert (rows["user_root.txt"]["owner"], rows["user_root.txt"]["group"]) == (name, "root")
    assert (rows["no_user.txt"]["owner"], rows["no_user.txt"]["group"]) == (None, name)
    assert (rows["no_group.txt"]["owner"], rows["no_group.txt"]["group"]) == ("root", None)


@requires_root
def test_no_resolve_names_leaves_owner_and_group_null(scanner, owned_tree, output):
    root, _ = owned_tree
    ref = reference_scan(root, output)
    result = scanner.scan_ok(root, output, "--no-resolve-names")
    expected = [dict(r, owner=None, group=None) for r in ref.rows]
    assert_rows_equal(result.rows, expected, root=ref.root)


@requires_root
def test_analysis_tools_group_by_owner(scanner, owned_tree, output):
    root, name = owned_tree
    ref = reference_scan(root, output)
    run = scanner.scan(root, output)
    assert run.returncode == 0, run.describe()
    want = dict(Counter(r["owner"] for r in ref.rows))
    assert want[name] == 5 and want[None] == 1
    by_arrow = pq.read_table(output).group_by("owner").aggregate([("path", "count")])
    assert dict(zip(by_arrow["owner"].to_pylist(), by_arrow["path_count"].to_pylist())) == want
    by_polars = pl.read_parquet(output).group_by("owner").len()
    assert dict(zip(by_polars["owner"].to_list(), by_polars["len"].to_list())) == want
    by_duckdb = duckdb.sql(f"SELECT owner, count(*) FROM read_parquet('{output}') "
                           "GROUP BY owner").fetchall()
    assert dict(by_duckdb) == want
