"""Squarified treemap layout (Bruls, Huizing, van Wijk, 2000), computed here so the HTML page
needs no script: rectangles whose areas are proportional to their values, kept as close to
square as the greedy row-by-row method allows, so small directories stay visible and
clickable.
"""
from __future__ import annotations

from typing import NamedTuple


class Rect(NamedTuple):
    x: float
    y: float
    w: float
    h: float


def squarify(values: list[float], rect: Rect) -> list[Rect]:
    """One rectangle per value (same order), tiling `rect`. Values must be sorted largest
    first and positive; their areas are scaled to fill the rectangle."""
    total = sum(values)
    if total <= 0 or rect.w <= 0 or rect.h <= 0:
        return [Rect(rect.x, rect.y, 0.0, 0.0) for _ in values]
    areas = [v * rect.w * rect.h / total for v in values]
    out: list[Rect] = []
    free = rect
    start = 0
    while start < len(areas):
        row_end = _row_end(areas, start, min(free.w, free.h))
        placed, free = _lay_row(areas[start:row_end], free)
        out.extend(placed)
        start = row_end
    return out


def _worst(row_sum: float, row_max: float, row_min: float, side: float) -> float:
    """The worst aspect ratio of a row of areas laid along a side of length `side`."""
    s2, side2 = row_sum * row_sum, side * side
    return max(side2 * row_max / s2, s2 / (side2 * row_min))


def _row_end(areas: list[float], start: int, side: float) -> int:
    """Grows the row from `start` while adding the next area does not worsen its ratio."""
    end = start + 1
    row_sum = areas[start]
    while end < len(areas):
        candidate = row_sum + areas[end]
        # areas are sorted, so the row's max is its first and its min its newest element
        if _worst(candidate, areas[start], areas[end], side) > \
                _worst(row_sum, areas[start], areas[end - 1], side):
            break
        row_sum = candidate
        end += 1
    return end


def _lay_row(row: list[float], free: Rect) -> tuple[list[Rect], Rect]:
    """Lays `row` along the shorter side of `free`; returns its rectangles and what is left."""
    row_sum = sum(row)
    placed = []
    if free.w >= free.h:  # a column at the left
        width = row_sum / free.h
        y = free.y
        for a in row:
            placed.append(Rect(free.x, y, width, a / width))
            y += a / width
        return placed, Rect(free.x + width, free.y, free.w - width, free.h)
    height = row_sum / free.w  # a row at the top
    x = free.x
    for a in row:
        placed.append(Rect(x, free.y, a / height, height))
        x += a / height
    return placed, Rect(free.x, free.y + height, free.w, free.h - height)
