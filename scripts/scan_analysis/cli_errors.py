"""The end of every history command: a refusal or failure as one line on stderr.

SPEC.md: every refusal is one line naming what is wrong, exit status 1 (2 is argparse's, for
usage errors). Ctrl+C ends with 130 and one line, as the scanner's SIGINT does; whatever the
command had staged is removed by its own cleanup before the exception arrives here.
"""
from __future__ import annotations

import sys
from typing import Callable

import duckdb

from .catalog import CatalogError
from .engine import first_line
from .snapshot import SnapshotError


def stderr_lines(prog: str) -> Callable[[str], None]:
    """A report() for library code: each line to stderr as `PROG: line` (progress, what
    catalog.recover did)."""
    return lambda line: print(f"{prog}: {line}", file=sys.stderr)


def run_reporting_errors(prog: str, command: Callable[[], int]) -> int:
    try:
        return command()
    except (CatalogError, SnapshotError) as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
    except duckdb.Error as e:
        print(f"{prog}: error: DuckDB: {first_line(e)}", file=sys.stderr)
    except OSError as e:
        where = f"{e.filename}: " if e.filename else ""
        print(f"{prog}: error: {where}{e.strerror}", file=sys.stderr)
    except KeyboardInterrupt:
        print(f"{prog}: interrupted; nothing was recorded", file=sys.stderr)
        return 130
    return 1
