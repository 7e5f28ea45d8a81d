"""Compare the rows a scan wrote with the rows the reference walk expects, keyed by path.

A failure lists, for the first few paths of each kind, what is missing, what is extra, what is
duplicated and which columns differ, so one run says what is wrong without a debugger.

Tolerance: the accessed_time of a directory may be later than expected, because reading a
directory may update its atime between the reference walk and the scanner's statx. Nothing
else is tolerated.
"""
from collections import Counter

from .reference import row_raw_path
from .schema import COLUMN_NAMES

SHOWN = 20  # entries listed per kind of difference


def label(raw: bytes, root: bytes | None = None) -> str:
    """A readable, unambiguous name for a path: relative to root when below it, repr'd so
    newlines, tabs and undecodable bytes are visible."""
    if root is not None and raw.startswith(root.rstrip(b"/") + b"/"):
        raw = raw[len(root.rstrip(b"/")) + 1:]
    elif root is not None and raw == root:
        raw = b"<root>"
    return repr(raw.decode("utf-8", errors="backslashreplace"))


def _column_differences(actual: dict, expected: dict, ignored: set[str]) -> list[str]:
    differences = []
    for column in COLUMN_NAMES:
        if column in ignored:
            continue
        got, want = actual.get(column), expected.get(column)
        if got == want and type(got) is type(want):
            continue
        if (column == "accessed_time" and expected["file_type"] == "directory"
                and isinstance(got, int) and isinstance(want, int) and got >= want):
            continue
        if column == "permissions" and isinstance(got, int) and isinstance(want, int):
            differences.append(f"{column}: expected {want:#o}, got {got:#o}")
        else:
            differences.append(f"{column}: expected {want!r}, got {got!r}")
    return differences


def diff_rows(actual: list[dict], expected: list[dict], *, root: bytes | None = None,
              ignore: dict[bytes, set[str]] | None = None) -> list[str]:
    """Human-readable differences between two row lists (empty when they agree).

    `ignore` maps a raw path to columns that are not compared for that row (for example the
    mtime of the directory the scanner writes its output into).
    """
    ignore = ignore or {}
    actual_counts = Counter(row_raw_path(r) for r in actual)
    expected_by_key = {row_raw_path(r): r for r in expected}
    if len(expected_by_key) != len(expected):
        raise ValueError("the expected rows themselves contain duplicate paths")
    actual_by_key = {row_raw_path(r): r for r in actual}

    missing = sorted(k for k in expected_by_key if k not in actual_by_key)
    extra = sorted(k for k in actual_by_key if k not in expected_by_key)
    duplicated = sorted(k for k, n in actual_counts.items() if n > 1)
    mismatched = []
    for key in sorted(expected_by_key.keys() & actual_by_key.keys()):
        diffs = _column_differences(actual_by_key[key], expected_by_key[key],
                                    ignore.get(key, set()))
        if diffs:
            mismatched.append((key, diffs))

    if not (missing or extra or duplicated or mismatched):
        return []
    lines = [f"rows differ (expected {len(expected)}, got {len(actual)}): {len(missing)} missing,"
             f" {len(extra)} extra, {len(duplicated)} duplicated, {len(mismatched)} mismatched"]
    for title, keys in (("missing", missing), ("extra", extra)):
        if keys:
            lines.append(f"{title}:")
            lines += [f"  {label(k, root)}" for k in keys[:SHOWN]]
    if duplicated:
        lines.append("duplicated:")
        lines += [f"  {label(k, root)} x{actual_counts[k]}" for k in duplicated[:SHOWN]]
    if mismatched:
        lines.append("mismatched:")
        for key, diffs in mismatched[:SHOWN]:
            lines.append(f"  {label(key, root)}: " + "; ".join(diffs))
    hidden = max(0, len(missing) - SHOWN) + max(0, len(extra) - SHOWN) \
        + max(0, len(duplicated) - SHOWN) + max(0, len(mismatched) - SHOWN)
    if hidden:
        lines.append(f"... and {hidden} more")
    return lines


def assert_rows_equal(actual: list[dict], expected: list[dict], **kwargs) -> None:
    problems = diff_rows(actual, expected, **kwargs)
    if problems:
        raise AssertionError("\n".join(problems))
