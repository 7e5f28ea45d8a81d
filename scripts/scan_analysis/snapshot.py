"""What a SNAPSHOT argument names: its Parquet files, manifests and error sidecars.

A snapshot is given as one of
  - a Parquet file                      scan.parquet
  - a glob, quoted so the shell leaves it  'scan_chunk_*.parquet'
  - a directory                         DIR (reads DIR/*.parquet: chunks, shards, files)
  - a manifest                          scan_manifest.json (reads the chunks it lists)

Every data file is named after a STEM the scanner derives from --output (see
src/output/output_paths.h): STEM.parquet, STEM_chunk_NNNN.parquet, and beside them
STEM_manifest.json and STEM_errors.jsonl. Finding those siblings is what lets every form of
input report completeness and errors the same way.

Temporary files (".NAME.tmp-PID") start with a dot and never end in ".parquet", so the globs
here never pick up a half-written chunk; dot files are skipped explicitly all the same.
"""
from __future__ import annotations

import dataclasses
import glob
import json
import os
import re

_CHUNK_SUFFIX = re.compile(r"_chunk_\d+\.parquet$")


class SnapshotError(Exception):
    """A snapshot argument that cannot be read; the message is one line for the user."""


@dataclasses.dataclass
class Manifest:
    path: str
    completed: bool
    started_at: str | None
    total_rows: int
    errors: int
    pending_dirs: int
    # Bytes of the error sidecar that belong to published chunks: an interrupted scan may have
    # appended lines for work it will redo on resume, and those must not be counted.
    errors_bytes: int | None


@dataclasses.dataclass
class Snapshot:
    spec: str                      # the argument as given
    files: list[str]               # Parquet files, sorted
    manifests: list[Manifest]
    sidecars: list[tuple[str, int | None]]  # (path, valid byte prefix or None for all)

    @property
    def completed(self) -> bool:
        return all(m.completed for m in self.manifests)


def resolve(spec: str) -> Snapshot:
    """Turns a SNAPSHOT argument into its files; raises SnapshotError with a one-line reason."""
    if os.path.isdir(spec):
        files = _parquet_files(os.path.join(glob.escape(spec), "*.parquet"))
        if not files:
            raise SnapshotError(f"no Parquet files in directory {spec}")
        return _with_siblings(spec, files)
    if os.path.isfile(spec) and spec.endswith(".json"):
        return _from_manifest(spec)
    if os.path.exists(spec):
        _check_readable(spec)
        return _with_siblings(spec, [os.path.abspath(spec)])
    if glob.has_magic(spec):
        files = _parquet_files(spec)
        if not files:
            raise SnapshotError(f"glob {spec!r} matches no Parquet file")
        return _with_siblings(spec, files)
    raise SnapshotError(f"no such file or directory: {spec}")


def _parquet_files(pattern: str) -> list[str]:
    """Published Parquet files matching `pattern`: a glob like 'scan_*' also matches the
    manifest and the sidecar, which are read as such, not as data."""
    found = []
    for p in glob.glob(pattern):
        name = os.path.basename(p)
        if name.startswith(".") or not name.endswith(".parquet") or not os.path.isfile(p):
            continue
        _check_readable(p)
        found.append(os.path.abspath(p))
    return sorted(found)


def _check_readable(path: str) -> None:
    try:
        with open(path, "rb"):
            pass
    except OSError as e:
        raise SnapshotError(f"cannot read {path}: {e.strerror}") from None


def stem_of(data_file: str) -> str:
    """DIR/STEM for DIR/STEM.parquet or DIR/STEM_chunk_NNNN.parquet."""
    if _CHUNK_SUFFIX.search(data_file):
        return _CHUNK_SUFFIX.sub("", data_file)
    return data_file[: -len(".parquet")] if data_file.endswith(".parquet") else data_file


def _with_siblings(spec: str, files: list[str]) -> Snapshot:
    stems = sorted({stem_of(f) for f in files})
    manifests = [_read_manifest(s + "_manifest.json") for s in stems
                 if os.path.isfile(s + "_manifest.json")]
    return Snapshot(spec, files, manifests, _sidecars(stems, manifests))


def _sidecars(stems: list[str], manifests: list[Manifest]) -> list[tuple[str, int | None]]:
    valid = {m.path[: -len("_manifest.json")]: m.errors_bytes for m in manifests}
    return [(s + "_errors.jsonl", valid.get(s)) for s in stems
            if os.path.isfile(s + "_errors.jsonl")]


def _from_manifest(path: str) -> Snapshot:
    manifest = _read_manifest(path)
    with open(path, encoding="utf-8") as f:
        chunks = json.load(f).get("chunks") or []
    files = sorted(_locate_chunk(c.get("file_path", ""), path) for c in chunks)
    if not files:
        raise SnapshotError(f"manifest {path} lists no chunks yet")
    stem = path[: -len("_manifest.json")] if path.endswith("_manifest.json") else path
    return Snapshot(path, files, [manifest], _sidecars([stem], [manifest]))


def _locate_chunk(listed: str, manifest_path: str) -> str:
    """The chunk where the manifest says, or beside the manifest when the snapshot was moved."""
    beside = os.path.join(os.path.dirname(os.path.abspath(manifest_path)),
                          os.path.basename(listed))
    for candidate in (listed, beside):
        if candidate and os.path.isfile(candidate):
            _check_readable(candidate)
            return os.path.abspath(candidate)
    raise SnapshotError(f"chunk {listed} listed in manifest {manifest_path} is missing")


def _read_manifest(path: str) -> Manifest:
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as e:
        raise SnapshotError(f"cannot read {path}: {e.strerror}") from None
    except ValueError as e:
        raise SnapshotError(f"manifest {path} is not valid JSON: {e}") from None
    if not isinstance(doc, dict) or "completed" not in doc or "chunks" not in doc:
        raise SnapshotError(f"{path} is not a storage-scanner manifest (no 'completed'/'chunks')")
    resume = doc.get("resume") or {}
    return Manifest(path=os.path.abspath(path), completed=bool(doc["completed"]),
                    started_at=doc.get("started_at"), total_rows=int(doc.get("total_rows", 0)),
                    errors=int(doc.get("errors", 0)),
                    pending_dirs=len(resume.get("pending_dirs") or []),
                    errors_bytes=resume.get("errors_bytes"))
