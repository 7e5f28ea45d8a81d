// schema.h — the flat Parquet schemas this writer supports.
//
// A schema is a list of top-level columns (no nesting, no repeated fields). Each column is one
// of three physical types, with an optional annotation that readers use to pick the logical
// type. The writer emits both the LogicalType union and the legacy ConvertedType for every
// annotated column, because older readers read only the latter and newer ones prefer the
// former (see ../shared/notes/parquet-reader-quirks.md).
//
//   physical    logical        written as (LogicalType / ConvertedType)
//   kInt32      kNone          (none)                              -> int32
//   kInt32      kSignedInt     INTEGER(32, signed)   / INT_32      -> int32
//   kInt32      kUnsignedInt   INTEGER(32, unsigned) / UINT_32     -> uint32
//   kInt64      kNone          (none)                              -> int64
//   kInt64      kSignedInt     INTEGER(64, signed)   / INT_64      -> int64
//   kInt64      kUnsignedInt   INTEGER(64, unsigned) / UINT_64     -> uint64
//   kByteArray  kString        STRING                / UTF8        -> string (values must be UTF-8)
//   kByteArray  kNone          (none)                              -> binary
//
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sscan::parquet {

enum class PhysicalType : uint8_t { kInt32, kInt64, kByteArray };
enum class LogicalType : uint8_t { kNone, kSignedInt, kUnsignedInt, kString };
enum class Repetition : uint8_t { kRequired, kOptional };

struct ColumnSpec {
  std::string name;
  PhysicalType physical = PhysicalType::kInt64;
  LogicalType logical = LogicalType::kNone;
  Repetition repetition = Repetition::kRequired;
};

struct Schema {
  std::vector<ColumnSpec> columns;
};

}  // namespace sscan::parquet
