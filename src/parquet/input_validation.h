// input_validation.h — checks a row group's borrowed buffers before anything is encoded.
//
// EncodeRowGroup promises to fail without side effects on inconsistent input, and the
// encoders behind it index the caller's buffers without bounds checks. So every invariant
// the encoders rely on is checked here, once, up front:
//   - the schema is supported (known type/annotation pairs, unique non-empty names);
//   - one ColumnData per column, of the shape its physical type needs, with num_rows slots;
//   - byte-array offsets are monotone and end inside `data` (plain form); dictionary offsets
//     likewise, and every non-null row's index is below the dictionary size;
//   - validity is empty or num_rows bytes, and a REQUIRED column has no null;
//   - every non-null value of a STRING column is valid UTF-8 (only the dictionary entries
//     that non-null rows use are checked in dictionary form).
// Messages name the column and the first offending row.
//
// Thread safety: pure functions.
#pragma once

#include "common/status.h"
#include "parquet/column_data.h"
#include "parquet/schema.h"

namespace sscan::parquet {

Status ValidateSchema(const Schema& schema);
// REQUIRES: ValidateSchema(schema) passed.
Status ValidateRowGroup(const Schema& schema, const RowGroupData& data);
// The row group's shape and column `index` alone (what ValidateRowGroup checks of it).
// REQUIRES: ValidateSchema(schema) passed; index < schema.columns.size().
Status ValidateColumn(const Schema& schema, const RowGroupData& data, size_t index);

}  // namespace sscan::parquet
