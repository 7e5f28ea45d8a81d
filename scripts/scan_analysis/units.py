"""Numbers for people: binary byte units (what du -h and ls -lh print) and thousands."""
from __future__ import annotations

_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")


def human_bytes(n: int | float) -> str:
    value, unit = float(abs(n)), 0
    while value >= 1024 and unit < len(_UNITS) - 1:
        value /= 1024
        unit += 1
    text = f"{int(value)} B" if unit == 0 else f"{value:.1f} {_UNITS[unit]}"
    return ("-" if n < 0 else "") + text


def thousands(n: int | None) -> str:
    return "-" if n is None else f"{n:,}"


def percent(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.1f}%"


def signed_bytes(n: int) -> str:
    return ("+" if n > 0 else "") + human_bytes(n)


def count_of(n: int, noun: str) -> str:
    """'1 row', '2 rows', '1,000 rows'."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
