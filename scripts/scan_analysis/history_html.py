"""The history report as ONE self-contained HTML page, in the analysis report's style
(html_report.py: inline CSS and SVG, no script, a Content-Security-Policy of
default-src 'none', so it opens offline).

Machine-readable (docs/history.md, "HTML"):
  <tr data-key="lab_2026-11-01"> in <table data-section="snapshots">   a snapshot's totals
  <section data-root="/project/lab">                                    one series
    <table data-section="top_level|owners|types|totals">                growth tables; a row
      <tr data-key="proj_01"> <td data-field="allocated@SNAPSHOT" data-value="...">
      and data-field="allocated_delta", "entries_delta"
    <g data-chart="top_level" data-key="proj_01"> <circle data-snapshot="..." data-value="...">
                                                                         a line as drawn
  <table data-section="fastest_growing" data-from="A" data-to="B">      rows keyed by path
  <script type="application/json" id="history-data">                    the whole JSON
"""
from __future__ import annotations

import json
from html import escape

from . import charts
from .html_report import CSS, cell, list_table, metric, size_cell
from .units import human_bytes, signed_bytes, thousands

LINES_DRAWN = 10   # lines per chart: the largest changes; the tables list --top
# Ten colours far apart, one per line by rank: hues hashed from names (charts.hue) can land
# next to each other, which a bar chart survives but crossing lines do not.
PALETTE = ("#3b6fb6", "#e0802c", "#3a9a4a", "#c8413c", "#8a62b8", "#8c5a48", "#d46fb0",
           "#707070", "#a8a832", "#2fa8b8")


def render(report: dict) -> str:
    snaps = {s["name"]: s for s in report["snapshots"]}
    parts = [f"<h1>Storage history</h1><p class=\"meta\">catalogue {escape(report['catalog'])}"
             f" &middot; {metric('snapshots', len(report['snapshots']), None, 'span')} "
             f"snapshot(s) of {len(report['series'])} root(s)</p>", _snapshots(report)]
    parts += [_series(s, snaps) for s in report["series"]]
    parts += [_fastest(c) for c in report["fastest_growing"]]
    data = json.dumps(report).replace("</", "<\\/")
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'\"><title>Storage history</title>"
            f"<style>{CSS}</style></head><body>" + "".join(parts) +
            f'<script type="application/json" id="history-data">{data}</script>'
            "</body></html>\n")


def _snapshots(report: dict) -> str:
    rows = [(s["name"], [cell("name", s["name"]), cell("root", s["root"], cls="path"),
                         cell("taken_at", s["taken_at"], s["taken_at_iso"]),
                         cell("entries", s["entries"], thousands(s["entries"])),
                         cell("files", s["files"], thousands(s["files"])),
                         size_cell("apparent", s["apparent"]),
                         size_cell("allocated", s["allocated"]),
                         cell("completed", str(s["completed"]).lower(),
                              "" if s["completed"] else "PARTIAL")])
            for s in report["snapshots"]]
    return "<h2>Snapshots</h2>" + list_table(
        "snapshots", ["name", "root", "taken", "entries", "files", "apparent", "allocated", ""],
        rows)


def _series(series: dict, snaps: dict) -> str:
    names = series["snapshots"]
    out = [f'<section data-root="{escape(series["root"])}"><h2>{escape(series["root"])}</h2>']
    totals = [("total", "total", [t["allocated"] for t in series["totals"]])]
    out.append("<h3>Allocated bytes (du -s) over time</h3>" +
               line_chart("totals", names, [snaps[n]["taken_at"] for n in names], totals))
    out.append(_growth_table("totals", "snapshot", [
        {"key": "total", "label": "total", "values": series["totals"],
         "allocated_delta": series["totals"][-1]["allocated"] - series["totals"][0]["allocated"],
         "entries_delta": series["totals"][-1]["entries"] - series["totals"][0]["entries"]}],
        names))
    for key, title, label in (("top_level", "top-level directory", lambda r: r["name"]),
                              ("owners", "owner", lambda r: f"{r['owner']} ({r['uid']})"),
                              ("types", "type", lambda r: r["type"] or "(no extension)")):
        ident = {"top_level": lambda r: r["name"], "owners": lambda r: str(r["uid"]),
                 "types": lambda r: r["type"]}[key]
        rows = [{"key": ident(r), "label": label(r), **r} for r in series[key]]
        lines = [(r["key"], r["label"], [v["allocated"] for v in r["values"]])
                 for r in rows[:LINES_DRAWN]]
        out.append(f"<h3>Growth by {title}</h3>")
        if len(names) > 1:
            out.append(line_chart(key, names, [snaps[n]["taken_at"] for n in names], lines))
        out.append(_growth_table(key, title, rows, names))
    out.append("</section>")
    return "".join(out)


