"""Headless Chromium for the HTML report: the rendered DOM, and the requests the page made.

Chromium itself phones home (updates, time, accounts) whatever the flags; those requests
carry initiator 'not an origin' in the net log. A page opened from file:// has an opaque
origin, so whatever *it* requests carries initiator 'null': that is what page_requests lists.
Name resolution is mapped to nothing, so even a broken page cannot reach the network.
"""
import html.parser
import json
import pathlib
import shutil
import subprocess
import tempfile

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--host-resolver-rules=MAP * ~NOTFOUND"]


def find_chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def render(page: pathlib.Path) -> tuple[str, list[str]]:
    """(DOM after load, URLs the page requested besides itself)."""
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        netlog = pathlib.Path(profile) / "netlog.json"
        proc = subprocess.run(
            [find_chromium(), *FLAGS, f"--user-data-dir={profile}/data",
             f"--log-net-log={netlog}", "--dump-dom", page.resolve().as_uri()],
            capture_output=True, text=True, timeout=120)
        if proc.returncode != 0 or not proc.stdout.strip():
            raise AssertionError(f"chromium failed ({proc.returncode}): {proc.stderr[-2000:]}")
        return proc.stdout, _page_requests(json.loads(netlog.read_text()))


def _page_requests(log: dict) -> list[str]:
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        url = params.get("url")  # the job's end event has none
        if names.get(event["type"]) != "URL_REQUEST_START_JOB" or not url:
            continue
        if params.get("initiator") == "not an origin" or url.startswith("file:"):
            continue
        urls.append(url)
    return urls


class ReportDom(html.parser.HTMLParser):
    """The numbers of the page, by its data-* contract (docs/analysis.md, "HTML")."""

    def __init__(self, dom: str):
        super().__init__()
        self.metrics: dict[str, str] = {}
        self.tables: dict[str, dict[str, dict[str, str]]] = {}
        self.others: dict[str, dict[str, str]] = {}
        self.bars: dict[str, dict[str, str]] = {}
        self.tiles: dict[str, dict[str, str]] = {}
        self.resource_attributes: list[tuple[str, str, str]] = []
        self.tags: set[str] = set()
        self._table = self._row = None
        self.feed(dom)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        for name in ("src", "href", "srcset", "poster", "data", "action"):
            if name in a:
                self.resource_attributes.append((tag, name, a[name]))
        if "data-metric" in a:
            self.metrics[a["data-metric"]] = a["data-value"]
        if tag == "table" and "data-section" in a:
            self._table = a["data-section"]
            self.tables[self._table] = {}
        elif tag == "tr" and self._table:
            if "data-others" in a:
                self._row = self.others.setdefault(self._table, {})
            elif "data-key" in a:
                self._row = self.tables[self._table].setdefault(a["data-key"], {})
            else:
                self._row = None
        elif tag == "td" and self._row is not None and "data-field" in a:
            self._row[a["data-field"]] = a["data-value"]
        elif tag == "g" and "data-chart" in a:
            self.bars.setdefault(a["data-chart"], {})[a["data-key"]] = a["data-value"]
        elif tag == "rect" and "data-path" in a:
            self.tiles[a["data-path"]] = a

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = self._row = None
