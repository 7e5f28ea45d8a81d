"""The Parquet writer, read back by every reader our users have.

Each case is a seeded, generated table (schema + values). parquet_driver writes it; pyarrow,
polars, duckdb, pandas, fastparquet and DataFusion (arrow-rs) must each return exactly the
values written, with the declared types, and without a warning. pyarrow's view of the footer must match what the data
implies: per-row-group statistics (min, max, null_count, has_min_max) and row counts.
"""
import random
import warnings

import datafusion
import duckdb
import fastparquet
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

# kind -> (physical, logical, signed?, bits)
KINDS = {
    "uint64": ("int64", "unsigned"),
    "int64": ("int64", "signed"),
    "int64_plain": ("int64", "none"),
    "uint32": ("int32", "unsigned"),
    "int32": ("int32", "signed"),
    "int32_plain": ("int32", "none"),
    "string": ("byte_array", "string"),
    "binary": ("byte_array", "none"),
}
ARROW = {"uint64": pa.uint64(), "int64": pa.int64(), "int64_plain": pa.int64(),
         "uint32": pa.uint32(), "int32": pa.int32(), "int32_plain": pa.int32(),
         "string": pa.string(), "binary": pa.binary()}
POLARS = {"uint64": pl.UInt64, "int64": pl.Int64, "int64_plain": pl.Int64, "uint32": pl.UInt32,
          "int32": pl.Int32, "int32_plain": pl.Int32, "string": pl.String, "binary": pl.Binary}
DUCKDB = {"uint64": "UBIGINT", "int64": "BIGINT", "int64_plain": "BIGINT", "uint32": "UINTEGER",
          "int32": "INTEGER", "int32_plain": "INTEGER", "string": "VARCHAR", "binary": "BLOB"}
PANDAS = {"uint64": "UInt64", "int64": "Int64", "int64_plain": "Int64", "uint32": "UInt32",
          "int32": "Int32", "int32_plain": "Int32", "string": "string", "binary": "object"}
FASTPARQUET = {"uint64": "uint64", "int64": "int64", "int64_plain": "int64", "uint32": "uint32",
               "int32": "int32", "int32_plain": "int32", "string": "str", "binary": "object"}

U64_MAX, I64_MIN, I64_MAX = 2**64 - 1, -(2**63), 2**63 - 1
U32_MAX, I32_MIN, I32_MAX = 2**32 - 1, -(2**31), 2**31 - 1


def is_int(kind):
    return KINDS[kind][0] != "byte_array"


class Column:
    """One column: its kind, nullability and Python values (int / str / bytes / None).

    `dictionary`/`indices` (optional) make the driver pass it in dictionary form."""

    def __init__(self, name, kind, values, optional=False, dictionary=None, indices=None):
        self.name, self.kind, self.values, self.optional = name, kind, values, optional
        self.dictionary, self.indices = dictionary, indices
        assert optional or all(v is not None for v in values)

    def spec(self):
        physical, logical = KINDS[self.kind]
        return {"name": self.name, "physical": physical, "logical": logical,
                "repetition": "optional" if self.optional else "required"}

    def encoded(self):
        def enc(v):
            if v is None:
                return None
            if isinstance(v, str):
                return v.encode().hex()
            if isinstance(v, bytes):
                return v.hex()
            return str(v)

        if self.dictionary is not None:
            return {"dictionary": [enc(d) for d in self.dictionary], "indices": self.indices}
        return {"values": [enc(v) for v in self.values]}


def dictionary_column(name, kind, entries, indices, optional=False):
    values = [None if i is None else entries[i] for i in indices]
    return Column(name, kind, values, optional, dictionary=entries, indices=indices)


def make_doc(columns, options=None, rows=None):
    rows = len(columns[0].values) if rows is None else rows
    return {"num_rows": rows, "schema": [c.spec() for c in columns],
            "columns": [c.encoded() for c in columns], "options": options or {},
            "key_value_metadata": {"scanner_version": "test", "root": "/data"}}


# --- readers ----------------------------------------------------------------------------------

