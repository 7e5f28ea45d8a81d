"""The report as plain text, for a terminal or a Slurm log."""
from __future__ import annotations

import os

from .du_compare import REASONS
from .units import count_of, human_bytes, percent, signed_bytes, thousands


def table(headers: list[str], rows: list[list], right: set[int] | None = None) -> list[str]:
    """Columns padded to their widest cell; columns in `right` (indexes) are right-aligned."""
    right = right if right is not None else set(range(1, len(headers)))
    cells = [headers] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for r in cells:
        parts = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in
                 enumerate(zip(r, widths))]
        lines.append("  " + "  ".join(parts).rstrip())
    return lines


def render(report: dict) -> str:
    out: list[str] = []
    for section in (_header, _totals, _space, _du, _types, _largest_files, _largest_dirs,
                    _top_level, _owners, _groups, _ages, _errors):
        lines = section(report)
        if lines:
            out.extend(lines + [""])
    return "\n".join(out)


def _header(r: dict) -> list[str]:
    s = r["snapshot"]
    lines = [f"Snapshot   {s['spec']}  ({count_of(s['files'], 'Parquet file')}, "
             f"{count_of(s['rows'], 'row')})",
             f"Root       {', '.join(s['roots']) or '(unknown)'}"
             f"   host {', '.join(s['hosts']) or '?'}   started {s['started_at'] or '?'}",
             f"Ages from  {s['as_of_iso']} ({s['as_of_source']})"]
    if len(s["roots"]) > 1:
        lines.append("WARNING: the files come from scans of different roots")
    if s["root_rows"] > 1:
        lines.append(f"WARNING: {s['root_rows']} scan roots: the files come from overlapping "
                     "scans, whose shared entries are counted more than once")
    for m in s["manifests"]:
        if not m["completed"]:
            lines.append(f"INCOMPLETE: {m['path']} says completed=false "
                         f"({thousands(m['pending_dirs'])} directories pending); the figures "
                         "cover only what was published so far")
    return lines


def _totals(r: dict) -> list[str]:
    c, t, h = r["counts"], r["totals"], r["hard_links"]
    lines = [f"Entries    {thousands(c['entries'])}: {thousands(c['files'])} files, "
             f"{thousands(c['directories'])} directories, {thousands(c['symlinks'])} symlinks, "
             f"{thousands(c['other'])} other",
             f"Apparent   {human_bytes(t['apparent'])} ({thousands(t['apparent'])} bytes)",
             f"Allocated  {human_bytes(t['allocated'])} ({thousands(t['allocated'])} bytes)"
             "  = du -s at scan time"]
    if h["files"]:
        lines.append(f"Hard links {thousands(h['files'])} files have {thousands(h['extra_paths'])}"
                     f" extra paths, counted once; counting every path would add "
                     f"{human_bytes(h['extra_allocated'])} allocated")
    return lines


def _space(r: dict) -> list[str]:
    sp = r["space"]
    rows = [["file contents (apparent size of regular files)", "",
             human_bytes(sp["file_contents"]), ""]]
    for item in sp["explanation"]:
        label = REASONS[item["reason"]].format(threshold=sp["small_file_threshold"])
        rows.append([_sign(item) + label, thousands(item["entries"]),
                     human_bytes(abs(item["bytes"])), percent(item["share"])])
    total = r["du"]["allocated"] if r["du"] else sp["allocated"]
    rows.append(["= " + ("du -s now" if r["du"] else "allocated (du -s at scan time)"), "",
                 human_bytes(total), ""])
    return (["Where the space goes (from file contents to du)"] +
            table(["", "entries", "bytes", "share"], rows) +
            [f"  mean file size {human_bytes(sp['mean_file_size'])}, median about "
             f"{human_bytes(sp['approx_median_file_size'])}: the smaller the files, the larger "
             "the gap"])


def _sign(item: dict) -> str:
    return "- " if item["bytes"] < 0 or item["reason"] == "below_size" else "+ "


