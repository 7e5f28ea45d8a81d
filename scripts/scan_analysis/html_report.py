"""The report as ONE self-contained HTML page: inline CSS and SVG, no script, no network.

A Content-Security-Policy of default-src 'none' makes the browser refuse any resource the
page might name, so it opens the same on an air-gapped cluster as on a laptop.

Machine-readable (docs/analysis.md, "HTML"):
  <* data-metric="counts.files" data-value="47138">      a scalar of the JSON, by its key path
  <table data-section="owners">                           a list of the JSON; each row
    <tr data-key="1001"> <td data-field="allocated" data-value="...">
    <tr data-others> ...                                  the "others" line of a top-N list
  <g data-chart="owners" data-key="..." data-value="...">  a bar as drawn
  <rect data-path="/x/y" data-allocated="...">             a treemap tile
  <script type="application/json" id="analysis-data">     the whole JSON report
"""
from __future__ import annotations

import json
from html import escape

from . import charts, rollup
from .du_compare import REASONS
from .engine import Engine
from .units import count_of, human_bytes, percent, thousands

# Tiles below this share of the total are not drawn (their bytes stay in the parent's tile).
TREEMAP_MIN_SHARE = 1 / 400

CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#222}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:6px 0}td,th{padding:2px 10px;text-align:right}
td:first-child,th:first-child,td.path{text-align:left}tr:nth-child(even){background:#f6f6f6}
td.path{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
.meta{color:#555}.banner{background:#fde2e1;border:1px solid #e0a09c;padding:8px 12px;margin:10px 0}
svg text{font:12px system-ui,sans-serif;fill:#222}.grid{display:flex;flex-wrap:wrap;gap:24px}
"""


def treemap_input(engine: Engine, report: dict) -> list[dict]:
    """The directories the treemap draws: the root and, down to depth 3, those holding at
    least TREEMAP_MIN_SHARE of the allocated total."""
    total = report["totals"]["allocated"]
    return rollup.treemap_nodes(engine, max(1, int(total * TREEMAP_MIN_SHARE)))


def metric(key: str, value, text: str | None = None, tag: str = "td") -> str:
    shown = text if text is not None else (thousands(value) if isinstance(value, int) else value)
    return (f'<{tag} data-metric="{escape(key)}" data-value="{escape(str(value))}">'
            f"{escape(str(shown))}</{tag}>")


def cell(field: str, value, text: str | None = None, cls: str = "") -> str:
    shown = text if text is not None else ("" if value is None else str(value))
    raw = "" if value is None else str(value)
    klass = f' class="{cls}"' if cls else ""
    return (f'<td data-field="{field}" data-value="{escape(raw)}"{klass}>'
            f"{escape(shown)}</td>")


def size_cell(field: str, value: int) -> str:
    return cell(field, value, human_bytes(value))


def list_table(section: str, headers: list[str], rows: list[tuple[str, list[str]]],
               others: list[str] | None = None) -> str:
    """rows: (data-key, cells); `others` the cells of the "and the rest" line."""
    body = "".join(f'<tr data-key="{escape(key)}">{"".join(cells)}</tr>' for key, cells in rows)
    if others:
        body += f'<tr data-others>{"".join(others)}</tr>'
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    return f'<table data-section="{section}"><tr>{head}</tr>{body}</table>'


def render(report: dict, treemap_nodes: list[dict]) -> str:
    s = report["snapshot"]
    title = "Storage snapshot: " + (", ".join(s["roots"]) or s["spec"])
    parts = [_header(report), _summary(report), _space(report), _charts(report),
             _treemap(treemap_nodes), _types(report), _largest(report), _top_level(report),
             _owners(report, "owners", "uid", "owner"), _owners(report, "groups", "gid", "group"),
             _ages(report), _errors(report)]
    data = json.dumps(report).replace("</", "<\\/")
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'\">"
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
            + "".join(parts) +
            f'<script type="application/json" id="analysis-data">{data}</script>'
            "</body></html>\n")


def _header(r: dict) -> str:
    s = r["snapshot"]
    out = [f"<h1>{escape(', '.join(s['roots']) or s['spec'])}</h1>",
           f'<p class="meta">snapshot {escape(s["spec"])} &middot; '
           f'{count_of(s["files"], "Parquet file")} &middot; '
           f'host {escape(", ".join(s["hosts"]) or "?")} &middot; '
           f'started {escape(s["started_at"] or "?")} &middot; ages counted from '
           f'<span data-metric="snapshot.as_of" data-value="{s["as_of"]}">'
           f'{escape(s["as_of_iso"])}</span> ({escape(s["as_of_source"])})</p>',
           f'<p hidden data-metric="snapshot.completed" '
           f'data-value="{str(s["completed"]).lower()}"></p>']
    if s["root_rows"] > 1:
        count = metric("snapshot.root_rows", s["root_rows"], None, "b")
        out.append(f'<div class="banner">{count} scan roots: the files come from overlapping '
                   "scans, whose shared entries are counted more than once.</div>")
    for m in s["manifests"]:
        if not m["completed"]:
            out.append(f'<div class="banner" data-incomplete="{escape(m["path"])}"><b>Incomplete '
                       f'snapshot.</b> {escape(m["path"])} says completed=false '
                       f'({thousands(m["pending_dirs"])} directories pending): these figures '
                       "cover only what was published so far.</div>")
    return "".join(out)


def _summary(r: dict) -> str:
    c, t, h = r["counts"], r["totals"], r["hard_links"]
    rows = [("entries (hard links once)", metric("counts.entries", c["entries"])),
            ("regular files", metric("counts.files", c["files"])),
            ("directories", metric("counts.directories", c["directories"])),
            ("symlinks", metric("counts.symlinks", c["symlinks"])),
            ("other (FIFOs, sockets, devices)", metric("counts.other", c["other"])),
            ("rows in the snapshot", metric("snapshot.rows", r["snapshot"]["rows"])),
            ("apparent size (sum of sizes)",
             metric("totals.apparent", t["apparent"], human_bytes(t["apparent"]))),
            ("allocated (du -s at scan time)",
             metric("totals.allocated", t["allocated"], human_bytes(t["allocated"]))),
            ("hard-linked files", metric("hard_links.files", h["files"])),
            ("their extra paths", metric("hard_links.extra_paths", h["extra_paths"])),
            ("allocated bytes a naive sum would add",
             metric("hard_links.extra_allocated", h["extra_allocated"],
                    human_bytes(h["extra_allocated"])))]
    body = "".join(f"<tr><td>{escape(label)}</td>{value}</tr>" for label, value in rows)
    return f"<h2>Summary</h2><table>{body}</table>"


def bytes_metric(key: str, value: int | float, tag: str = "td") -> str:
    return metric(key, value, human_bytes(value), tag)


def _space(r: dict) -> str:
    sp, du = r["space"], r["du"]
    rows = ["<tr><td>file contents (apparent size of regular files)</td><td></td>"
            f'{bytes_metric("space.file_contents", sp["file_contents"])}<td></td></tr>']
    for item in sp["explanation"]:
        label = REASONS[item["reason"]].format(threshold=sp["small_file_threshold"])
        sign = "&minus; " if item["bytes"] < 0 or item["reason"] == "below_size" else "+ "
        rows.append(f'<tr data-key="{item["reason"]}"><td>{sign}{escape(label)}</td>'
                    f'{cell("entries", item["entries"], thousands(item["entries"]))}'
                    f'{cell("bytes", item["bytes"], human_bytes(abs(item["bytes"])))}'
                    f'{cell("share", item["share"], percent(item["share"]))}'
                    "</tr>")
    end = (bytes_metric("du.allocated", du["allocated"]) if du else
           bytes_metric("space.allocated", sp["allocated"]))
    rows.append(f'<tr><td>= {"du -s now" if du else "allocated (du -s at scan time)"}</td>'
                f"<td></td>{end}<td></td></tr>")
    out = ["<h2>Where the space goes: from file contents to du</h2>",
           '<table data-section="space.explanation"><tr><th></th><th>entries</th><th>bytes</th>'
           f'<th>share</th></tr>{"".join(rows)}</table>',
           f'<p>Mean file size {bytes_metric("space.mean_file_size", sp["mean_file_size"], "span")}'
           ", median about "
           f'{bytes_metric("space.approx_median_file_size", sp["approx_median_file_size"], "span")}'
           ". Many small files make a large gap; a few large files a small one.</p>"]
    if du:
        out.append(
            f"<p>du run on {escape(du['path'])}: allocated "
            f"{bytes_metric('du.allocated_difference', du['allocated_difference'], 'span')}"
            " and apparent "
            f"{bytes_metric('du.apparent_difference', du['apparent_difference'], 'span')}"
            " away from the snapshot (du --apparent-size "
            f"{bytes_metric('du.apparent', du['apparent'], 'span')}; "
            f"{metric('du.errors', du['errors'], None, 'span')} du errors).</p>")
    return "".join(out)


def _charts(r: dict) -> str:
    top = [(x["name"], x["name"] + ("/" if x["kind"] == "directory" else ""), x["allocated"])
           for x in r["top_level"]["top"]]
    owners = [(str(x["uid"]), x["owner"], x["allocated"]) for x in r["owners"]["top"]]
    types = [(x["type"], x["type"] or "(no extension)", x["allocated"])
             for x in r["types"]["top"][:12]]
    return ('<h2>Charts (allocated bytes)</h2><div class="grid">'
            f"<div><h3>By top-level directory</h3>{charts.bar_chart('top_level', top)}</div>"
            f"<div><h3>By owner</h3>{charts.bar_chart('owners', owners)}</div>"
            f"<div><h3>Type mix</h3>{charts.bar_chart('types', types)}</div>"
            "<div><h3>Age of regular files</h3>"
            f"{charts.age_histogram(r['age']['mtime'], r['age']['atime'])}</div></div>")


def _treemap(nodes: list[dict]) -> str:
    return ("<h2>Largest directories: treemap</h2><p>Area is allocated bytes (du -s) of each "
            "directory down to depth 3; hover for the path.</p>" + charts.treemap(nodes))


def _types(r: dict) -> str:
    t = r["types"]
    rows = [(x["type"], [cell("type", x["type"], x["type"] or "(no extension)"),
                         cell("count", x["count"], thousands(x["count"])),
                         size_cell("apparent", x["apparent"]),
                         size_cell("allocated", x["allocated"])]) for x in t["top"]]
    o = t["others"]
    others = [cell("types", o["types"], f"({o['types']} more)"),
              cell("count", o["count"], thousands(o["count"])),
              size_cell("apparent", o["apparent"]), size_cell("allocated", o["allocated"])]
    return "<h2>Types</h2>" + list_table("types", ["type", "count", "apparent", "allocated"],
                                         rows, others)


def _largest(r: dict) -> str:
    files = [(f["path"], [cell("path", f["path"], cls="path"), size_cell("size", f["size"]),
                          size_cell("allocated", f["allocated"]),
                          cell("owner", f["owner"])]) for f in r["largest_files"]]
    dirs = [(d["path"], [cell("path", d["path"], cls="path"),
                         cell("entries", d["entries"], thousands(d["entries"])),
                         size_cell("apparent", d["apparent"]),
                         size_cell("allocated", d["allocated"])])
            for d in r["largest_directories"]]
    return ("<h2>Largest files</h2>" +
            list_table("largest_files", ["path", "size", "allocated", "owner"], files) +
            "<h2>Largest directories (whole subtree, as du -s)</h2>" +
            list_table("largest_directories", ["path", "entries", "apparent", "allocated"], dirs))


def _top_level(r: dict) -> str:
    t = r["top_level"]
    rows = [(x["name"], [cell("name", x["name"], x["name"] + ("/" if x["kind"] == "directory"
                                                              else ""), "path"),
                         cell("entries", x["entries"], thousands(x["entries"])),
                         size_cell("apparent", x["apparent"]),
                         size_cell("allocated", x["allocated"])]) for x in t["top"]]
    o = t["others"]
    others = [cell("names", o["names"], f"({o['names']} more)"),
              cell("entries", o["entries"], thousands(o["entries"])),
              size_cell("apparent", o["apparent"]), size_cell("allocated", o["allocated"])]
    return ("<h2>By top-level directory (as du -s)</h2>" +
            list_table("top_level", ["name", "entries", "apparent", "allocated"], rows, others))


def _owners(r: dict, section: str, id_key: str, name_key: str) -> str:
    t = r[section]
    rows = [(str(x[id_key]), [cell(name_key, x[name_key]), cell(id_key, x[id_key]),
                              cell("files", x["files"], thousands(x["files"])),
                              cell("count", x["count"], thousands(x["count"])),
                              size_cell("apparent", x["apparent"]),
                              size_cell("allocated", x["allocated"])]) for x in t["top"]]
    o = t["others"]
    others = [cell("ids", o["ids"], f"({o['ids']} more)"), "<td></td>",
              cell("files", o["files"], thousands(o["files"])),
              cell("count", o["count"], thousands(o["count"])),
              size_cell("apparent", o["apparent"]), size_cell("allocated", o["allocated"])]
    return (f"<h2>By {name_key}</h2>" +
            list_table(section, [name_key, id_key, "files", "entries", "apparent", "allocated"],
                       rows, others))


def _ages(r: dict) -> str:
    as_of = escape(r["snapshot"]["as_of_iso"])
    out = [f"<h2>Age of regular files (counted back from {as_of})</h2>"]
    for column, label in (("mtime", "last modified"), ("atime", "last accessed")):
        rows = [(b["bucket"], [cell("bucket", b["bucket"]),
                               cell("files", b["files"], thousands(b["files"])),
                               size_cell("apparent", b["apparent"]),
                               size_cell("allocated", b["allocated"])])
                for b in r["age"][column]]
        out.append(f"<h3>By {label} ({column})</h3>" +
                   list_table(f"age.{column}", ["age", "files", "apparent", "allocated"], rows))
    return "".join(out)


def _errors(r: dict) -> str:
    e = r["errors"]
    head = (f'<h2>What the snapshot does not cover</h2><p>'
            f'{metric("errors.total", e["total"], None, "span")} entries could not be read; '
            f'{metric("errors.unlisted_directories", e["unlisted_directories"], None, "span")}'
            " directories could not be listed (their contents are missing). Sidecars: "
            f'{escape(", ".join(e["sidecars"]) or "none found")}.</p>')
    by_error = [(f'{x["op"]}:{x["errno"]}', [cell("op", x["op"]), cell("errno", x["errno"]),
                                             cell("error", x["error"]),
                                             cell("count", x["count"], thousands(x["count"]))])
                for x in e["by_error"]]
    dirs = [(x["path"], [cell("path", x["path"], cls="path"),
                         cell("count", x["count"], thousands(x["count"]))])
            for x in e["top_directories"]]
    return (head + list_table("errors.by_error", ["op", "errno", "error", "count"], by_error) +
            "<h3>Directories with the most errors</h3>" +
            list_table("errors.top_directories", ["path", "count"], dirs))
