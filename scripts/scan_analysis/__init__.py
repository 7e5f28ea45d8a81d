"""scan_analysis: what a storage-scanner snapshot means (scripts/analyze_scan.py's engine).

  snapshot.py    SNAPSHOT argument -> Parquet files, manifests, error sidecars
  engine.py      the DuckDB connection (memory limit, spill directory) and the views
  figures.py     counts, totals, where the space goes, types, owners, ages, largest files
  rollup.py      subtree totals of every directory, as du -s says them
  sidecar.py     the error sidecar summarised: what the snapshot does not cover
  du_compare.py  running du and explaining its gap to the file contents
  report.py      one snapshot's figures as the JSON dict
  diff.py        two snapshots compared
  text.py, diff_text.py, html_report.py, charts.py, treemap.py, units.py   rendering

The history of snapshots (scripts/import_snapshot.py, scripts/snapshot_history.py,
docs/history.md):
  dir_summary.py     the per-directory summary (schema 1): du -s figures, times, owners
  catalog.py         the catalogue: a DuckDB file, and a store of summaries beside it
  history_import.py  one snapshot checked, summarised and recorded (or refused, unchanged)
  history.py         growth over time and the fastest-growing directories, from the catalogue
  hive_export.py     the catalogue as a hive-partitioned Parquet dataset
  history_text.py, history_html.py   rendering

Nothing here loads the rows into Python: every figure is a DuckDB query whose result is
small (a total, a top-N list, one row per bucket).
"""
