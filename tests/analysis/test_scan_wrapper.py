"""scan_wrapper.py: scan and analysis in one call; the scanner's failures pass through."""
import json
import os
import shutil
import subprocess
import sys

import treegen
from analysis_harness import WRAPPER, analyze_json


def wrapper(*args, path_env=None, script=WRAPPER) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if path_env is not None:
        env["PATH"] = path_env
    return subprocess.run([sys.executable, str(script), *map(str, args)],
                          capture_output=True, text=True, env=env)


def test_scan_then_report(tmp_path, scanner):
    tree = treegen.build_plain_tree(tmp_path / "tree")
    out = tmp_path / "scan.parquet"
    html_file = tmp_path / "report.html"
    proc = wrapper("--scanner", scanner, "--path", tree, "--output", out, "--html", html_file,
                   "--json", "--threads", "2")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report == analyze_json(out) | {"snapshot": report["snapshot"]}
    assert report["snapshot"]["roots"] == [str(tree)]
    assert html_file.read_text().startswith("<!DOCTYPE html>")
    assert "scan complete" in proc.stderr  # the scanner's log passes through


def test_incremental_scan_is_analysed_through_its_manifest(tmp_path, scanner):
    tree = treegen.build_plain_tree(tmp_path / "tree")
    proc = wrapper("--scanner", scanner, "-p", tree, "-o", tmp_path / "inc.parquet",
                   "--incremental", "--rows-per-chunk", "6", "--json", "--compare-du")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["snapshot"]["spec"] == str(tmp_path / "inc_manifest.json")
    assert report["snapshot"]["files"] > 1
    assert report["du"]["allocated_difference"] == 0


def test_finds_the_binary_on_path(tmp_path, scanner):
    """A copy of the scripts away from the repository has no build/release beside it, so
    the scanner must come from PATH."""
    scripts = tmp_path / "scripts"
    shutil.copytree(WRAPPER.parent, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "storage-scanner").symlink_to(scanner)
    tree = treegen.build_plain_tree(tmp_path / "tree")
    proc = wrapper("--path", tree, "--output", tmp_path / "s.parquet",
                   path_env=f"{bin_dir}:{os.environ['PATH']}",
                   script=scripts / WRAPPER.name)
    assert proc.returncode == 0, proc.stderr
    assert "Where the space goes" in proc.stdout
    lost = wrapper("--path", tree, "--output", tmp_path / "t.parquet", path_env="/nonexistent",
                   script=scripts / WRAPPER.name)
    assert lost.returncode == 1 and "storage-scanner not found" in lost.stderr


def test_scanner_failures_keep_their_exit_code(tmp_path, scanner):
    missing = wrapper("--scanner", scanner, "--path", tmp_path / "absent",
                      "--output", tmp_path / "x.parquet")
    assert missing.returncode == 1 and "no analysis" in missing.stderr
    usage = wrapper("--scanner", scanner, "--path", tmp_path, "--output", tmp_path / "x.parquet",
                    "--threads", "0")
    assert usage.returncode == 2 and usage.stdout == ""


def test_missing_scanner_is_one_line(tmp_path):
    proc = wrapper("--scanner", tmp_path / "nope", "--path", tmp_path, "--output",
                   tmp_path / "x.parquet")
    assert proc.returncode == 1
    assert len(proc.stderr.strip().splitlines()) == 1 and "cannot run" in proc.stderr
