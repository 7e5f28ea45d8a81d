"""Read the scanner's Parquet output with every reader our users have, and check that they agree.

`read_rows(source)` reads one file, a list of files or a glob with pyarrow, polars, duckdb,
pandas (pyarrow engine), fastparquet and DataFusion (arrow-rs, the Rust implementation);
checks each reader's view of the schema; normalises every result to the same shape (a list of
dicts of Python int / str / bytes / None, like reference.py produces); asserts that all readers
return the same rows; checks each file's footer; and returns the rows.

What each reader must make of the schema (from lib/schema.py), per Arrow type:

- string: polars String, duckdb VARCHAR, pandas str (pandas 3 StringDtype), fastparquet
  object or str.
- uint64 / uint32: polars UInt64 / UInt32, duckdb UBIGINT / UINTEGER, pandas and
  fastparquet uint64 / uint32.
- int64: polars Int64, duckdb BIGINT, pandas and fastparquet int64.
- int64, nullable (created_time): polars Int64, duckdb BIGINT, pandas int64 without nulls and
  float64 with nulls, fastparquet Int64 (masked) or int64 when the statistics say no nulls.
- binary, nullable (path_bytes): polars Binary, duckdb BLOB, pandas and fastparquet object
  (bytes / None).
- DataFusion: the Arrow types above, except that strings and binaries may come back as Arrow's
  view types (Utf8View, BinaryView: its default since 2024); the values are the same.

pandas turns a nullable integer column with nulls into float64. That is what a user gets from
`pd.read_parquet`, so it is accepted, provided every value comes back as an exact integer
(times in seconds are far below 2**53). Unsigned columns are never nullable, so pandas keeps
them unsigned; a reader that widens them to a signed or float type fails the check.
"""
import glob
import math
import os
import warnings

import datafusion
import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from .compare import label
from .reference import row_raw_path
from .schema import ARROW_SCHEMA, COLUMNS, COLUMN_NAMES, PARQUET_ANNOTATIONS

with warnings.catch_warnings():
    # fastparquet 2026.9 reads, on import, a pandas option that pandas 3 deprecates.
    warnings.filterwarnings("ignore", message="The 'future.infer_string' option is deprecated")
    import fastparquet

READERS = ("pyarrow", "polars", "duckdb", "pandas", "fastparquet", "datafusion")

_POLARS_TYPES = {pa.string(): pl.String, pa.uint64(): pl.UInt64, pa.uint32(): pl.UInt32,
                 pa.int64(): pl.Int64, pa.binary(): pl.Binary}
_DUCKDB_TYPES = {pa.string(): "VARCHAR", pa.uint64(): "UBIGINT", pa.uint32(): "UINTEGER",
                 pa.int64(): "BIGINT", pa.binary(): "BLOB"}
_NUMPY_INTEGERS = {pa.uint64(): "uint64", pa.uint32(): "uint32", pa.int64(): "int64"}


def parquet_files(source) -> list[str]:
    """A path, a glob pattern or a list of paths, as a sorted list of file names."""
    if isinstance(source, (list, tuple)):
        return [os.fspath(s) for s in source]
    source = os.fspath(source)
    if glob.has_magic(source):
        files = sorted(glob.glob(source))
        if not files:
            raise AssertionError(f"no Parquet file matches {source}")
        return files
    return [source]


# --- pyarrow -------------------------------------------------------------------------------

def check_parquet_schema(file: str) -> None:
    """The Arrow schema pyarrow reads, and the Parquet annotations beneath it."""
    schema = pq.read_schema(file)
    # Metadata is compared separately (key_value_metadata); the schema check is about fields.
    if not schema.remove_metadata().equals(ARROW_SCHEMA):
        raise AssertionError(f"{file}: Arrow schema differs\nexpected:\n{ARROW_SCHEMA}\n"
                             f"got:\n{schema.remove_metadata()}")
    parquet_schema = pq.ParquetFile(file).schema
    for i, col in enumerate(COLUMNS):
        c = parquet_schema.column(i)
        physical, logical, converted = PARQUET_ANNOTATIONS[col.arrow_type]
        got = (c.physical_type, str(c.logical_type), c.converted_type,
               c.max_definition_level)
        ok = (got[0] == physical and got[1] in logical and got[2] in converted
              and got[3] == (1 if col.nullable else 0))
        if not ok:
            raise AssertionError(
                f"{file}: column {col.name}: Parquet (physical, logical, converted, max def "
                f"level) = {got}; expected ({physical}, one of {sorted(logical)}, one of "
                f"{sorted(converted)}, {1 if col.nullable else 0})")


