"""SVG charts written as text: bars, the age histogram and the directory treemap.

Every mark carries its number in data-* attributes (data-chart, data-key, data-value) and a
<title> tooltip, so a test or a script reads back exactly what is drawn.
"""
from __future__ import annotations

import collections
import zlib
from html import escape

from .treemap import Rect, squarify
from .units import human_bytes, thousands

FONT = 12          # px; labels are cut to fit at about 0.6 em per character
CHAR_WIDTH = 7.2


def _fit(text: str, width: float) -> str:
    room = int(width // CHAR_WIDTH)
    return text if len(text) <= room else (text[: max(room - 1, 0)] + "…" if room > 1 else "")


def hue(name: str) -> int:
    """A stable colour per top-level directory, so a directory keeps its colour across pages."""
    return zlib.crc32(name.encode("utf-8", "surrogatepass")) % 360


def bar_chart(chart: str, items: list[tuple[str, str, int]], width: int = 720) -> str:
    """Horizontal bars: items are (key, label, bytes), drawn in the given order."""
    label_w, value_w, row_h = 220, 90, 22
    bar_w = width - label_w - value_w
    peak = max((v for _, _, v in items), default=0) or 1
    rows = []
    for i, (key, label, value) in enumerate(items):
        y = i * row_h
        w = bar_w * value / peak
        rows.append(
            f'<g data-chart="{escape(chart)}" data-key="{escape(key)}" data-value="{value}">'
            f"<title>{escape(label)}: {human_bytes(value)} ({thousands(value)} bytes)</title>"
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">'
            f"{escape(_fit(label, label_w - 10))}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
            f'fill="hsl({hue(key)},55%,55%)"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}">{human_bytes(value)}</text></g>')
    height = max(len(items), 1) * row_h
    return (f'<svg class="chart" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img">{"".join(rows)}</svg>')


def age_histogram(mtime: list[dict], atime: list[dict], width: int = 720) -> str:
    """Allocated bytes per age bucket, by mtime and by atime side by side."""
    height, base, left = 260, 220, 10
    peak = max([b["allocated"] for b in mtime + atime] + [1])
    slot = (width - left) / len(mtime)
    bar = slot * 0.36
    marks = []
    for i, (m, a) in enumerate(zip(mtime, atime)):
        x0 = left + i * slot + slot * 0.12
        for j, (series, b, colour) in enumerate((("mtime", m, "#4a78b5"), ("atime", a, "#e08a3c"))):
            h = (base - 20) * b["allocated"] / peak
            x = x0 + j * bar
            marks.append(
                f'<g data-chart="age_{series}" data-key="{escape(b["bucket"])}" '
                f'data-value="{b["allocated"]}"><title>{series} {escape(b["bucket"])}: '
                f'{thousands(b["files"])} files, {human_bytes(b["allocated"])}</title>'
                f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{colour}"/></g>')
        marks.append(f'<text x="{x0 + bar:.1f}" y="{base + 16}" text-anchor="middle">'
                     f'{escape(m["bucket"])}</text>')
    legend = ('<rect x="10" y="240" width="12" height="12" fill="#4a78b5"/>'
              '<text x="26" y="251">last modified (mtime)</text>'
              '<rect x="200" y="240" width="12" height="12" fill="#e08a3c"/>'
              '<text x="216" y="251">last accessed (atime)</text>')
    return (f'<svg class="chart" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img">{"".join(marks)}{legend}</svg>')


def treemap(nodes: list[dict], width: int = 960, height: int = 540) -> str:
    """Nested rectangles for `nodes` (the root first, then directories largest first, each
    with path, depth, allocated). A directory's area is its allocated bytes (as du -s); the
    part of it not covered by the directories shown is its files and smaller directories."""
    if not nodes:
        return ""
    children = collections.defaultdict(list)
    known = {n["path"] for n in nodes}
    for n in nodes[1:]:
        parent = n["path"].rsplit("/", 1)[0] or "/"
        if parent in known:
            children[parent].append(n)
    out: list[str] = []
    _draw(nodes[0], Rect(0, 0, width, height), children, "", out)
    return (f'<svg class="treemap" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img">{"".join(out)}</svg>')


def _draw(node: dict, rect: Rect, children: dict, top: str, out: list[str]) -> None:
    depth = node["depth"]
    top = top or (node["path"].rsplit("/", 1)[-1] if depth == 1 else "")
    light = 92 if depth == 0 else min(45 + 12 * depth, 85)
    out.append(
        f'<rect data-path="{escape(node["path"])}" data-depth="{depth}" '
        f'data-allocated="{node["allocated"]}" x="{rect.x:.1f}" y="{rect.y:.1f}" '
        f'width="{rect.w:.1f}" height="{rect.h:.1f}" '
        f'fill="hsl({hue(top) if top else 210},45%,{light}%)" stroke="#fff">'
        f'<title>{escape(node["path"])}: {human_bytes(node["allocated"])} allocated, '
        f'{thousands(node["entries"])} entries</title></rect>')
    header = FONT + 4 if rect.h > 2 * (FONT + 4) and rect.w > 40 else 0
    if header and depth > 0:
        name = node["path"].rsplit("/", 1)[-1]
        label = _fit(f"{name} {human_bytes(node['allocated'])}", rect.w - 6)
        out.append(f'<text x="{rect.x + 3:.1f}" y="{rect.y + FONT + 1:.1f}">{escape(label)}</text>')
    kids = [k for k in children.get(node["path"], []) if k["allocated"] > 0]
    inner = Rect(rect.x + 2, rect.y + header + 1, rect.w - 4, rect.h - header - 3)
    if not kids or inner.w < 4 or inner.h < 4:
        return
    # Whatever the shown subdirectories do not hold keeps the parent's colour. With hard links
    # across subtrees they may hold more than the parent (as du -s counts): then they fill it.
    rest = max(node["allocated"] - sum(k["allocated"] for k in kids), 0)
    values = [k["allocated"] for k in kids] + ([rest] if rest else [])
    order = sorted(range(len(values)), key=lambda i: -values[i])
    rects = squarify([values[i] for i in order], inner)
    for i, r in zip(order, rects):
        if i < len(kids):
            _draw(kids[i], r, children, top, out)