def plain(v):
    """A reader's scalar as a plain Python value (None for every kind of null)."""
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    if hasattr(v, "item"):  # numpy scalar
        return v.item()
    return v


def check_pyarrow(path, columns):
    table = pq.read_table(path)
    for c in columns:
        assert table.schema.field(c.name).type == ARROW[c.kind], c.name
        assert table.column(c.name).to_pylist() == c.values, c.name


def check_polars(path, columns):
    df = pl.read_parquet(path)
    for c in columns:
        assert df.schema[c.name] == POLARS[c.kind], c.name
        assert df[c.name].to_list() == c.values, c.name


def check_duckdb(path, columns):
    con = duckdb.connect()
    try:
        types = {r[0]: r[1] for r in con.execute(
            "DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()}
        rows = con.execute("SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
    finally:
        con.close()
    for j, c in enumerate(columns):
        assert types[c.name] == DUCKDB[c.kind], c.name
        got = [r[j] for r in rows]
        if c.kind == "binary":
            got = [None if v is None else bytes(v) for v in got]
        assert got == c.values, c.name


def check_pandas(path, columns):
    df = pd.read_parquet(path, engine="pyarrow", dtype_backend="numpy_nullable")
    for c in columns:
        assert str(df[c.name].dtype) == PANDAS[c.kind], c.name
        assert [plain(v) for v in df[c.name]] == c.values, c.name


def check_fastparquet(path, columns):
    with open(path, "rb") as fh:  # fastparquet leaves a path it opened itself unclosed
        df = fastparquet.ParquetFile(fh).to_pandas()
    for c in columns:
        want = FASTPARQUET[c.kind]
        if is_int(c.kind) and None in c.values:
            # Nullable extension dtype (fastparquet picks it from the footer's null counts).
            want = want.capitalize().replace("Uint", "UInt")
        got = str(df[c.name].dtype)
        # Strings come back as pandas' string dtype, or as object when a chunk holds no
        # value to infer from (e.g. all null): both hold Python str.
        assert got == want or (c.kind == "string" and got == "object"), (c.name, got)
        assert [plain(v) for v in df[c.name]] == c.values, c.name


def check_datafusion(path, columns):
    # One partition: rows come back in file order (several would read row groups in parallel).
    ctx = datafusion.SessionContext(datafusion.SessionConfig().with_target_partitions(1))
    table = ctx.read_parquet(str(path)).to_arrow_table()
    for c in columns:
        got = table.schema.field(c.name).type
        # Strings and binaries may come back as Arrow view types (DataFusion's default).
        assert got in (ARROW[c.kind], DATAFUSION_VIEW.get(c.kind)), (c.name, got)
        assert table.column(c.name).to_pylist() == c.values, c.name


DATAFUSION_VIEW = {"string": pa.string_view(), "binary": pa.binary_view()}

READERS = [check_pyarrow, check_polars, check_duckdb, check_pandas, check_fastparquet,
           check_datafusion]


def sort_key(kind):
    if kind == "string":
        return lambda v: v.encode()
    return lambda v: v


def check_footer(path, columns, rows, rows_per_group, max_stats, dictionary_enabled):
    md = pq.ParquetFile(path).metadata
    assert md.num_rows == rows
    assert sum(md.row_group(i).num_rows for i in range(md.num_row_groups)) == rows
    expected_groups = [min(rows_per_group, rows - b) for b in range(0, rows, rows_per_group)]
    assert [md.row_group(i).num_rows for i in range(md.num_row_groups)] == expected_groups
    begin = 0
    for g, count in enumerate(expected_groups):
        for j, c in enumerate(columns):
            chunk = md.row_group(g).column(j)
            values = c.values[begin:begin + count]
            present = [v for v in values if v is not None]
            st = chunk.statistics
            assert st is not None and st.null_count == count - len(present), (g, c.name)
            fits = bool(present)
            if fits and not is_int(c.kind):
                key = sort_key(c.kind)
                fits = (len(key(min(present, key=key))) <= max_stats
                        and len(key(max(present, key=key))) <= max_stats)
            assert st.has_min_max == fits, (g, c.name)
            if fits:
                key = sort_key(c.kind)
                assert st.min == min(present, key=key), (g, c.name)
                assert st.max == max(present, key=key), (g, c.name)
            # A chunk is all-dictionary or all-plain, never a mid-chunk fallback.
            encodings = set(chunk.encodings)
            if chunk.has_dictionary_page:
                assert "RLE_DICTIONARY" in encodings and "DELTA_BINARY_PACKED" not in encodings
            else:
                assert "RLE_DICTIONARY" not in encodings
        begin += count
    # STRING columns: one encoding for the whole file (fastparquet drops the PLAIN values of
    # a STRING column that also has dictionary pages anywhere in the file).
    for j, c in enumerate(columns):
        if c.kind == "string":
            kinds = {md.row_group(g).column(j).has_dictionary_page
                     for g in range(md.num_row_groups)}
            assert len(kinds) <= 1, c.name
            assert kinds <= {c.dictionary is not None and dictionary_enabled}, c.name


def roundtrip(write_parquet, columns, options=None, rows=None):
    options = dict(options or {})
    doc = make_doc(columns, options, rows)
    path = write_parquet(doc)
    n = doc["num_rows"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for reader in READERS:
            reader(path, columns)
    check_footer(path, columns, n, options.get("rows_per_row_group", 1 << 20),
                 options.get("max_statistics_size", 4096), options.get("enable_dictionary", True))
    return path


# --- generated data ---------------------------------------------------------------------------

EDGE = {
    "uint64": [0, 1, U64_MAX, 2**63, 2**63 - 1, U64_MAX - 1],
    "int64": [0, -1, I64_MIN, I64_MAX, 1, I64_MIN + 1],
    "int64_plain": [I64_MAX, I64_MIN, 0, -5, 5, 42],
    "uint32": [0, U32_MAX, 2**31, 2**31 - 1, 1, 7],
    "int32": [I32_MIN, I32_MAX, 0, -1, 1, 100],
    "int32_plain": [0, I32_MIN, I32_MAX, 3, -3, 9],
    "string": ["", "a", "é", "日本語/ファイル", "emoji 😀", "z" * 70_000, "\u00ff\u0100", "/"],
    "binary": [b"", b"\x00", b"\xff\xfe\x80", b"\x80" * 3, b"abc", bytes(range(256)) * 300],
}


def random_value(rng, kind):
    pool = EDGE[kind]
    if rng.random() < 0.3:
        return rng.choice(pool)
    if kind == "uint64":
        return rng.randrange(0, 2**64)
    if kind in ("int64", "int64_plain"):
        return rng.randrange(-(2**63), 2**63)
    if kind == "uint32":
        return rng.randrange(0, 2**32)
    if kind in ("int32", "int32_plain"):
        return rng.randrange(-(2**31), 2**31)
    if kind == "string":
        alphabet = "abcdefghij/._-é日😀"
        return "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 20)))
    return bytes(rng.randrange(256) for _ in range(rng.randrange(0, 12)))


def random_columns(rng, rows, null_rate=0.2):
    cols = []
    for kind in KINDS:
        cols.append(Column(f"{kind}_req", kind, [random_value(rng, kind) for _ in range(rows)]))
        cols.append(Column(f"{kind}_opt", kind,
                           [None if rng.random() < null_rate else random_value(rng, kind)
                            for _ in range(rows)], optional=True))
    return cols


def scanner_columns(rng, rows):
    """21 columns shaped like scanner output (see SPEC.md, Output schema)."""
    top = ["home", "projects", "scratch", "data"]
    exts = ["txt", "py", "c", "h", "parquet", "", "directory", "gz", "log", "symlink"]
    dirs, parents, parent_idx, paths = [], [], [], []
    inode, t0 = rng.randrange(1, 2**40), 1_700_000_000
    rec = {k: [] for k in ("size", "mtime", "atime", "btime", "ft", "inode", "perm", "depth",
                           "top", "uid", "gid", "alloc", "nlink", "dev", "ctime", "link",
                           "raw", "owner", "group")}
    for _ in range(rows):
        if not dirs or rng.random() < 0.05:
            d = "/" + "/".join([rng.choice(top)] + [f"u{rng.randrange(50)}" for _ in range(
                rng.randrange(1, 6))])
            dirs.append(d)
            parents.append(d)
        p = len(parents) - 1 if rng.random() < 0.9 else rng.randrange(len(parents))
        parent_idx.append(p)
        ext = rng.choice(exts)
        name = f"file_{rng.randrange(10**6)}" + (f".{ext}" if ext else "")
        paths.append(parents[p] + "/" + name)
        inode += rng.choice([1, 1, 1, 2, 17, -3])
        rec["size"].append(rng.choice([0, 4096, rng.randrange(10**9), 2**63 + 5]))
        m = t0 + rng.randrange(-10**6, 10**6)
        rec["mtime"].append(m)
        rec["atime"].append(m + rng.randrange(0, 1000))
        rec["btime"].append(None if rng.random() < 0.8 else m - 5)
        rec["ft"].append(ext)
        rec["inode"].append(inode % 2**64)
        rec["perm"].append(rng.choice([0o644, 0o755, 0o600, 0o4755]))
        rec["depth"].append(parents[p].count("/"))
        rec["top"].append(parents[p].split("/")[1])
        rec["uid"].append(rng.choice([0, 1000, 1001, 4294967294]))
        rec["gid"].append(rng.choice([0, 100, 1000]))
        rec["alloc"].append(rng.choice([0, 4096, 8192]))
        rec["nlink"].append(rng.choice([1, 1, 1, 2]))
        rec["dev"].append(rng.choice([2049, 66306]))
        rec["ctime"].append(m + 1)
        rec["link"].append(None if rng.random() < 0.95 else "../target/" + name)
        rec["raw"].append(None if rng.random() < 0.98 else b"/bad\xff" + name.encode())
        rec["owner"].append(None if rng.random() < 0.1 else rng.choice(["root", "alice", "bob"]))
        rec["group"].append(None if rng.random() < 0.3 else rng.choice(["wheel", "users"]))
    return [
        Column("path", "string", paths),
        Column("size", "uint64", rec["size"]),
        Column("modified_time", "int64", rec["mtime"]),
        Column("accessed_time", "int64", rec["atime"]),
        Column("created_time", "int64", rec["btime"], optional=True),
        Column("file_type", "string", rec["ft"]),
        Column("inode", "uint64", rec["inode"]),
        Column("permissions", "uint32", rec["perm"]),
        dictionary_column("parent_path", "string", parents, parent_idx),
        Column("depth", "uint32", rec["depth"]),
        dictionary_column("top_level_dir", "string", top, [top.index(t) for t in rec["top"]]),
        Column("uid", "uint32", rec["uid"]),
        Column("gid", "uint32", rec["gid"]),
        Column("allocated_size", "uint64", rec["alloc"]),
        Column("nlink", "uint64", rec["nlink"]),
        Column("device", "uint64", rec["dev"]),
        Column("changed_time", "int64", rec["ctime"]),
        Column("symlink_target", "string", rec["link"], optional=True),
        Column("path_bytes", "binary", rec["raw"], optional=True),
        dictionary_column("owner", "string", ["root", "alice", "bob", "unused"],
                          [None if o is None else ["root", "alice", "bob"].index(o)
                           for o in rec["owner"]], optional=True),
        Column("group", "string", rec["group"], optional=True),
    ]


# --- the cases --------------------------------------------------------------------------------

@pytest.mark.parametrize("codec,level", [("zstd", 1), ("zstd", 3), ("zstd", 9), ("snappy", 0),
                                         ("none", 0)])
def test_every_kind_every_codec(write_parquet, codec, level):
    rng = random.Random(f"codec-{codec}-{level}")
    roundtrip(write_parquet, random_columns(rng, 300),
              {"codec": codec, "level": level, "rows_per_row_group": 128})


def test_edge_values(write_parquet):
    cols = []
    for kind, pool in EDGE.items():
        n = 8
        vals = [pool[i % len(pool)] for i in range(n)]
        cols.append(Column(f"{kind}_req", kind, vals))
        cols.append(Column(f"{kind}_opt", kind, [None if i % 3 == 1 else v
                                                 for i, v in enumerate(vals)], optional=True))
    roundtrip(write_parquet, cols)
    # The same with statistics limited below the 64 KiB string: min/max are then omitted.
    roundtrip(write_parquet, cols, {"max_statistics_size": 64, "codec": "snappy"})


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_scanner_shaped(write_parquet, seed):
    rng = random.Random(seed)
    roundtrip(write_parquet, scanner_columns(rng, 3000),
              {"rows_per_row_group": 1000, "threads": 2, "data_page_size": 4096})


def test_one_row(write_parquet):
    roundtrip(write_parquet, random_columns(random.Random(11), 1))


def test_zero_rows(write_parquet):
    cols = random_columns(random.Random(12), 0)
    path = roundtrip(write_parquet, cols, rows=0)
    assert pq.ParquetFile(path).metadata.num_row_groups == 0


def test_many_row_groups(write_parquet):
    rng = random.Random(13)
    path = roundtrip(write_parquet, random_columns(rng, 500), {"rows_per_row_group": 7})
    assert pq.ParquetFile(path).metadata.num_row_groups == 72


def test_tiny_pages(write_parquet):
    rng = random.Random(14)
    cols = random_columns(rng, 400) + scanner_columns(rng, 400)
    roundtrip(write_parquet, cols, {"data_page_size": 16, "codec": "zstd"})


def test_all_null_columns(write_parquet):
    cols = [Column(f"{k}_null", k, [None] * 50, optional=True) for k in KINDS]
    cols.append(Column("id", "int64", list(range(50))))
    roundtrip(write_parquet, cols, {"rows_per_row_group": 20})


def test_dictionary_overflows_mid_chunk(write_parquet):
    # Repetitive at first (a dictionary pays), then unique values push the dictionary past
    # the limit: the whole chunk must be PLAIN (fastparquet misreads a mid-chunk fallback).
    rng = random.Random(15)
    rows = 2000
    blobs = [f"dir/{i % 5}".encode() if i < 1000 else f"u/{i}/{rng.random()}".encode()
             for i in range(rows)]
    ints = [i % 3 if i < 1000 else rng.randrange(2**60) for i in range(rows)]
    strings = [b.decode() for b in blobs]
    cols = [Column("b", "binary", blobs),
            Column("b_opt", "binary", [None if i % 4 == 0 else v for i, v in enumerate(blobs)],
                   True),
            Column("i", "uint64", ints),
            # STRING in dictionary form stays dictionary-encoded past the limit; in plain
            # form it is PLAIN throughout (one encoding per STRING column and file).
            dictionary_column("d", "string", [f"/entry/{j}" * 20 for j in range(1500)],
                              [j % 1500 for j in range(rows)]),
            Column("s", "string", strings)]
    path = roundtrip(write_parquet, cols, {"dictionary_size_limit": 4096, "enable_delta": False})
    md = pq.ParquetFile(path).metadata
    assert [md.row_group(0).column(j).has_dictionary_page for j in range(5)] == [
        False, False, False, True, False]
    # With room for it, the repetitive first half is dictionary-encoded (mixed row groups
    # are fine for BINARY and integers).
    path = roundtrip(write_parquet, cols, {"rows_per_row_group": 1000})
    md = pq.ParquetFile(path).metadata
    assert [md.row_group(0).column(j).has_dictionary_page for j in range(5)] == [
        True, True, True, True, False]
    assert not md.row_group(1).column(0).has_dictionary_page


def test_dictionary_form(write_parquet):
    rng = random.Random(16)
    entries = ["", "/a", "/b/é", "/unused", "/c" * 100, "/zzz"]
    idx = [rng.choice([0, 1, 2, 4, 5]) for _ in range(300)]
    opt_idx = [None if rng.random() < 0.3 else rng.choice([1, 2, 3]) for _ in range(300)]
    cols = [dictionary_column("d", "string", entries, idx),
            dictionary_column("d_opt", "string", entries, opt_idx, optional=True),
            dictionary_column("b", "binary", [b"\xff", b"\x00\x01", b""], [i % 3 for i in range(300)]),
            dictionary_column("one", "string", ["only"], [0] * 300),
            dictionary_column("nulls", "string", ["x"], [None] * 300, optional=True)]
    roundtrip(write_parquet, cols, {"rows_per_row_group": 64})
    roundtrip(write_parquet, cols, {"enable_dictionary": False, "codec": "none"})


@pytest.mark.parametrize("enable_dictionary", [False, True])
def test_delta_extremes(write_parquet, enable_dictionary):
    # Alternating extremes: every delta wraps around; clustered runs: small deltas.
    rng = random.Random(17)
    n = 1000
    cols = [
        Column("i64_wrap", "int64", [I64_MIN if i % 2 else I64_MAX for i in range(n)]),
        Column("u64_wrap", "uint64", [0 if i % 3 else U64_MAX for i in range(n)]),
        Column("i32_wrap", "int32", [I32_MIN if i % 2 else I32_MAX for i in range(n)]),
        Column("u32_wrap", "uint32", [rng.choice([0, U32_MAX]) for _ in range(n)]),
        Column("clustered", "int64", [1_700_000_000 + i * 3 + rng.randrange(5) for i in range(n)]),
        Column("increasing", "uint64", [2**63 + i for i in range(n)], ),
        Column("opt", "int64", [None if rng.random() < 0.5 else rng.randrange(-10, 10)
                                for _ in range(n)], optional=True),
    ]
    for rows in (1, 2, 129, 130, 257, 1000):  # one value, one delta, exactly one block, block+1
        roundtrip(write_parquet, [Column(c.name, c.kind, c.values[:rows], c.optional)
                                  for c in cols],
                  {"enable_dictionary": enable_dictionary, "data_page_size": 300})


def test_key_value_metadata(write_parquet):
    path = write_parquet(make_doc([Column("x", "int64", [1, 2, 3])]))
    md = pq.ParquetFile(path).metadata
    assert md.metadata[b"scanner_version"] == b"test"
    assert md.metadata[b"root"] == b"/data"
    assert md.created_by == "storage-scanner conformance driver"


@pytest.mark.parametrize("bad", ["utf8", "index", "offsets_via_null_required"])
def test_rejected_input(run_driver, bad):
    if bad == "utf8":
        doc = make_doc([Column("s", "binary", [b"ok", b"\xc3\x28"])])
        doc["schema"][0]["logical"] = "string"
        want = "UTF-8"
    elif bad == "index":
        doc = make_doc([dictionary_column("d", "string", ["a"], [0, 0])])
        doc["columns"][0]["indices"] = [0, 1]
        want = "dictionary index"
    else:
        doc = make_doc([Column("x", "int64", [1, None, 3], optional=True)])
        doc["schema"][0]["repetition"] = "required"
        want = "REQUIRED"
    proc = run_driver(doc)
    assert proc.returncode == 1
    assert want in proc.stderr


@pytest.mark.parametrize("width", [8, 24, 28, 29, 40, 57, 63])
def test_wide_deltas(write_parquet, width):
    # fastparquet decodes DELTA_BINARY_PACKED miniblocks wider than 28 bits wrongly (and
    # crashes past 56): the writer must not produce them; every reader must get the values.
    rng = random.Random(width)
    for kind, mod in (("int64", 2**64), ("uint32", 2**32)):
        vals = [0]
        for _ in range(140):
            vals.append((vals[-1] + rng.randrange(0, 2**width)) % mod)
        if kind == "int64":
            vals = [v - 2**64 if v >= 2**63 else v for v in vals]
        path = roundtrip(write_parquet, [Column("x", kind, vals)],
                         {"enable_dictionary": False, "codec": "none"})
        encodings = pq.ParquetFile(path).metadata.row_group(0).column(0).encodings
        if width > 28:
            assert "DELTA_BINARY_PACKED" not in encodings
        elif width <= 24:
            assert "DELTA_BINARY_PACKED" in encodings