def read_pyarrow(files: list[str]) -> list[dict]:
    for f in files:
        check_parquet_schema(f)
    table = pa.concat_tables([pq.read_table(f) for f in files])
    return table.to_pylist()


# --- polars --------------------------------------------------------------------------------

def read_polars(files: list[str]) -> list[dict]:
    df = pl.read_parquet(files)
    want = {c.name: _POLARS_TYPES[c.arrow_type] for c in COLUMNS}
    got = dict(df.schema)
    if list(got) != list(COLUMN_NAMES) or got != want:
        raise AssertionError(f"polars schema differs: expected {want}, got {got}")
    return df.to_dicts()


# --- duckdb --------------------------------------------------------------------------------

def read_duckdb(files: list[str]) -> list[dict]:
    con = duckdb.connect()  # a private in-memory database: no state shared between calls
    try:
        listing = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        rel = con.sql(f"SELECT * FROM read_parquet([{listing}])")
        got = dict(zip(rel.columns, (str(t) for t in rel.types)))
        want = {c.name: _DUCKDB_TYPES[c.arrow_type] for c in COLUMNS}
        if list(got) != list(COLUMN_NAMES) or got != want:
            raise AssertionError(f"duckdb types differ: expected {want}, got {got}")
        return [dict(zip(rel.columns, row)) for row in rel.fetchall()]
    finally:
        con.close()


# --- pandas and fastparquet ----------------------------------------------------------------

