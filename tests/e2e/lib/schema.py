"""The output schema every Parquet file the scanner writes must have, in column order.

One table drives every check: the Arrow type pyarrow must read, whether the column may hold
nulls, and what each of the other readers must turn it into. Unsigned columns are the ones
readers most often get wrong (Spark has none, pandas silently widens), so each reader's
unsigned type is spelled out rather than derived.
"""
from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True)
class Column:
    name: str
    arrow_type: pa.DataType
    nullable: bool


COLUMNS: tuple[Column, ...] = (
    Column("path", pa.string(), False),
    Column("size", pa.uint64(), False),
    Column("modified_time", pa.int64(), False),
    Column("accessed_time", pa.int64(), False),
    Column("created_time", pa.int64(), True),
    Column("file_type", pa.string(), False),
    Column("inode", pa.uint64(), False),
    Column("permissions", pa.uint32(), False),
    Column("parent_path", pa.string(), False),
    Column("depth", pa.uint32(), False),
    Column("top_level_dir", pa.string(), False),
    Column("uid", pa.uint32(), False),
    Column("gid", pa.uint32(), False),
    Column("allocated_size", pa.uint64(), False),
    Column("nlink", pa.uint64(), False),
    Column("device", pa.uint64(), False),
    Column("changed_time", pa.int64(), False),
    Column("symlink_target", pa.string(), True),
    Column("path_bytes", pa.binary(), True),
    Column("owner", pa.string(), True),
    Column("group", pa.string(), True),
)

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}

ARROW_SCHEMA = pa.schema([pa.field(c.name, c.arrow_type, nullable=c.nullable) for c in COLUMNS])

# Parquet-level annotations (pyarrow's ParquetSchema spelling). The reader-quirks note asks for
# both the LogicalType and the legacy ConvertedType on strings and unsigned integers, because
# some readers look at only one of them. Signed INT64 and BINARY need no annotation; a writer
# may add INTEGER(64, signed) / INT_64 to INT64, so those are accepted too.
PARQUET_ANNOTATIONS: dict[pa.DataType, tuple[str, set[str], set[str]]] = {
    # arrow type: (physical type, accepted logical types, accepted converted types)
    pa.string(): ("BYTE_ARRAY", {"String"}, {"UTF8"}),
    pa.binary(): ("BYTE_ARRAY", {"None"}, {"NONE"}),
    pa.uint64(): ("INT64", {"Int(bitWidth=64, isSigned=false)"}, {"UINT_64"}),
    pa.uint32(): ("INT32", {"Int(bitWidth=32, isSigned=false)"}, {"UINT_32"}),
    pa.int64(): ("INT64", {"None", "Int(bitWidth=64, isSigned=true)"}, {"NONE", "INT_64"}),
}