def _growth_table(section: str, title: str, rows: list[dict], names: list[str]) -> str:
    body = []
    for r in rows:
        cells = [cell("name", r["key"], r["label"])]
        cells += [cell(f"allocated@{n}", v["allocated"], human_bytes(v["allocated"]))
                  for n, v in zip(names, r["values"])]
        cells.append(cell("allocated_delta", r["allocated_delta"],
                          signed_bytes(r["allocated_delta"])))
        cells.append(cell("entries_delta", r["entries_delta"], f"{r['entries_delta']:+,}"))
        body.append((r["key"], cells))
    # A year of weekly snapshots is 52 columns: the table scrolls, the page does not.
    return ('<div style="overflow-x:auto">' +
            list_table(section, [title, *names, "change", "entries change"], body) + "</div>")


def _fastest(c: dict) -> str:
    rows = [(d["path"], [cell("path", d["path"], cls="path"),
                         size_cell("old_allocated", d["old_allocated"]),
                         size_cell("new_allocated", d["new_allocated"]),
                         cell("allocated_delta", d["allocated_delta"],
                              signed_bytes(d["allocated_delta"])),
                         cell("entries_delta", d["entries_delta"], f"{d['entries_delta']:+,}"),
                         cell("top_owner", d["top_owner"])]) for d in c["directories"]]
    bars = [(d["path"], d["path"], d["allocated_delta"]) for d in c["directories"][:15]]
    table = list_table("fastest_growing", ["path", "before", "after", "change",
                                           "entries change", "top owner now"], rows)
    table = table.replace('<table data-section="fastest_growing"',
                          f'<table data-section="fastest_growing" data-from="{escape(c["from"])}"'
                          f' data-to="{escape(c["to"])}"', 1)
    return (f"<h2>Fastest-growing directories: {escape(c['from'])} &rarr; {escape(c['to'])} "
            f"({c['days']:g} days, {escape(c['root'])})</h2><p>Growth of allocated bytes "
            "(du -s); a directory's growth includes its subdirectories'.</p>" +
            charts.bar_chart("fastest_growing", bars) + table)


def line_chart(chart: str, names: list[str], times: list[int],
               lines: list[tuple[str, str, list[int]]], width: int = 720) -> str:
    """Lines over time: x is the snapshot's date (to scale), y allocated bytes from zero.
    Each line is a <g data-chart data-key> whose points are <circle data-snapshot
    data-value>, with a <title> tooltip."""
    height, left, right, top, bottom = 300, 70, 160, 10, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    span = (max(times) - min(times)) or 1
    peak = max([v for _, _, values in lines for v in values] + [1])

    def x(t: int) -> float:
        return left + (plot_w * (t - min(times)) / span if len(times) > 1 else plot_w / 2)

    def y(v: int) -> float:
        return top + plot_h * (1 - v / peak)

    marks = [f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
             'stroke="#999"/>',
             f'<text x="{left - 6}" y="{top + 10}" text-anchor="end">{human_bytes(peak)}</text>',
             f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>']
    for n, t in zip(names, times):
        marks.append(f'<text x="{x(t):.1f}" y="{top + plot_h + 16}" text-anchor="middle">'
                     f"{escape(charts._fit(n, 110))}</text>")
    for i, (key, label, values) in enumerate(lines):
        colour = PALETTE[i % len(PALETTE)]
        points = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in zip(times, values))
        dots = "".join(
            f'<circle data-snapshot="{escape(n)}" data-value="{v}" cx="{x(t):.1f}" '
            f'cy="{y(v):.1f}" r="3" fill="{colour}"><title>{escape(label)} in {escape(n)}: '
            f"{human_bytes(v)}</title></circle>" for n, t, v in zip(names, times, values))
        legend_y = top + 12 + i * 16
        marks.append(
            f'<g data-chart="{escape(chart)}" data-key="{escape(key)}">'
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>{dots}'
            f'<rect x="{left + plot_w + 10}" y="{legend_y - 9}" width="10" height="10" '
            f'fill="{colour}"/><text x="{left + plot_w + 24}" y="{legend_y}">'
            f"{escape(charts._fit(label, right - 30))}</text></g>")
    return (f'<svg class="chart" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img">{"".join(marks)}</svg>')
