"""view.py without a terminal: formatting, the screen's layout at any width, and the state
machine (sort, cursor, up, jump, files arriving late) over a fake tree that records calls."""
import sys

import pytest
from browse_harness import REPO

sys.path.insert(0, str(REPO / "scripts"))

from scan_browse import view  # noqa: E402
from scan_browse.tree import PENDING, Entry  # noqa: E402


def d(path, allocated, files=1, mtime=100, owner="alice", entries=None, direct=0):
    name = path.rsplit("/", 1)[1] or "/"
    summary = {"direct_entries": direct, "direct_allocated": direct * 10,
               "direct_apparent": direct * 5, "direct_files": direct}
    return Entry(name=name, path=path, kind="directory", allocated=allocated,
                 apparent=allocated // 2, files=files, entries=entries or files + 1,
                 newest_mtime=mtime, owner=owner, summary=summary)


def f(path, allocated, kind="file", nlink=1, mtime=50, owner="bob"):
    return Entry(name=path.rsplit("/", 1)[1], path=path, kind=kind, allocated=allocated,
                 apparent=allocated, files=1 if kind == "file" else 0, entries=1,
                 newest_mtime=mtime, owner=owner, hard_link=nlink > 1)


class FakeTree:
    """/r with a (big), b (small, 2 files directly), c (empty); a/x below a."""
    root = "/r"
    files_available = True

    def __init__(self):
        self.calls = []
        self.dirs = {"/r": d("/r", 1000, files=6, direct=0),
                     "/r/a": d("/r/a", 700, files=3, mtime=300, owner="carol"),
                     "/r/b": d("/r/b", 200, files=2, mtime=200, owner="bob", direct=2),
                     "/r/c": d("/r/c", 4, files=0, mtime=10, entries=1),
                     "/r/a/x": d("/r/a/x", 100, files=1)}
        self.file_rows = {"/r/b": [f("/r/b/one.txt", 90), f("/r/b/two.bin", 60, nlink=2)]}

    def directory(self, path):
        self.calls.append(("directory", path))
        return self.dirs.get(path)

    def subdirectories(self, path):
        self.calls.append(("subdirectories", path))
        return [e for p, e in self.dirs.items() if p.rsplit("/", 1)[0] == path and p != path]

    def files(self, path):
        self.calls.append(("files", path))
        return self.file_rows.get(path, [])

    def pending_files(self, directory):
        n = directory.summary["direct_entries"]
        if not n:
            return None
        return Entry(name=f"({n} files here, listing...)", path=directory.path, kind=PENDING,
                     allocated=n * 10, apparent=n * 5, files=n, entries=n, newest_mtime=None,
                     owner="")

    def complete(self, directory, prefix, limit=200):
        return sorted(e.name for e in self.subdirectories(directory) if e.name.startswith(prefix))


@pytest.mark.parametrize("n,text", [(0, "0 B"), (999, "999 B"), (1000, "1.0 KiB"),
                                    (1536, "1.5 KiB"), (2**20, "1.0 MiB"),
                                    (999 * 2**30, "999.0 GiB"), (2**40 * 5, "5.0 TiB")])
def test_format_size(n, text):
    assert view.format_size(n) == text
    assert len(view.format_size(n)) <= 9
    assert view.format_size(n, exact=True) == f"{n:,}"


@pytest.mark.parametrize("n,text", [(0, "0"), (99_999, "99999"), (100_000, "100k"),
                                    (123_456, "123k"), (1_234_567, "1.2M"),
                                    (999_999_999, "1000M"), (12_345_678_901, "12.3G")])
def test_format_count(n, text):
    assert view.format_count(n) == text
    assert len(text) <= 6