def _du(r: dict) -> list[str]:
    du = r["du"]
    if not du:
        return []
    note = ([f"  note: {du['path']} is not the scanned root "
             f"({', '.join(r['snapshot']['roots'])})"]
            if os.path.realpath(du["path"]) not in r["snapshot"]["roots"] else [])
    title = f"du comparison ({du['path']}{', -x' if du['one_file_system'] else ''})"
    return [title] + note + table(
        ["", "du now", "snapshot", "difference"],
        [["allocated (du -s)", human_bytes(du["allocated"]), human_bytes(r["totals"]["allocated"]),
          signed_bytes(du["allocated_difference"])],
         ["apparent (du --apparent-size)", human_bytes(du["apparent"]),
          human_bytes(r["totals"]["apparent"]), signed_bytes(du["apparent_difference"])]]) + (
        [f"  du met {du['errors']} errors (unreadable entries)"] if du["errors"] else [])


def _types(r: dict) -> list[str]:
    t = r["types"]
    rows = [[x["type"] or "(none)", thousands(x["count"]), human_bytes(x["apparent"]),
             human_bytes(x["allocated"])] for x in t["top"]]
    if t["others"]["types"]:
        rows.append([f"({t['others']['types']} more)", thousands(t["others"]["count"]),
                     human_bytes(t["others"]["apparent"]), human_bytes(t["others"]["allocated"])])
    return ["Types (extension, or the kind of a non-file)"] + table(
        ["type", "count", "apparent", "allocated"], rows)


def _largest_files(r: dict) -> list[str]:
    rows = [[human_bytes(f["size"]), human_bytes(f["allocated"]), f["owner"], f["path"]]
            for f in r["largest_files"]]
    return ["Largest files"] + table(["size", "allocated", "owner", "path"], rows, {0, 1})


def _largest_dirs(r: dict) -> list[str]:
    rows = [[human_bytes(d["allocated"]), human_bytes(d["apparent"]), thousands(d["entries"]),
             d["path"]] for d in r["largest_directories"]]
    return ["Largest directories (whole subtree, as du -s)"] + table(
        ["allocated", "apparent", "entries", "path"], rows, {0, 1, 2})


def _top_level(r: dict) -> list[str]:
    t = r["top_level"]
    rows = [[x["name"] + ("/" if x["kind"] == "directory" else ""), thousands(x["entries"]),
             human_bytes(x["apparent"]), human_bytes(x["allocated"])] for x in t["top"]]
    if t["others"]["names"]:
        rows.append([f"({t['others']['names']} more)", thousands(t["others"]["entries"]),
                     human_bytes(t["others"]["apparent"]), human_bytes(t["others"]["allocated"])])
    return ["By top-level directory (as du -s)"] + table(
        ["name", "entries", "apparent", "allocated"], rows)


def _by_id(title: str, section: dict, id_key: str, name_key: str) -> list[str]:
    rows = [[x[name_key], x[id_key], thousands(x["files"]), human_bytes(x["apparent"]),
             human_bytes(x["allocated"])] for x in section["top"]]
    if section["others"]["ids"]:
        o = section["others"]
        rows.append([f"({o['ids']} more)", "", thousands(o["files"]), human_bytes(o["apparent"]),
                     human_bytes(o["allocated"])])
    return [title] + table([name_key, id_key, "files", "apparent", "allocated"], rows)


def _owners(r: dict) -> list[str]:
    return _by_id("By owner", r["owners"], "uid", "owner")


def _groups(r: dict) -> list[str]:
    return _by_id("By group", r["groups"], "gid", "group")


def _ages(r: dict) -> list[str]:
    rows = [[m["bucket"], thousands(m["files"]), human_bytes(m["allocated"]),
             thousands(a["files"]), human_bytes(a["allocated"])]
            for m, a in zip(r["age"]["mtime"], r["age"]["atime"])]
    return [f"Age of regular files (before {r['snapshot']['as_of_iso']})"] + table(
        ["age", "files by mtime", "allocated", "files by atime", "allocated"], rows)


def _errors(r: dict) -> list[str]:
    e = r["errors"]
    if not e["sidecars"]:
        return ["Errors     no sidecar (STEM_errors.jsonl) found: what the scan missed is unknown"]
    if not e["total"]:
        return ["Errors     none: the scan read every entry"]
    lines = [f"Errors     {thousands(e['total'])} entries the snapshot does not cover "
             f"({thousands(e['unlisted_directories'])} directories could not be listed)"]
    lines += table(["op", "errno", "error", "count"],
                   [[x["op"], x["errno"], x["error"], thousands(x["count"])]
                    for x in e["by_error"]], {1, 3})
    lines += ["  directories with the most errors:"]
    lines += table(["count", "path"], [[thousands(x["count"]), x["path"]]
                                       for x in e["top_directories"]], {0})
    return lines
