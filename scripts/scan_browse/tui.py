"""The curses loop: paints view.BrowserState's screen, reads keys, lists files in the
background. Python's standard curses only: it runs in any terminal an ssh session gives,
80x24 included, with colour or, when NO_COLOR is set (https://no-color.org) or the terminal
has none, with bold and reverse video only.

Threads: the loop owns the state and the screen. One worker thread lists the files of the
directory being viewed (SnapshotTree.files, a scan of the rows when there is no file index)
and hands the result back through a queue; the loop polls it while a listing is pending, so
keys keep working while a big snapshot is read. Quitting does not wait for it: the caller
leaves with os._exit (browse_snapshot.py), since neither interrupting DuckDB from another
thread nor finalising the interpreter under a running query is safe (a deadlock, an abort).
"""
from __future__ import annotations

import curses
import locale
import os
import queue
import threading

from . import view
from .tree import SnapshotTree

KEYS_HELP = """\
Up, Down, k, j     move            PgUp, PgDn, Home, End   page, first, last
Enter, Right, l    open directory  Left, Backspace, h, u   up to the parent
/                  jump to a path (absolute, or relative; Tab completes)
s  sort by disk usage (du)         a  sort by apparent size
c  sort by file count              m  sort by newest modification time
o  sort by owner                   n  sort by name
   (the same key again reverses the order)
i  details of the selected entry: counts, times, its largest owners
b  exact byte counts on/off        ?  this help       q  quit

Directories show their whole subtree, as du -s counts it (hard links once);
files their own figures. Flags: H hard link, @ not a regular file, e empty.
Owner: who owns most of the bytes. Read-only: nothing can be deleted here."""

SORT_KEYS = {ord("s"): "disk", ord("a"): "apparent", ord("c"): "files", ord("C"): "files",
             ord("f"): "files", ord("m"): "mtime", ord("M"): "mtime", ord("o"): "owner",
             ord("n"): "name"}
UP_KEYS = (curses.KEY_UP, ord("k"))
DOWN_KEYS = (curses.KEY_DOWN, ord("j"))
OPEN_KEYS = (curses.KEY_ENTER, curses.KEY_RIGHT, ord("\n"), ord("\r"), ord("l"))
PARENT_KEYS = (curses.KEY_LEFT, curses.KEY_BACKSPACE, 127, 8, ord("h"), ord("u"), ord("<"))
ESCAPE = 27


class TerminalError(Exception):
    """The terminal cannot be driven; the message is one line for the user."""


class FileLister:
    """One background thread running SnapshotTree.files for the directories asked for."""

    def __init__(self, tree: SnapshotTree):
        self._tree = tree
        self._requests: queue.Queue = queue.Queue()
        self.results: queue.Queue = queue.Queue()
        self.pending: set[str] = set()
        # A daemon: the browser leaves with os._exit, whatever the thread is doing (see
        # browse_snapshot.py).
        threading.Thread(target=self._work, daemon=True, name="file-lister").start()

    def want(self, path: str) -> None:
        if path not in self.pending:
            self.pending.add(path)
            self._requests.put(path)

    def _work(self) -> None:
        while True:
            path = self._requests.get()
            try:
                self.results.put((path, self._tree.files(path), None))
            except Exception as e:  # noqa: BLE001 — shown to the user, the browser goes on
                self.results.put((path, [], str(e).splitlines()[0] if str(e) else repr(e)))


