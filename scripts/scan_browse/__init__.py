"""scan_browse: an ncdu-style browser over a storage-scanner snapshot (scripts/browse_snapshot.py).

  locate.py       which snapshot (a SNAPSHOT argument or a catalogued name) and where its
                  per-directory summary and file index are: the catalogue, the browse cache
  prepare.py      computing what is missing once (summary with scan_analysis.dir_summary,
                  file index), with a progress bar, published atomically into the cache
  progress.py     the progress bar of a long DuckDB query, on stderr
  tree.py         the snapshot as a tree of directories: listings read from the summary and
                  the file index (or, without an index, from the rows of one directory)
  view.py         what the screen shows, without curses: sorting, cursor, columns, formatting
  tui.py          the curses loop: keys, drawing, prompts, help
  ncdu_export.py  the snapshot in ncdu's JSON export format (ncdu -f FILE)

Read-only by design: nothing here opens, changes or deletes a path of the scanned tree. The
only files ever written are the browse cache (under the user's cache directory, never inside
the scanned tree) and the --export-ncdu file.
"""
