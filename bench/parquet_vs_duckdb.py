#!/usr/bin/env python3
"""Bytes per row: our Parquet writer vs DuckDB's, for the same 1M scanner-shaped rows.

    .venv/bin/python bench/parquet_vs_duckdb.py [--build DIR] [--level N] [--columns]
    .venv/bin/python bench/parquet_vs_duckdb.py --scan SCAN.parquet [--columns]

Runs `parquet_bench --dump_parquet=...` (zstd, default level unless --level), then has
DuckDB read those rows and COPY them to Parquet with COMPRESSION zstd, and prints the
bytes/row of both files and their ratio (ours / DuckDB's; <= 1.0 is the target). With
--scan, the rows are those of a real scan's output instead (e.g. of bench/make_tree.py's
tree, see the README's Performance section). With --columns, also the compressed bytes/row
of every column in both files.
"""
import argparse
import os
import pathlib
import subprocess
import tempfile

import duckdb
import pyarrow.parquet as pq

REPO = pathlib.Path(__file__).resolve().parents[1]


def column_sizes(path):
    md = pq.ParquetFile(path).metadata
    sizes = {}
    for g in range(md.num_row_groups):
        rg = md.row_group(g)
        for j in range(rg.num_columns):
            c = rg.column(j)
            sizes[c.path_in_schema] = sizes.get(c.path_in_schema, 0) + c.total_compressed_size
    return sizes, md.num_rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.environ.get("SSCAN_BUILD_DIR", REPO / "build/release"))
    ap.add_argument("--level", type=int, default=0, help="zstd level (0: the writer's default)")
    ap.add_argument("--columns", action="store_true", help="per-column bytes/row")
    ap.add_argument("--scan", help="a storage-scanner output file to compare instead")
    args = ap.parse_args()
    bench = pathlib.Path(args.build) / "bench" / "parquet_bench"
    with tempfile.TemporaryDirectory() as tmp:
        theirs = pathlib.Path(tmp) / "duckdb.parquet"
        if args.scan:
            ours = pathlib.Path(args.scan)
        else:
            ours = pathlib.Path(tmp) / "ours.parquet"
            cmd = [str(bench), f"--dump_parquet={ours}"]
            if args.level:
                cmd.append(f"--level={args.level}")
            subprocess.run(cmd, check=True)
        con = duckdb.connect()
        con.execute(f"COPY (SELECT * FROM read_parquet('{ours}')) TO '{theirs}' "
                    "(FORMAT parquet, COMPRESSION zstd)")
        con.close()
        rows = pq.ParquetFile(ours).metadata.num_rows
        assert pq.ParquetFile(theirs).metadata.num_rows == rows
        a, b = ours.stat().st_size, theirs.stat().st_size
        print(f"rows: {rows}")
        print(f"ours:   {a:>12,} bytes  {a / rows:7.2f} bytes/row")
        print(f"duckdb: {b:>12,} bytes  {b / rows:7.2f} bytes/row  (duckdb {duckdb.__version__})")
        print(f"ratio ours/duckdb: {a / b:.3f}")
        if args.columns:
            sa, _ = column_sizes(ours)
            sb, _ = column_sizes(theirs)
            print(f"{'column':<16}{'ours':>10}{'duckdb':>10}  (bytes/row)")
            for name in sa:
                print(f"{name:<16}{sa[name] / rows:>10.3f}{sb.get(name, 0) / rows:>10.3f}")


if __name__ == "__main__":
    main()