class Screen:
    def __init__(self, scr, state: view.BrowserState, title: str, colour: bool):
        self.scr = scr
        self.state = state
        self.title = title
        self.styles = _styles(colour)
        self.lister = FileLister(state.tree)

    def run(self) -> int:
        curses.curs_set(0)
        self.scr.keypad(True)
        while True:
            self._collect_files()
            self.draw()
            self.scr.timeout(100 if self.lister.pending else -1)
            key = self.scr.getch()
            if key == -1:
                continue
            if self.state.message:
                self.state.message = ""
            if key in (ord("q"), ord("Q")):
                return 0
            self.handle(key)

    def _collect_files(self) -> None:
        while True:
            try:
                path, files, error = self.lister.results.get_nowait()
            except queue.Empty:
                break
            self.lister.pending.discard(path)
            self.state.add_files(path, files)
            if error:
                self.state.message = f"cannot list the files of {path}: {error}"
        wanted = self.state.files_wanted()
        if wanted:
            self.lister.want(wanted)

    def handle(self, key: int) -> None:
        s = self.state
        rows = max(1, self.scr.getmaxyx()[0] - 4)
        if key in UP_KEYS:
            s.move(-1)
        elif key in DOWN_KEYS:
            s.move(1)
        elif key == curses.KEY_PPAGE:
            s.move(-rows)
        elif key == curses.KEY_NPAGE:
            s.move(rows)
        elif key in (curses.KEY_HOME, ord("g")):
            s.home()
        elif key in (curses.KEY_END, ord("G")):
            s.end()
        elif key in OPEN_KEYS:
            s.enter()
        elif key in PARENT_KEYS:
            s.up()
        elif key in SORT_KEYS:
            s.set_sort(SORT_KEYS[key])
        elif key == ord("b"):
            s.toggle_exact()
        elif key == ord("/"):
            text = self.prompt("Jump to: ")
            if text:
                s.jump(text)
        elif key == ord("?"):
            self.popup("Help", KEYS_HELP.splitlines())
        elif key == ord("i"):
            self.popup("Details", self.details())
        elif key == ord("d"):
            s.message = "read-only: browse never deletes or changes anything"
        elif key == curses.KEY_RESIZE:
            pass

    # --- drawing ------------------------------------------------------------------------

    def draw(self) -> None:
        height, width = self.scr.getmaxyx()
        self.scr.erase()
        for y, segments in enumerate(self.state.screen(width, height, self.title)[:height]):
            x = 0
            for text, style in segments:
                _put(self.scr, y, x, text[: max(0, width - x)], self.styles[style])
                x += len(text)
        self.scr.refresh()

    def prompt(self, label: str) -> str:
        """A line editor on the last line: Enter accepts, Esc cancels, Tab completes."""
        text = ""
        curses.curs_set(1)
        try:
            while True:
                height, width = self.scr.getmaxyx()
                shown = (label + text)[-(width - 1):]
                _put(self.scr, height - 1, 0, shown.ljust(width - 1),
                     self.styles[view.MESSAGE])
                self.scr.move(height - 1, min(len(shown), width - 2))
                self.scr.refresh()
                self.scr.timeout(-1)
                key = self.scr.get_wch()
                if key in ("\n", "\r", curses.KEY_ENTER):
                    return text
                if key == chr(ESCAPE):
                    return ""
                if key in (curses.KEY_BACKSPACE, "\x7f", "\b"):
                    text = text[:-1]
                elif key == "\t":
                    text = self.state.complete(text)
                elif key == "\x15":  # Ctrl-U: clear the line, as in a shell
                    text = ""
                elif isinstance(key, str) and key.isprintable():
                    text += key
        finally:
            curses.curs_set(0)

    def popup(self, title: str, lines: list[str]) -> None:
        """A box over the listing; any key closes it."""
        height, width = self.scr.getmaxyx()
        w = min(width, max(len(line) for line in lines + [title]) + 4)
        h = min(height, len(lines) + 4)
        y0, x0 = max(0, (height - h) // 2), max(0, (width - w) // 2)
        box = curses.newwin(h, w, y0, x0)
        box.bkgd(" ", self.styles[view.ROW])
        box.erase()
        box.border()
        _put(box, 0, 2, f" {title} "[: w - 4], self.styles[view.HEADING])
        for i, line in enumerate(lines[: h - 4]):
            _put(box, i + 2, 2, line[: w - 4], self.styles[view.ROW])
        if len(lines) > h - 4:
            _put(box, h - 2, 2, "(more: enlarge the terminal)"[: w - 4], self.styles[view.ROW])
        _put(box, h - 1, max(2, w - 20), " any key closes "[: w - 4], self.styles[view.ROW])
        box.refresh()
        self.scr.timeout(-1)
        box.getch()
        del box
        self.scr.touchwin()

    def details(self) -> list[str]:
        e = self.state.selected()
        if e is None:
            return ["(nothing selected)"]
        fs, fc = view.format_size, view.format_count
        lines = [f"path      {e.path}", f"type      {e.kind}" + ("  (hard link: counted once "
                                                                  "in totals)" if e.hard_link
                                                                  else "")]
        lines += [f"disk      {fs(e.allocated)}  ({e.allocated:,} bytes, as du counts)",
                  f"apparent  {fs(e.apparent)}  ({e.apparent:,} bytes)"]
        s = e.summary
        if s:
            lines += [f"entries   {s['entries']:,}  (du --inodes: the directory itself, "
                      "everything below)",
                      f"files     {s['files']:,}   directories below {s['subdirs']:,}",
                      f"directly  {s['child_dirs']:,} directories, {s['direct_entries']:,} "
                      f"other entries ({fs(s['direct_allocated'])})",
                      f"modified  newest {view.format_time(s['newest_mtime'])}",
                      f"accessed  oldest {view.format_time(s['oldest_atime'])}, newest "
                      f"{view.format_time(s['newest_atime'])}",
                      f"owners    {s['owners']:,}; the largest:"]
            for o in self.state.tree.owners(e.path, limit=5):
                name = o["owner"] or f"uid {o['uid']}"
                lines.append(f"  {name[:16]:<16} {fs(o['allocated']):>9} {fc(o['files']):>6} "
                             "files")
        else:
            lines += [f"modified  {view.format_time(e.newest_mtime)}", f"owner     {e.owner}"]
        return lines


def _put(win, y: int, x: int, text: str, attr: int) -> None:
    # Writing the bottom-right cell moves the cursor past the window, which curses reports
    # as an error after drawing the character.
    try:
        win.addstr(y, x, text, attr)
    except curses.error:
        pass


def _styles(colour: bool) -> dict[str, int]:
    plain = {view.HEADER: curses.A_REVERSE, view.PATH: curses.A_BOLD,
             view.HEADING: curses.A_BOLD, view.ROW: curses.A_NORMAL,
             view.DIR_ROW: curses.A_BOLD, view.SELECTED: curses.A_REVERSE,
             view.BAR: curses.A_NORMAL, view.FOOTER: curses.A_REVERSE,
             view.MESSAGE: curses.A_REVERSE | curses.A_BOLD}
    if not colour or not curses.has_colors():
        return plain
    curses.start_color()
    try:
        curses.use_default_colors()
        background = -1
    except curses.error:
        background = curses.COLOR_BLACK
    pairs = {view.HEADER: (curses.COLOR_WHITE, curses.COLOR_BLUE, curses.A_BOLD),
             view.PATH: (curses.COLOR_CYAN, background, curses.A_BOLD),
             view.HEADING: (curses.COLOR_YELLOW, background, curses.A_BOLD),
             view.ROW: (-1 if background == -1 else curses.COLOR_WHITE, background, 0),
             view.DIR_ROW: (curses.COLOR_CYAN, background, curses.A_BOLD),
             view.SELECTED: (curses.COLOR_BLACK, curses.COLOR_CYAN, 0),
             view.BAR: (curses.COLOR_GREEN, background, 0),
             view.FOOTER: (curses.COLOR_WHITE, curses.COLOR_BLUE, 0),
             view.MESSAGE: (curses.COLOR_BLACK, curses.COLOR_YELLOW, curses.A_BOLD)}
    styles = {}
    for number, (style, (fg, bg, attr)) in enumerate(pairs.items(), start=1):
        curses.init_pair(number, fg, bg)
        styles[style] = curses.color_pair(number) | attr
    return styles


def run(state: view.BrowserState, title: str, colour: bool) -> int:
    """Runs the browser until q; returns the exit status."""
    # Names are UTF-8: curses writes them as such only under the user's locale.
    locale.setlocale(locale.LC_ALL, "")
    try:
        scr = curses.initscr()
    except curses.error as e:
        raise TerminalError(f"cannot use this terminal (TERM={os.environ.get('TERM', '')!r}): "
                            f"{e}") from None
    # Not curses.wrapper: it calls start_color(), after which every character is drawn with
    # an explicit (white on black) colour, even without NO_COLOR's consent.
    try:
        curses.noecho()
        curses.cbreak()
        scr.keypad(True)
        curses.set_escdelay(25)  # Esc closes the jump prompt at once, not after a second
        return Screen(scr, state, title, colour).run()
    except KeyboardInterrupt:
        return 0
    finally:
        scr.keypad(False)
        curses.nocbreak()
        curses.echo()
        curses.endwin()
