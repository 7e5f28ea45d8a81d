"""The browser in a real terminal (tmux): what the first screen shows equals du and an
independent walk of the tree; drilling down and up, sorting, jumping, help, quitting; 80x24;
colour and NO_COLOR; read-only."""
import os
import re
import sys
import time

import browse_reference as ref
import duckdb
import browse_screen as scr
import browse_tree
import pytest
from browse_harness import REPO, browse_argv, run_browse
from browse_tmux import Tmux

UTC_DATE = "%Y-%m-%d"


def start(snapshot, cache, *args, width=160, height=40, env=None) -> Tmux:
    t = Tmux(browse_argv(snapshot, "--cache-dir", cache, *args), width, height, env)
    try:
        settled(t)
    except BaseException:
        t.close()  # the `with` that would have closed it never starts
        raise
    return t


def settled(t: Tmux) -> str:
    """The screen once drawn and the current directory's files listed (until then a
    placeholder row stands for them and the footer says 'listing files...')."""
    return t.wait_for(lambda s: "Total disk" in s and "listing files" not in s,
                      what="the listing")


def shown(name: str) -> str:
    """A file name as the snapshot (and so the screen) spells it: undecodable bytes as U+FFFD."""
    return os.fsencode(name).decode("utf-8", "replace")


def date(t: int) -> str:
    return time.strftime(UTC_DATE, time.gmtime(t))


def selected_path(t: Tmux) -> str:
    """The selected entry's path, from the details box (i), which is then closed."""
    t.keys("i")
    text = t.wait_text("path      ")
    t.keys("Escape")
    t.wait_for(lambda s: "path      " not in s, what="the details box to close")
    return re.search(r"path      (.*?)\s*│", text).group(1)


def expected_row(tree, reference, name: str) -> dict:
    path = os.path.join(tree, name)
    st = os.lstat(path)
    if os.path.isdir(path) and not os.path.islink(path):
        fig = ref.figures(reference, path)
        return {"disk": ref.du(path), "apparent": ref.du(path, "--apparent-size"),
                "files": fig["files"], "mtime": date(fig["newest_mtime"]),
                "owner": fig["owner"][:8], "is_dir": True}
    return {"disk": st.st_blocks * 512, "apparent": st.st_size,
            "files": 1 if os.path.isfile(path) and not os.path.islink(path) else 0,
            "mtime": date(int(st.st_mtime)), "owner": ref.owner_name(st.st_uid)[:8],
            "is_dir": False}


def check_listing(t: Tmux, directory, reference) -> list[dict]:
    """Every entry of `directory` is a row whose figures equal du's and the walk's."""
    lines = settled(t).splitlines()
    assert scr.path_line(lines) == shown(str(directory))
    rows = scr.rows(lines)
    names = sorted(os.listdir(directory))
    assert sorted(r["name"] for r in rows) == sorted(shown(n) for n in names), lines
    by_name = {r["name"]: r for r in rows}
    for name in names:
        row, want = by_name[shown(name)], expected_row(directory, reference, name)
        got = {"disk": scr.exact(row["disk"]), "apparent": scr.exact(row["apparent"]),
               "files": scr.exact(row["files"]), "mtime": row["mtime"], "owner": row["owner"],
               "is_dir": row["is_dir"]}
        assert got == want, f"{name}: screen {got}, filesystem {want}"
    total = ref.figures(reference, str(directory))
    assert (f"Total disk {ref.du(directory):,}  apparent {ref.du(directory, '--apparent-size'):,}"
            f"  files {total['files']:,}") in scr.footer(lines)
    return rows


def test_first_screen_equals_du_and_an_independent_walk(snapshot, cache, tree, reference):
    with start(snapshot, cache, "--bytes") as t:
        rows = check_listing(t, tree, reference)
        # Largest first (by du), the bar of the largest full.
        disks = [scr.exact(r["disk"]) for r in rows]
        assert disks == sorted(disks, reverse=True)
        assert rows[0]["bar"] == "#" * len(rows[0]["bar"])
        flags = {r["name"]: r["flag"] for r in rows}
        assert flags["link_to_root_file"] == "@" and flags["empty"] == "e"
        assert flags["root_file.txt"] == " "


def test_hard_links_and_sparse_files_count_as_du_counts(snapshot, cache, tree, reference):
    with start(snapshot, cache, "--bytes", "--path", tree / "delta") as t:
        rows = check_listing(t, tree / "delta", reference)
        assert {r["name"]: r["flag"] for r in rows}["orig.bin"] == "H"
        t.keys("/")
        t.type(str(tree / "beta"))
        t.keys("Enter")
        t.wait_for(lambda s: scr.path_line(s.splitlines()) == str(tree / "beta"))
        rows = check_listing(t, tree / "beta", reference)
        sparse = {r["name"]: r for r in rows}["sparse.img"]
        assert scr.exact(sparse["apparent"]) == 64 * 2**20
        assert scr.exact(sparse["disk"]) < 64 * 2**20