def test_shorten_printable_bar_and_paths():
    assert view.shorten("abcdefghij", 10) == "abcdefghij"
    assert view.shorten("abcdefghijkl", 9) == "abc...jkl"
    assert len(view.shorten("x" * 300, 17)) == 17
    assert view.printable("a\nb\x1b[31mc") == "a?b?[31mc"
    assert view.bar(0.5, 12) == "[#####     ]"
    assert view.bar(1.0, 4) == "[##]" and view.bar(0.0, 4) == "[  ]"
    assert view.resolve_path("/r/a", "x/../../b") == "/r/b"
    assert view.resolve_path("/r/a", "/q//w/.") == "/q/w"
    assert view.resolve_path("/r", "../../..") == "/"
    assert view.resolve_path("/r", "  ") == ""


def test_flags():
    assert view.flag(d("/r/c", 4, files=0, entries=1)) == "e"
    assert view.flag(f("/r/x", 1, nlink=2)) == "H"
    assert view.flag(f("/r/l", 0, kind="symlink")) == "@"
    assert view.flag(f("/r/y", 1)) == " "


def test_listing_sorted_by_disk_with_pending_files_then_listed():
    tree = FakeTree()
    s = view.BrowserState(tree, "/r/b")
    assert [e.name for e in s.entries] == ["(2 files here, listing...)"]
    assert s.listing_files and s.files_wanted() == "/r/b"
    assert ("files", "/r/b") not in tree.calls  # the interface lists files, in the background
    s.add_files("/r/b", tree.files("/r/b"))
    assert [e.name for e in s.entries] == ["one.txt", "two.bin"]
    assert not s.listing_files and s.files_wanted() is None


def test_sort_toggle_and_cursor_follows_the_selection():
    s = view.BrowserState(FakeTree())
    assert [e.name for e in s.entries] == ["a", "b", "c"]
    s.move(1)
    assert s.selected().name == "b"
    s.set_sort("name")
    assert [e.name for e in s.entries] == ["a", "b", "c"] and s.selected().name == "b"
    s.set_sort("name")
    assert [e.name for e in s.entries] == ["c", "b", "a"] and s.selected().name == "b"
    s.set_sort("mtime")
    assert [e.name for e in s.entries] == ["a", "b", "c"]
    s.set_sort("owner")
    assert [e.owner for e in s.entries] == ["alice", "bob", "carol"]
    s.set_sort("files")
    assert [e.files for e in s.entries] == [3, 2, 0]


def test_enter_up_and_jump():
    s = view.BrowserState(FakeTree())
    s.enter()
    assert s.cwd == "/r/a" and [e.name for e in s.entries] == ["x"]
    s.up()
    assert s.cwd == "/r" and s.selected().name == "a"
    s.up()
    assert s.cwd == "/r" and "already at the top" in s.message
    assert s.jump("a/x") and s.cwd == "/r/a/x"
    assert s.jump("/r/b/two.bin") and s.cwd == "/r/b" and s.selected().name == "two.bin"
    assert not s.jump("/r/nothing") and "no such entry" in s.message
    assert s.complete("/r/") == "/r/"  # a, b, c: no common prefix beyond '/r/'
    assert s.complete("/r/a") == "/r/a/"


@pytest.mark.parametrize("width", [20, 40, 60, 79, 80, 120, 200])
def test_screen_fills_exactly_width_by_height(width):
    s = view.BrowserState(FakeTree())
    lines = s.screen(width, 24, "title")
    assert len(lines) == 24
    for segments in lines:
        assert sum(len(t) for t, _ in segments) == max(width, 20)


def test_narrow_terminals_drop_columns_in_order():
    s = view.BrowserState(FakeTree())
    headings = {w: "".join(t for t, _ in s.screen(w, 10, "t")[2]) for w in (80, 70, 55, 45)}
    assert all(c in headings[80] for c in ("Disk", "Apparent", "Files", "Modified", "Owner"))
    assert "Owner" not in headings[70] and "Modified" in headings[70]
    assert "Modified" not in headings[55]
    assert "Apparent" not in headings[45] and "Disk" in headings[45]