def _python_value(value, column: str, reader: str):
    """One pandas cell as the Python value the other readers give."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if not value.is_integer():
            raise AssertionError(f"{reader}: {column} value {value!r} is not an integer")
        return int(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _pandas_rows(df: pd.DataFrame, reader: str) -> list[dict]:
    if list(df.columns) != list(COLUMN_NAMES):
        raise AssertionError(f"{reader}: columns differ: {list(df.columns)}")
    return [{k: _python_value(v, k, reader) for k, v in rec.items()}
            for rec in df.to_dict("records")]


def _check_dtypes(df: pd.DataFrame, reader: str, accepted) -> None:
    wrong = {c.name: str(df.dtypes[c.name]) for c in COLUMNS
             if not accepted(c, df.dtypes[c.name], df[c.name])}
    if wrong:
        raise AssertionError(f"{reader}: unexpected dtypes {wrong}")


def _pandas_dtype_ok(col, dtype, series) -> bool:
    if col.arrow_type == pa.string():
        return isinstance(dtype, pd.StringDtype)
    if col.arrow_type == pa.binary():
        return dtype == object
    if col.nullable:  # created_time, the one nullable integer column
        return str(dtype) == ("float64" if series.isna().any() else "int64")
    return str(dtype) == _NUMPY_INTEGERS[col.arrow_type]


def read_pandas(files: list[str]) -> list[dict]:
    df = pd.concat([pd.read_parquet(f, engine="pyarrow") for f in files], ignore_index=True)
    _check_dtypes(df, "pandas", _pandas_dtype_ok)
    return _pandas_rows(df, "pandas")


def _fastparquet_dtype_ok(col, dtype, series) -> bool:
    if col.arrow_type == pa.string():
        return dtype == object or isinstance(dtype, pd.StringDtype)
    if col.arrow_type == pa.binary():
        return dtype == object
    if col.nullable:  # masked when the statistics say there are nulls, else plain
        return str(dtype) == "Int64" or (str(dtype) == "int64" and not series.isna().any())
    return str(dtype) == _NUMPY_INTEGERS[col.arrow_type]


def read_fastparquet(files: list[str]) -> list[dict]:
    df = fastparquet.ParquetFile(files if len(files) > 1 else files[0]).to_pandas()
    df = df.reset_index(drop=True)
    _check_dtypes(df, "fastparquet", _fastparquet_dtype_ok)
    return _pandas_rows(df, "fastparquet")


# --- DataFusion (arrow-rs) ------------------------------------------------------------------

_DATAFUSION_TYPES = {pa.string(): (pa.string(), pa.string_view()),
                     pa.binary(): (pa.binary(), pa.binary_view())}


def read_datafusion(files: list[str]) -> list[dict]:
    rows = []
    for f in files:
        ctx = datafusion.SessionContext()  # private state per file
        table = ctx.read_parquet(f).to_arrow_table()
        if table.column_names != list(COLUMN_NAMES):
            raise AssertionError(f"datafusion columns differ: {table.column_names}")
        for c in COLUMNS:
            got = table.schema.field(c.name).type
            if got not in _DATAFUSION_TYPES.get(c.arrow_type, (c.arrow_type,)):
                raise AssertionError(f"datafusion type of {c.name}: {got}, expected "
                                     f"{c.arrow_type}")
        rows += table.to_pylist()
    return rows


_READ = {"pyarrow": read_pyarrow, "polars": read_polars, "duckdb": read_duckdb,
         "pandas": read_pandas, "fastparquet": read_fastparquet, "datafusion": read_datafusion}


# --- agreement and footer ------------------------------------------------------------------

def _sort_key(row: dict):
    return row_raw_path(row), repr(sorted(row.items()))


def _reader_differences(base_name: str, base: list[dict], name: str, rows: list[dict]) -> list[str]:
    if len(rows) != len(base):
        return [f"{name} read {len(rows)} rows, {base_name} {len(base)}"]
    problems = []
    for want, got in zip(sorted(base, key=_sort_key), sorted(rows, key=_sort_key)):
        for column in COLUMN_NAMES:
            a, b = want[column], got[column]
            if a != b or type(a) is not type(b):
                problems.append(f"{name} {label(row_raw_path(want))} {column}: "
                                f"{base_name} {a!r}, {name} {b!r}")
    return problems


def check_footer(file: str) -> None:
    """Row counts in the footer agree with each other and with the data, and every statistic
    written describes the data it covers.

    Some readers trust a row group's num_rows and split rows when it is off by one (see
    notes/parquet-reader-quirks.md), so the counts are checked at every level. Statistics drive
    predicate pushdown in DuckDB and Polars: a wrong min/max silently drops rows from a query.
    Integer columns must carry min/max and null_count; string and binary statistics are
    optional, but exact when present.
    """
    pf = pq.ParquetFile(file)
    md = pf.metadata
    group_rows = [md.row_group(i).num_rows for i in range(md.num_row_groups)]
    rows_read = pf.read().num_rows
    if not (sum(group_rows) == md.num_rows == rows_read):
        raise AssertionError(f"{file}: row groups hold {group_rows} (sum {sum(group_rows)}), "
                             f"footer says {md.num_rows}, {rows_read} rows read")
    for i in range(md.num_row_groups):
        rg = md.row_group(i)
        data = pf.read_row_group(i)
        for j, col in enumerate(COLUMNS):
            chunk = rg.column(j)
            where = f"{file}: row group {i}, column {col.name}"
            if chunk.num_values != rg.num_rows:
                raise AssertionError(f"{where}: {chunk.num_values} values in a group of "
                                     f"{rg.num_rows} rows")
            values = data.column(col.name).to_pylist()
            present = [v for v in values if v is not None]
            stats = chunk.statistics
            integer = pa.types.is_integer(col.arrow_type)
            if stats is None or not stats.has_null_count:
                if integer:
                    raise AssertionError(f"{where}: no null_count statistic")
            elif stats.null_count != len(values) - len(present):
                raise AssertionError(f"{where}: null_count {stats.null_count}, data has "
                                     f"{len(values) - len(present)} nulls")
            if stats is None or not stats.has_min_max:
                if integer and present:
                    raise AssertionError(f"{where}: no min/max statistics")
                continue
            if not present:
                raise AssertionError(f"{where}: min/max written for a column of nulls")
            # Parquet orders STRING and BINARY as unsigned bytes, not as Python str.
            as_bytes = (lambda v: v.encode()) if col.arrow_type == pa.string() else (lambda v: v)
            want_min, want_max = (min(present, key=as_bytes), max(present, key=as_bytes))
            if (stats.min, stats.max) != (want_min, want_max):
                raise AssertionError(f"{where}: statistics min/max {stats.min!r}/{stats.max!r}, "
                                     f"data {want_min!r}/{want_max!r}")


def key_value_metadata(file: str) -> dict[str, str]:
    """The file's key-value metadata, without pyarrow's own ARROW:schema entry."""
    raw = pq.ParquetFile(file).metadata.metadata or {}
    return {k.decode(): v.decode() for k, v in raw.items() if k != b"ARROW:schema"}


def read_rows(source, readers: tuple[str, ...] = READERS) -> list[dict]:
    """Rows of `source` as every reader in `readers` sees them, after checking that they agree
    and that each file's footer is right. The first reader's rows are returned."""
    files = parquet_files(source)
    results = {name: _READ[name](files) for name in readers}
    base_name, base = readers[0], results[readers[0]]
    problems = []
    for name in readers[1:]:
        problems += _reader_differences(base_name, base, name, results[name])
    if problems:
        raise AssertionError("readers disagree:\n  " + "\n  ".join(problems[:40]))
    for f in files:
        check_footer(f)
    return base
