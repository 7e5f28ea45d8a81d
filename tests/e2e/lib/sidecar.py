"""The error sidecar, STEM_errors.jsonl beside the output: read it, check its format, and compare
its records with those the reference walk expects.

Format (one JSON object per line, always written, empty when there were no errors):
  {"path": str, "path_bytes_b64": str (only when the path is not valid UTF-8),
   "op": "open"|"getdents"|"statx"|"readlink"|"stat_target"|"loop"|"root",
   "errno": int (0 for a loop), "error": str}
"""
import base64
import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .compare import SHOWN, label
from .reference import ExpectedError, decode, is_utf8, stem_of

OPS = {"open", "getdents", "statx", "readlink", "stat_target", "loop", "root"}
_REQUIRED = {"path", "op", "errno", "error"}


@dataclass(frozen=True)
class ErrorRecord:
    path: bytes  # exact path bytes (from path_bytes_b64 when present)
    op: str
    errno: int
    error: str


def sidecar_path(output: str | os.PathLike) -> Path:
    output = Path(output)
    return output.with_name(os.fsdecode(stem_of(os.fsencode(output.name))) + "_errors.jsonl")


def read_sidecar(output: str | os.PathLike) -> list[ErrorRecord]:
    """Parse and validate the sidecar of `output`; every malformed line is an assertion error."""
    path = sidecar_path(output)
    records = []
    text = path.read_bytes().decode("utf-8")  # the sidecar is UTF-8 like every string we write
    for number, line in enumerate(text.splitlines(), 1):
        where = f"{path.name}:{number}"
        obj = json.loads(line)
        if not isinstance(obj, dict):
            raise AssertionError(f"{where}: not a JSON object: {line!r}")
        keys = set(obj)
        if not _REQUIRED <= keys <= _REQUIRED | {"path_bytes_b64"}:
            raise AssertionError(f"{where}: keys {sorted(keys)}")
        if obj["op"] not in OPS:
            raise AssertionError(f"{where}: unknown op {obj['op']!r}")
        if not (isinstance(obj["errno"], int) and isinstance(obj["error"], str) and obj["error"]):
            raise AssertionError(f"{where}: errno/error malformed: {line!r}")
        if (obj["op"] == "loop") != (obj["errno"] == 0):
            raise AssertionError(f"{where}: errno must be 0 exactly for op 'loop': {line!r}")
        raw = obj["path"].encode()
        if "path_bytes_b64" in obj:
            raw = base64.b64decode(obj["path_bytes_b64"], validate=True)
            if is_utf8(raw):
                raise AssertionError(f"{where}: path_bytes_b64 given for a valid UTF-8 path")
            if obj["path"] != decode(raw):
                raise AssertionError(f"{where}: path {obj['path']!r} is not the replaced "
                                     f"decoding of path_bytes_b64 {raw!r}")
        records.append(ErrorRecord(raw, obj["op"], obj["errno"], obj["error"]))
    return records


def diff_errors(actual: list[ErrorRecord], expected: list[ExpectedError],
                optional: list[ExpectedError] = (), root: bytes | None = None) -> list[str]:
    """Differences between the sidecar and the expected records, compared as (path, op, errno)
    multisets. Optional records may be present at most once each; the error text is free."""
    got = Counter(ExpectedError(r.path, r.op, r.errno) for r in actual)
    want = Counter(expected)
    allowed = Counter(optional)
    missing = want - got
    extra = got - want - allowed
    over_optional = {k: n for k, n in (got - want).items() if k in allowed and n > allowed[k]}
    lines = []
    for title, items in (("missing", missing), ("unexpected", extra),
                         ("repeated", over_optional)):
        if items:
            lines.append(f"{title} sidecar records:")
            lines += [f"  {label(e.path, root)} op={e.op} errno={e.errno} x{n}"
                      for e, n in list(items.items())[:SHOWN]]
    return lines


def assert_errors_match(actual, expected, optional=(), root=None) -> None:
    problems = diff_errors(actual, expected, optional, root)
    if problems:
        raise AssertionError("\n".join(problems))