def test_80x24_shows_every_column_in_human_units(snapshot, cache, tree, reference):
    with start(snapshot, cache, width=80, height=24) as t:
        lines = t.lines()
        assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
        assert re.search(r"Disk v +Apparent +Files Modified +Owner +Usage +Name", lines[2])
        rows = scr.rows(lines)
        assert len(rows) == len(os.listdir(tree))  # 13 entries fit in 24 lines
        for row in rows:
            name = next(n for n in os.listdir(tree) if shown(n) == row["name"]
                        or (len(n) > 25 and "..." in row["name"]))
            path = os.path.join(tree, name)
            if row["is_dir"]:
                for column, flags in (("disk", ()), ("apparent", ("--apparent-size",))):
                    low, high = scr.human_range(row[column])
                    assert low <= ref.du(path, *flags) <= high, (row, path)
        long = [r["name"] for r in rows if "..." in r["name"]]
        assert long and long[0].startswith(browse_tree.LONG[:5])
        assert f"{shown(browse_tree.BAD)}" in {r["name"] for r in rows}


def test_drill_down_and_back_up(snapshot, cache, tree, reference):
    with start(snapshot, cache, "--bytes") as t:
        first = scr.rows(t.lines())[0]["name"]
        assert first == "beta"
        t.keys("Enter")
        t.wait_for(lambda s: scr.path_line(s.splitlines()) == str(tree / "beta"))
        check_listing(t, tree / "beta", reference)
        t.keys("Left")
        t.wait_for(lambda s: scr.path_line(s.splitlines()) == str(tree))
        assert selected_path(t) == str(tree / "beta")  # the cursor is back on it
        names = [r["name"] for r in scr.rows(t.lines())]
        t.keys(*["Down"] * names.index("delta"), "Right")
        t.wait_for(lambda s: scr.path_line(s.splitlines()) == str(tree / "delta"))
        # The details of delta: entries as du --inodes counts them.
        t.keys("Left")
        t.wait_for(lambda s: scr.path_line(s.splitlines()) == str(tree))
        t.keys("i")
        text = t.wait_text("entries")
        entries = int(re.search(r"entries\s+([\d,]+)", text).group(1).replace(",", ""))
        assert entries == ref.du(tree / "delta", "--inodes")
        t.keys("Escape")
        # Down into gamma/d1/d2/d3 and back with Backspace.
        t.keys("/")
        t.type("gamma")
        t.keys("Enter")
        t.wait_for(lambda s: scr.path_line(s.splitlines()) == str(tree / "gamma"))
        for child in ("d1", "d2", "d3"):
            lines = settled(t).splitlines()
            here = scr.path_line(lines)
            names = [r["name"] for r in scr.rows(lines)]
            if names.index(child):
                t.keys(*["Down"] * names.index(child))
            t.keys("Enter")
            t.wait_for(lambda s, h=here, c=child: scr.path_line(s.splitlines()) == f"{h}/{c}")
        check_listing(t, tree / "gamma" / "d1" / "d2" / "d3", reference)
        t.keys("BSpace", "BSpace", "BSpace")
        t.wait_for(lambda s: scr.path_line(s.splitlines()) == str(tree / "gamma"))
        t.keys("Left")
        t.wait_for(lambda s: scr.path_line(s.splitlines()) == str(tree))
        t.keys("Left")  # at the top: stays, says so
        t.wait_text("already at the top")


@pytest.mark.parametrize("key,column,descending", [
    ("n", "name", False), ("a", "apparent", True), ("c", "files", True),
    ("m", "mtime", True), ("o", "owner", False), ("s", "disk", True)])
def test_sort_by_any_column(snapshot, cache, tree, key, column, descending):
    with start(snapshot, cache, "--bytes") as t:
        if key == "s":  # the default: choose another first
            t.keys("n")
            t.wait_text("Name ^")
        t.keys(key)
        title = {"disk": "Disk", "apparent": "Apparent", "files": "Files", "mtime": "Modified",
                 "owner": "Owner", "name": "Name"}[column]
        arrow = "v" if descending else "^"
        lines = t.wait_text(f"{title} {arrow}").splitlines()
        values = [_sort_value(r, column) for r in scr.rows(lines)]
        assert values == sorted(values, reverse=descending), values
        t.keys(key)  # again: reversed
        lines = t.wait_text(f"{title} {'^' if descending else 'v'}").splitlines()
        values = [_sort_value(r, column) for r in scr.rows(lines)]
        assert values == sorted(values, reverse=not descending), values


def _sort_value(row: dict, column: str):
    if column in ("disk", "apparent", "files"):
        return scr.exact(row[column])
    if column == "owner":
        return row["owner"].lower()
    return row[column]


