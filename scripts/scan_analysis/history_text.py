"""The history report as text: each series (scan root) with its snapshots, growth by top-level
directory, owner and type from its first snapshot to its last, and the fastest-growing
directories. The JSON and the HTML page hold every snapshot's figures; text shows the ends."""
from __future__ import annotations

from .units import human_bytes, signed_bytes, thousands


def render(report: dict) -> str:
    snaps = {s["name"]: s for s in report["snapshots"]}
    out = [f"Catalogue {report['catalog']}: {len(report['snapshots'])} snapshot(s), "
           f"{len(report['series'])} root(s)"]
    if not report["series"]:
        out.append("  (empty: import snapshots with scripts/import_snapshot.py)")
    for series in report["series"]:
        out += ["", f"== {series['root']}", "",
                _table(["snapshot", "taken (UTC)", "entries", "files", "apparent", "allocated",
                        ""],
                       [[n, snaps[n]["taken_at_iso"][:16].replace("T", " "),
                         thousands(snaps[n]["entries"]), thousands(snaps[n]["files"]),
                         human_bytes(snaps[n]["apparent"]), human_bytes(snaps[n]["allocated"]),
                         _flags(snaps[n])] for n in series["snapshots"]])]
        if len(series["snapshots"]) < 2:
            out.append("  (one snapshot: growth needs two)")
            continue
        first, last = series["snapshots"][0], series["snapshots"][-1]
        for title, key, label in (("top-level directory", "top_level", lambda r: r["name"]),
                                  ("owner", "owners", lambda r: f"{r['owner']} ({r['uid']})"),
                                  ("type", "types", lambda r: r["type"] or "(no extension)")):
            out += ["", f"Growth by {title}, {first} -> {last} (allocated)",
                    _table([title, first, last, "change", "entries change"],
                           [[label(r), human_bytes(r["first_allocated"]),
                             human_bytes(r["last_allocated"]), signed_bytes(r["allocated_delta"]),
                             f"{r['entries_delta']:+,}"] for r in series[key]])]
    for comparison in report["fastest_growing"]:
        out += ["", f"Fastest-growing directories, {comparison['from']} -> {comparison['to']} "
                    f"({comparison['days']:g} days)"]
        rows = [[d["path"], human_bytes(d["old_allocated"]), human_bytes(d["new_allocated"]),
                 signed_bytes(d["allocated_delta"]),
                 "" if d["allocated_per_day"] is None else
                 signed_bytes(int(d["allocated_per_day"])) + "/day",
                 d["top_owner"] or ""] for d in comparison["directories"]]
        out.append(_table(["path", "before", "after", "change", "rate", "top owner now"], rows)
                   if rows else "  (no directory grew)")
    return "\n".join(out)


def _flags(s: dict) -> str:
    flags = [] if s["completed"] else ["PARTIAL"]
    if not s["rows_available"]:
        flags.append("rows gone")
    return ", ".join(flags)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return "  (none)"
    widths = [max(len(str(r[i])) for r in rows + [headers]) for i in range(len(headers))]
    lines = []
    for r in [headers] + rows:
        cells = [str(c).ljust(w) if i == 0 else str(c).rjust(w)
                 for i, (c, w) in enumerate(zip(r, widths))]
        lines.append("  " + "  ".join(cells).rstrip())
    return "\n".join(lines)
