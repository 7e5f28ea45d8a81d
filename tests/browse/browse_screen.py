"""Reading the browser's screen back: the rows of a listing, the path line, the footer.

A row is, left to right (docs/browse.md): disk, apparent, files, modified, owner (8
columns), [bar], flag, name. With --bytes the numbers are exact with thousands separators;
without, '12.3 MiB' and '123.4k'. Columns are separated by single spaces and right-aligned
numbers are padded on the left, so a regular expression reads a row whatever the widths.
"""
import re

SIZE = r"[\d,]+(?: B|)|\d+(?:\.\d)? (?:B|KiB|MiB|GiB|TiB|PiB)"
ROW = re.compile(rf"^ *(?P<disk>{SIZE}) +(?P<apparent>{SIZE}) +(?P<files>[\d,.]+[kMGT]?) "
                 r"(?P<mtime>\d{4}-\d\d-\d\d| {10}) (?P<owner>.{8}) \[(?P<bar>[# ]*)\] "
                 r"(?P<flag>.) (?P<name>.*?) *$")
UNITS = {"B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40, "PiB": 2**50}


def rows(lines: list[str]) -> list[dict]:
    """The listing rows of a screen (lines 3 to the one before the footer)."""
    out = []
    for line in lines[3:-1]:
        m = ROW.match(line)
        if m:
            row = m.groupdict()
            row["owner"] = row["owner"].strip()
            row["mtime"] = row["mtime"].strip()
            row["is_dir"] = row["name"].endswith("/")
            row["name"] = row["name"][:-1] if row["is_dir"] else row["name"]
            out.append(row)
    return out


def exact(text: str) -> int:
    return int(text.replace(",", "").replace(" B", ""))


def human_range(text: str) -> tuple[float, float]:
    """The byte counts '12.3 MiB' can stand for (one decimal, rounded)."""
    value, unit = text.split()
    if unit == "B":
        return float(value), float(value)
    half = 0.05 * UNITS[unit]
    return float(value) * UNITS[unit] - half, float(value) * UNITS[unit] + half


def path_line(lines: list[str]) -> str:
    """The directory shown: '--- /a/b -----' -> '/a/b'."""
    return re.match(r"^--- (.*?) -*$", lines[1]).group(1)


def footer(lines: list[str]) -> str:
    return lines[-1]