def test_jump_to_a_path(snapshot, cache, tree):
    with start(snapshot, cache) as t:
        def jump(text: str):
            t.keys("/")
            t.wait_text("Jump to:")
            t.type(text)
            t.keys("Enter")

        jump(str(tree / "gamma" / "d1" / "d2"))
        t.wait_for(lambda s: scr.path_line(s.splitlines()) == str(tree / "gamma/d1/d2"))
        jump("d3")  # relative to the current directory
        t.wait_for(lambda s: scr.path_line(s.splitlines()) == str(tree / "gamma/d1/d2/d3"))
        jump("../../..")
        t.wait_for(lambda s: scr.path_line(s.splitlines()) == str(tree / "gamma"))
        jump("d1.txt")  # a file: shown selected in its directory
        t.wait_for(lambda s: "Jump to" not in s)
        assert scr.path_line(t.lines()) == str(tree / "gamma")
        assert selected_path(t) == str(tree / "gamma" / "d1.txt")
        jump("no/such/thing")
        t.wait_text(f"no such entry in this snapshot: {tree}/gamma/no/such/thing")
        # Tab completes directory names; Escape cancels.
        t.keys("/")
        t.type("d")
        t.keys("Tab")
        t.wait_text("Jump to: d1/")
        t.keys("Escape")
        t.wait_for(lambda s: "Jump to" not in s)
        assert scr.path_line(t.lines()) == str(tree / "gamma")


def test_help_and_quit(snapshot, cache):
    with start(snapshot, cache, width=80, height=24) as t:
        t.keys("?")
        text = t.wait_text("jump to a path")
        assert "sort by disk usage" in text and "quit" in text
        t.keys("x")
        t.wait_for(lambda s: "jump to a path" not in s, what="the help to close")
        t.keys("q")
        assert t.exit_status() == 0


def _colour_params(screen_with_escapes: str) -> set[str]:
    """The colour parameters (foreground, background; not the defaults 39/49) of every SGR
    sequence on the screen."""
    found = set()
    for params in re.findall(r"\x1b\[([\d;]*)m", screen_with_escapes):
        parts = params.split(";")
        for i, p in enumerate(parts):
            if p in ("38", "48") or (p.isdigit() and (30 <= int(p) <= 37 or 40 <= int(p) <= 47
                                                      or 90 <= int(p) <= 107)):
                if not (i > 0 and parts[i - 1] in ("38", "48")):
                    found.add(p)
    return found


def _attributes(screen_with_escapes: str) -> set[str]:
    return {p for params in re.findall(r"\x1b\[([\d;]*)m", screen_with_escapes)
            for p in params.split(";")}


def test_colour_by_default_and_none_with_no_color(snapshot, cache):
    with start(snapshot, cache, width=80, height=24) as t:
        assert _colour_params(t.screen(escapes=True)), "no colour on a colour terminal"
    for how in ({"env": {"NO_COLOR": "1"}}, {"args": ("--no-color",)}):
        with start(snapshot, cache, *how.get("args", ()), width=80, height=24,
                   env=how.get("env")) as t:
            t.keys("Down")
            screen = t.screen(escapes=True)
            assert not _colour_params(screen), (how, repr(screen[:400]))
            # Still usable: the header, the selection and the footer in reverse video.
            assert "7" in _attributes(screen)


def test_read_only_nothing_changes(snapshot, cache, tree):
    def state():
        out = {}
        for path, st in ref.walk(tree):
            out[path] = (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_nlink)
        return out

    before = state()
    with start(snapshot, cache, width=80, height=24) as t:
        t.keys("d")
        t.wait_text("read-only: browse never deletes or changes anything")
        t.keys("Enter", "d", "D", "Delete", "Left", "q")
        assert t.exit_status() == 0
    assert state() == before


@pytest.fixture(scope="module")
def chunked_snapshot(tmp_path_factory):
    """A synthetic snapshot of 1,000,000 rows in 20 files, with a summary but no file index:
    every listing of files is a scan of the rows in the background (a few tenths of a
    second)."""
    sys.path.insert(0, str(REPO / "bench"))
    import synth_snapshot
    work = tmp_path_factory.mktemp("chunked")
    one = work / "one.parquet"
    synth_snapshot.generate(str(one), 1_000_000, 0, "1GB")
    chunks = work / "chunks"
    chunks.mkdir()
    duckdb.connect().execute(f"COPY (SELECT * FROM '{one}') TO '{chunks}' "
                             "(FORMAT parquet, FILE_SIZE_BYTES '2MB', FILENAME_PATTERN 'scan_{i}')")
    one.unlink()
    cache = work / "cache"
    proc = run_browse(chunks, "--prepare", "--no-index", "--cache-dir", cache)
    assert proc.returncode == 0, proc.stderr
    return chunks, cache


def test_quitting_while_files_are_listed_from_the_rows(chunked_snapshot):
    """q while a DuckDB query lists files in the background: the browser leaves at once,
    cleanly (a process finalised under a running query aborts: 'terminate called ...')."""
    chunks, cache = chunked_snapshot
    for presses in (0, 1, 2):
        with Tmux(browse_argv(chunks, "--cache-dir", cache), 80, 24) as t:
            t.wait_text("Total disk")
            t.keys(*["Down"] * presses, "Enter", "q")
            assert t.exit_status() == 0
            assert "terminate" not in t.screen() and "Traceback" not in t.screen()
