"""The diff as plain text."""
from __future__ import annotations

from .text import table
from .units import human_bytes, signed_bytes, thousands


def render(d: dict) -> str:
    out: list[str] = []
    for section in (_header, _totals, _paths, _largest, _top_level, _owners, _subtrees):
        lines = section(d)
        if lines:
            out.extend(lines + [""])
    return "\n".join(out)


def _header(d: dict) -> list[str]:
    lines = []
    for side in ("old", "new"):
        s = d["snapshots"][side]
        lines.append(f"{side.upper():4} {s['spec']}  ({', '.join(s['roots']) or '?'}, started "
                     f"{s['started_at'] or '?'}, {thousands(s['rows'])} rows"
                     f"{'' if s['completed'] else ', INCOMPLETE'})")
        if s["root_rows"] > 1:
            lines.append(f"WARNING: {side.upper()} has {s['root_rows']} scan roots: it mixes "
                         "overlapping scans")
    if d["snapshots"]["old"]["roots"] != d["snapshots"]["new"]["roots"]:
        lines.append("WARNING: the snapshots have different roots; paths are compared as they are")
    return lines


def _totals(d: dict) -> list[str]:
    t = d["totals"]
    rows = [[k, thousands(t["old"][k]) if k in ("entries", "files") else human_bytes(t["old"][k]),
             thousands(t["new"][k]) if k in ("entries", "files") else human_bytes(t["new"][k]),
             f"{t['delta'][k]:+,}" if k in ("entries", "files") else signed_bytes(t["delta"][k])]
            for k in ("entries", "files", "apparent", "allocated")]
    return ["Totals (hard links once)"] + table(["", "old", "new", "change"], rows)


def _paths(d: dict) -> list[str]:
    a, r, c = d["added"], d["removed"], d["changed"]
    return ["Paths (bytes per path)",
            f"  added    {thousands(a['entries'])} ({thousands(a['files'])} files, "
            f"{thousands(a['directories'])} directories), {human_bytes(a['allocated'])} allocated",
            f"  removed  {thousands(r['entries'])} ({thousands(r['files'])} files, "
            f"{thousands(r['directories'])} directories), {human_bytes(r['allocated'])} allocated",
            f"  changed  {thousands(c['entries'])}: size {thousands(c['size_changed'])}, "
            f"mtime {thousands(c['mtime_changed'])}, owner {thousands(c['owner_changed'])}, "
            f"kind {thousands(c['kind_changed'])}; {signed_bytes(c['allocated_delta'])} allocated"]


def _largest(d: dict) -> list[str]:
    rows = [[x["change"], signed_bytes(x["allocated_delta"]), x["path"]]
            for x in d["largest_changes"]]
    return ["Largest changes (allocated)"] + table(["change", "allocated", "path"], rows, {1})


def _growth_rows(items: list[dict], label) -> list[list]:
    return [[label(x), human_bytes(x["old_allocated"]), human_bytes(x["new_allocated"]),
             signed_bytes(x["allocated_delta"]), f"{x['new_entries'] - x['old_entries']:+,}"]
            for x in items]


def _top_level(d: dict) -> list[str]:
    return ["Growth by top-level directory (as du -s)"] + table(
        ["name", "old", "new", "change", "entries"],
        _growth_rows(d["growth"]["top_level"], lambda x: x["name"]))


def _owners(d: dict) -> list[str]:
    return ["Growth by owner"] + table(
        ["owner", "old", "new", "change", "entries"],
        _growth_rows(d["growth"]["owners"], lambda x: f"{x['owner']} ({x['uid']})"))


def _subtrees(d: dict) -> list[str]:
    return ["Largest subtree changes (as du -s)"] + table(
        ["path", "old", "new", "change", "entries"],
        _growth_rows(d["growth"]["subtrees"], lambda x: x["path"]))
