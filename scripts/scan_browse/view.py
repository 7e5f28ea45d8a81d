"""What the browser shows, without curses: the state (directory, cursor, sort order) and the
screen as lines of styled text, so that everything but the drawing is testable as plain
Python and the curses loop (tui.py) only paints and reads keys.

Screen (80x24 and up; columns drop out right to left on narrower terminals):

   storage-scanner browse  lab (scanned 2026-11-01)                 read-only   header
  --- /project/lab/proj_01 ---------------------------------------------------   path
       Disk  Apparent  Files Modified   Owner    Usage        Name              headings
    1.2 TiB   1.0 TiB  12.3M 2026-10-30 alice    [##########]  data/            rows
  ...
   Total disk 1.3 TiB  apparent 1.1 TiB  files 13.0M         sorted: disk v   footer

A directory's figures are its whole subtree's, as du -s counts them (hard links once); a
file's are its own. The bar is the row's share of the largest row of the listing.

Parts, in order: formatting (format_size, format_count, format_time, bar, shorten,
printable, flag); the columns (COLUMNS, DROP_ORDER, cell, sort_key); BrowserState, whose
methods are grouped as data (listings cached per directory, files arriving late), actions
(go, enter, up, move, set_sort, jump, complete) and screen (layout and lines); resolve_path.
"""
from __future__ import annotations

import dataclasses
import time

from .tree import FILES_SHOWN, MORE, PENDING, Entry, SnapshotTree

# Sort keys: (column, default order largest/newest first?)
SORTS = {"disk": True, "apparent": True, "files": True, "mtime": True, "owner": False,
         "name": False}
SORT_TITLES = {"disk": "disk usage", "apparent": "apparent size", "files": "file count",
               "mtime": "modification time", "owner": "owner", "name": "name"}

# How many directories' file listings are kept in memory (each up to FILES_SHOWN entries).
KEEP_LISTINGS = 32

# Styles the drawing maps to colours or attributes (tui.py).
HEADER, PATH, HEADING, ROW, DIR_ROW, SELECTED, BAR, FOOTER, MESSAGE = (
    "header", "path", "heading", "row", "dir", "selected", "bar", "footer", "message")

_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")


def format_size(n: int, exact: bool = False) -> str:
    """'999 B', '1.0 KiB' ... at most 9 characters, as ncdu prints them; exact: '1,234,567'."""
    if exact:
        return f"{n:,}"
    value, unit = float(n), 0
    while value >= 1000 and unit < len(_UNITS) - 1:
        value /= 1024
        unit += 1
    return f"{int(value)} B" if unit == 0 else f"{value:.1f} {_UNITS[unit]}"


def format_count(n: int, exact: bool = False) -> str:
    """'12345', '123.4k', '12.3M' (at most 6 characters); exact: '1,234,567'."""
    if exact or n < 100_000:
        return f"{n:,}" if exact else str(n)
    for div, suffix in ((1e3, "k"), (1e6, "M"), (1e9, "G")):
        if n / div < 1000:
            return f"{n / div:.1f}{suffix}" if n / div < 100 else f"{n / div:.0f}{suffix}"
    return f"{n / 1e12:.0f}T"


def format_time(t: int | None) -> str:
    if t is None:
        return ""
    try:
        return time.strftime("%Y-%m-%d", time.localtime(t))
    except (OverflowError, OSError, ValueError):
        return "?"


def bar(fraction: float, width: int) -> str:
    inner = max(0, width - 2)
    filled = min(inner, max(0, round(fraction * inner)))
    return "[" + "#" * filled + " " * (inner - filled) + "]"


def shorten(text: str, width: int) -> str:
    """`text` in `width` columns, cut in the middle as ncdu does: 'very_lo...name.txt'."""
    if len(text) <= width:
        return text
    if width <= 3:
        return text[:width]
    head = (width - 3 + 1) // 2
    return text[:head] + "..." + text[len(text) - (width - 3 - head):]


def printable(text: str) -> str:
    """`text` with every character a terminal would act on (a newline or an escape in a file
    name: any byte but '/' and NUL may be in one) shown as '?'."""
    return text if text.isprintable() else "".join(c if c.isprintable() else "?" for c in text)


