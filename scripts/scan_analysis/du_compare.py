"""The `du` comparison: why `du -s` and the sum of file sizes differ, in bytes.

The seed's README explains the gap between "the scanner's total" (file contents) and `du`
in words: block overhead of small files, sparse files, directories and metadata, hard links,
files changed since the scan. The snapshot has every entry's allocated size, so here each of
those reasons gets its exact share:

  du -s now = file contents
            + small files' block overhead      (files under 4 KiB fill a whole block)
            + larger files' overhead            (partial last block, preallocation)
            - files allocated below their size  (sparse, compressed, inline data)
            + directories                       (their own blocks: metadata)
            + symlinks and special files
            + changed since the scan            (du now - snapshot allocated; also what the
                                                 scan could not read, see the sidecar)
Hard links are counted once on both sides; the report says how much counting every path
would add.
"""
from __future__ import annotations

import subprocess

from .snapshot import SnapshotError


def run_du(path: str, one_file_system: bool) -> dict:
    """du's allocated and apparent totals of `path` (-x when the scan stayed on one
    filesystem); errors du met (unreadable directories) are counted, not fatal."""
    result = {"path": path, "one_file_system": one_file_system}
    for key, extra in (("allocated", []), ("apparent", ["--apparent-size"])):
        cmd = ["du", "-s", "--block-size=1", *extra, *(["-x"] if one_file_system else []),
               "--", path]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        except OSError as e:
            raise SnapshotError(f"cannot run du: {e.strerror}") from None
        fields = proc.stdout.split()
        if not fields or not fields[0].isdigit():
            message = proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"]
            raise SnapshotError(f"du failed on {path}: {message[0]}")
        result[key] = int(fields[0])
        errors = len(proc.stderr.strip().splitlines())
        result["errors"] = max(result.get("errors", 0), errors)
    return result


def explain(space: dict, kinds: dict, du: dict | None) -> list[dict]:
    """The gap between file contents and `du -s`, reason by reason (bytes may be negative).
    Without a du run, the gap is to the snapshot's own allocated total (du at scan time)."""
    items = [
        {"reason": "small_file_overhead", "entries": space["small_files"],
         "bytes": space["small_file_overhead"]},
        {"reason": "larger_file_overhead", "entries": kinds["file"]["count"] - space["small_files"],
         "bytes": space["larger_file_overhead"]},
        {"reason": "below_size", "entries": space["below_size_files"],
         "bytes": -space["below_size_bytes"]},
        {"reason": "directories", "entries": kinds["directory"]["count"],
         "bytes": space["directories"]},
        {"reason": "other_entries",
         "entries": sum(v["count"] for k, v in kinds.items() if k not in ("file", "directory")),
         "bytes": space["other_entries"]},
    ]
    if du is not None:
        items.append({"reason": "changed_since_scan", "entries": None,
                      "bytes": du["allocated"] - space["allocated"]})
    # Each reason's part of all the bytes moved (absolute values), like the seed's "block
    # overhead (~68% of difference)"; sparse files move the other way, so a plain ratio to
    # the net gap could exceed 100%.
    moved = sum(abs(i["bytes"]) for i in items)
    for i in items:
        i["share"] = round(abs(i["bytes"]) / moved, 4) if moved else None
    return items


REASONS = {
    "small_file_overhead": "block overhead of small files (under {threshold} bytes)",
    "larger_file_overhead": "partial last blocks and preallocation of larger files",
    "below_size": "sparse, compressed or inline files (allocated < size)",
    "directories": "directories' own blocks (metadata)",
    "other_entries": "symlinks, sockets, FIFOs and devices",
    "changed_since_scan": "changed since the scan, or not covered by it",
}
