"""scripts/generate_fixtures.sh builds the tree the README promises; checked with the reference
walk (the scanner is not involved, so this passes or fails on the script alone)."""
import os
import subprocess
from collections import Counter
from pathlib import Path

from lib.reference import reference_scan

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "generate_fixtures.sh"


def generate(target: Path) -> subprocess.CompletedProcess:
    return subprocess.run([SCRIPT, target], capture_output=True, text=True, timeout=60)


def tree_rows(target: Path) -> dict[str, dict]:
    prefix = str(target) + "/"
    return {r["path"].removeprefix(prefix): r for r in reference_scan(target).rows
            if r["depth"] > 0}


def test_generate_fixtures_counts_match_reference(tmp_path):
    target = tmp_path / "test_project"
    run = generate(target)
    assert run.returncode == 0, run.stderr
    rows = tree_rows(target)

    def files_in(directory):
        return [r for p, r in rows.items() if r["parent_path"] == str(target / directory)]

    small = files_in("small_files")
    assert len(small) == 100 and {(r["size"], r["file_type"]) for r in small} == {(1024, "txt")}
    large = files_in("large_files")
    assert len(large) == 10 and {r["size"] for r in large} == {10 * 2**20}
    many = files_in("many_files")
    assert len(many) == 500 and {r["file_type"] for r in many} == {"log"}
    # nested/level1/level2/level3: four directory levels, a file in each.
    nested = [p for p, r in rows.items()
              if p.startswith("nested") and r["file_type"] == "directory"]
    assert max(p.count("/") for p in nested) == 3 and len(nested) == 4
    assert len([p for p, r in rows.items() if p.startswith("nested/")
                and r["file_type"] == "txt"]) == 4
    types = Counter(r["file_type"] for r in rows.values())
    assert {"txt", "py", "json", "csv", "pdf", "png", "log", "md", "gz", "jpeg"} <= set(types)
    names = [os.path.basename(p) for p in rows]
    assert len([n for n in names if n.startswith(".")]) >= 4  # hidden files and a hidden dir
    assert [n for n in names if not n.isascii()] and [n for n in names if " " in n]
    assert len([r for r in rows.values() if r["size"] == 0 and r["file_type"] != "directory"
                and r["file_type"] != "symlink"]) >= 3
    links = {p: r["symlink_target"] for p, r in rows.items() if r["file_type"] == "symlink"}
    assert links == {"symlinks/link_to_file": "../small_files/file001.txt",
                     "symlinks/link_to_dir": "../nested",
                     "symlinks/broken_link": "../does_not_exist"}
    assert (target / "symlinks/link_to_dir").resolve().is_dir()
    assert not (target / "symlinks/broken_link").exists()
    assert 700 <= len(rows) + 1 <= 900  # "about 800 entries"
    assert f"entries:       {len(rows) + 1} " in run.stdout  # the summary counts the same tree


def listing(target: Path) -> dict[str, tuple]:
    return {p: (r["file_type"], r["size"], r["symlink_target"])
            for p, r in tree_rows(target).items()}


def test_generate_fixtures_is_idempotent(tmp_path):
    target = tmp_path / "test_project"
    assert generate(target).returncode == 0
    first = listing(target)
    (target / "stray.txt").write_text("left over from a previous experiment")
    (target / "small_files/file001.txt").write_text("edited")
    assert generate(target).returncode == 0
    assert listing(target) == first


def test_generate_fixtures_refuses_foreign_directory(tmp_path):
    target = tmp_path / "precious"
    target.mkdir()
    (target / "thesis.tex").write_text("years of work")
    run = generate(target)
    assert run.returncode != 0
    assert (target / "thesis.tex").read_text() == "years of work"