def flag(entry: Entry) -> str:
    """ncdu's flag column: H a hard link (counted once), @ not a regular file or directory,
    e an empty directory, ' ' otherwise."""
    if entry.kind in (PENDING, MORE):
        return " "
    if entry.is_dir:
        return "e" if entry.entries <= 1 else " "
    if entry.hard_link:
        return "H"
    return " " if entry.kind == "file" else "@"


@dataclasses.dataclass
class Column:
    key: str
    title: str
    width: int          # before --bytes widening
    right: bool         # right-aligned


# Left to right; on a narrow terminal they are dropped in the order of DROP_ORDER.
COLUMNS = (Column("disk", "Disk", 9, True), Column("apparent", "Apparent", 9, True),
           Column("files", "Files", 6, True), Column("mtime", "Modified", 10, False),
           Column("owner", "Owner", 8, False), Column("bar", "Usage", 12, False))
DROP_ORDER = ("owner", "mtime", "apparent", "bar", "files")
MIN_NAME = 16


def cell(entry: Entry, key: str, exact: bool) -> str:
    if key == "disk":
        return format_size(entry.allocated, exact)
    if key == "apparent":
        return format_size(entry.apparent, exact)
    if key == "files":
        return format_count(entry.files, exact)
    if key == "mtime":
        return format_time(entry.newest_mtime)
    if key == "owner":
        return printable(entry.owner)
    raise KeyError(key)


def sort_key(key: str):
    if key == "disk":
        return lambda e: (e.allocated, e.apparent)
    if key == "apparent":
        return lambda e: (e.apparent, e.allocated)
    if key == "files":
        return lambda e: (e.files, e.entries)
    if key == "mtime":
        return lambda e: e.newest_mtime or 0
    if key == "owner":
        return lambda e: e.owner.lower()
    return lambda e: e.name


class BrowserState:
    """The browser's state over one SnapshotTree. Listings are cached per directory; the
    files of a directory arrive later (add_files) when the tree lists them in the background.
    """

    def __init__(self, tree: SnapshotTree, start: str | None = None, exact: bool = False):
        self.tree = tree
        self.exact = exact
        self.sort = "disk"
        self.descending = True
        self.cwd = tree.root
        self.cursor = 0
        self.top = 0
        self.message = ""
        self.listing_files = False   # the current directory's files are still being listed
        self._dirs: dict[str, Entry | None] = {}
        self._subdirs: dict[str, list[Entry]] = {}
        self._files: dict[str, list[Entry]] = {}
        self._entries: list[Entry] = []
        if not (start and self.go(start)):
            self.go(tree.root)

    # --- data ---------------------------------------------------------------------------

    def directory(self, path: str) -> Entry | None:
        if path not in self._dirs:
            self._dirs[path] = self.tree.directory(path)
        return self._dirs[path]

    def files_wanted(self) -> str | None:
        """The directory whose files should be listed next (the current one), or None."""
        d = self.directory(self.cwd)
        if self.cwd in self._files or d is None or self.tree.pending_files(d) is None or \
                not self.tree.files_available:
            return None
        return self.cwd

    def add_files(self, path: str, files: list[Entry]) -> None:
        self._files[path] = files
        # Listings of the directories visited last are kept; older ones are read again.
        while len(self._files) > KEEP_LISTINGS:
            oldest = next(p for p in self._files if p != path)
            del self._files[oldest]
        if path == self.cwd:
            self._relist(keep=self.selected())

    @property
    def entries(self) -> list[Entry]:
        return self._entries

    def selected(self) -> Entry | None:
        return self._entries[self.cursor] if self._entries else None

    def _relist(self, keep: Entry | None = None, keep_name: str | None = None) -> None:
        path = self.cwd
        if path not in self._subdirs:
            self._subdirs[path] = self.tree.subdirectories(path)
        entries = list(self._subdirs[path])
        if path in self._files:
            entries += self._files[path]
        else:
            pending = self.tree.pending_files(self.directory(path)) if self.directory(path) \
                else None
            if pending:
                entries.append(pending)
        self.listing_files = path not in self._files and any(e.kind == PENDING
                                                             for e in entries) \
            and self.tree.files_available
        key = sort_key(self.sort)
        # Ties (and the whole listing for name and owner) in name order; the main key's order
        # as chosen.
        entries.sort(key=lambda e: e.name)
        entries.sort(key=key, reverse=self.descending)
        self._entries = entries
        name = keep.name if keep else keep_name
        index = next((i for i, e in enumerate(entries) if e.name == name), None)
        self.cursor = index if index is not None else min(self.cursor, max(0, len(entries) - 1))

    # --- actions ------------------------------------------------------------------------

    def go(self, path: str, select: str | None = None) -> bool:
        """Shows directory `path` with the cursor on `select` (a name), or its first entry."""
        if self.directory(path) is None:
            self.message = f"not a directory in this snapshot: {path}"
            return False
        self.cwd, self.cursor, self.top = path, 0, 0
        self._relist(keep_name=select)
        return True

    def enter(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        if entry.is_dir:
            self.go(entry.path)
        elif entry.kind == PENDING:
            self.message = "the files of this directory are still being listed"
        elif entry.kind == MORE:
            self.message = (f"only the {FILES_SHOWN:,} largest files and directories of a "
                            "directory are listed one by one (/ jumps to any)")
        else:
            self.message = f"{entry.name} is not a directory"

    def up(self) -> None:
        if self.cwd == self.tree.root:
            self.message = "already at the top of the snapshot"
            return
        child = self.cwd
        parent = child.rsplit("/", 1)[0] or "/"
        self.go(parent, select=child.rsplit("/", 1)[1])

    def move(self, delta: int) -> None:
        if self._entries:
            self.cursor = max(0, min(len(self._entries) - 1, self.cursor + delta))

    def home(self) -> None:
        self.cursor = 0

    def end(self) -> None:
        self.cursor = max(0, len(self._entries) - 1)

    def set_sort(self, key: str) -> None:
        """Sorts by `key`; choosing the current key again reverses the order."""
        if key == self.sort:
            self.descending = not self.descending
        else:
            self.sort, self.descending = key, SORTS[key]
        self._relist(keep=self.selected())

    def toggle_exact(self) -> None:
        self.exact = not self.exact

    def jump(self, text: str) -> bool:
        """Goes to a path typed by the user: absolute, or relative to the current directory;
        a file is shown selected in its directory."""
        path = resolve_path(self.cwd, text)
        if not path:
            return False
        if self.directory(path) is not None:
            return self.go(path)
        parent, _, name = path.rpartition("/")
        parent = parent or "/"
        if self.directory(parent) is not None:
            if any(e.name == name for e in self.tree.subdirectories(parent)) or \
                    any(e.name == name for e in self._files_now(parent)):
                return self.go(parent, select=name)
        self.message = f"no such entry in this snapshot: {path}"
        return False

    def _files_now(self, path: str) -> list[Entry]:
        if not self.tree.files_available:
            return []
        if path not in self._files:
            self.add_files(path, self.tree.files(path))
        return self._files[path]

    def complete(self, text: str) -> str:
        """Tab completion of a directory path typed at the jump prompt."""
        base = resolve_path(self.cwd, text.rpartition("/")[0] or ("/" if text.startswith("/")
                                                                   else "."))
        prefix = text.rpartition("/")[2]
        names = self.tree.complete(base, prefix) if base else []
        if not names:
            return text
        common = names[0]
        for n in names[1:]:
            while not n.startswith(common):
                common = common[:-1]
        head = text[: len(text) - len(prefix)]
        return head + common + ("/" if len(names) == 1 else "")

    # --- screen -------------------------------------------------------------------------

    def screen(self, width: int, height: int, title: str) -> list[list[tuple[str, str]]]:
        """The whole screen: `height` lines of (text, style) segments, each line exactly
        `width` characters."""
        width, height = max(width, 20), max(height, 5)
        columns, name_width = self._layout(width)
        lines = [[(_fit(printable(f" storage-scanner browse  {title}"), width - 11) + " read-only ",
                   HEADER)]]
        lines.append([(_fit(f"--- {printable(self.cwd)} ", width, fill="-"), PATH)])
        lines.append([(self._headings(columns, name_width, width), HEADING)])
        rows = height - 4
        self._scroll(rows)
        largest = max((e.allocated for e in self._entries), default=0) or 1
        for i in range(self.top, min(len(self._entries), self.top + rows)):
            e = self._entries[i]
            style = SELECTED if i == self.cursor else (DIR_ROW if e.is_dir else ROW)
            lines.append(self._row(e, columns, name_width, width, largest, style))
        if not self._entries:
            lines.append([(_fit("  (empty directory)", width), ROW)])
        while len(lines) < height - 1:
            lines.append([(" " * width, ROW)])
        lines.append([(self._footer(width), MESSAGE if self.message else FOOTER)])
        return lines

    def _widths(self) -> dict[str, int]:
        widths = {c.key: c.width for c in COLUMNS}
        if self.exact:
            for key in ("disk", "apparent", "files"):
                cells = [cell(e, key, True) for e in self._entries]
                widths[key] = max([widths[key]] + [len(c) for c in cells])
        return widths

    def _layout(self, width: int) -> tuple[list[tuple[Column, int]], int]:
        widths = self._widths()
        shown = [c for c in COLUMNS]
        for drop in DROP_ORDER:
            used = sum(widths[c.key] + 1 for c in shown) + 2
            if width - used >= MIN_NAME:
                break
            shown = [c for c in shown if c.key != drop]
        used = sum(widths[c.key] + 1 for c in shown) + 2
        return [(c, widths[c.key]) for c in shown], max(1, width - used)

    def _headings(self, columns, name_width: int, width: int) -> str:
        parts = []
        for c, w in columns:
            title = c.title + (" " + ("v" if self.descending else "^") if c.key == self.sort
                               else "")
            parts.append(title.rjust(w) if c.right else title.ljust(w))
        name = "Name" + (" " + ("v" if self.descending else "^") if self.sort == "name" else "")
        return _fit(" ".join(parts) + "  " + name, width)

    def _row(self, e: Entry, columns, name_width: int, width: int, largest: int,
             style: str) -> list[tuple[str, str]]:
        segments = []
        for c, w in columns:
            if c.key == "bar":
                segments.append((bar(e.allocated / largest, w) + " ", BAR if style != SELECTED
                                 else SELECTED))
                continue
            text = shorten(cell(e, c.key, self.exact), w)
            segments.append(((text.rjust(w) if c.right else text.ljust(w)) + " ", style))
        name = printable(e.name) + ("/" if e.is_dir else "")
        segments.append((flag(e) + " " + shorten(name, name_width).ljust(name_width), style))
        text_len = sum(len(t) for t, _ in segments)
        if text_len < width:
            segments.append((" " * (width - text_len), style))
        return segments

    def _scroll(self, rows: int) -> None:
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + rows:
            self.top = self.cursor - rows + 1
        self.top = max(0, min(self.top, max(0, len(self._entries) - rows)))

    def _footer(self, width: int) -> str:
        if self.message:
            return _fit(" " + printable(self.message), width)
        d = self.directory(self.cwd)
        totals = "" if d is None else (
            f" Total disk {format_size(d.allocated, self.exact)}  apparent "
            f"{format_size(d.apparent, self.exact)}  files {format_count(d.files, self.exact)}")
        order = "v" if self.descending else "^"
        right = (" listing files... " if self.listing_files else
                 f" sorted: {self.sort} {order}") + "  ? help "
        if len(right) > width // 2:  # a very narrow terminal: the totals matter more
            return _fit(totals, width)
        return _fit(totals, width - len(right)) + right


def resolve_path(cwd: str, text: str) -> str:
    """An absolute, normalised path from what the user typed ('' when nothing was typed)."""
    text = text.strip()
    if not text:
        return ""
    parts = [] if text.startswith("/") else [p for p in cwd.split("/") if p]
    for part in text.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
        else:
            parts.append(part)
    return "/" + "/".join(parts)


def _fit(text: str, width: int, fill: str = " ") -> str:
    """`text` cut or padded to exactly `width` characters."""
    return text[:width] if len(text) >= width else text + fill * (width - len(text))
