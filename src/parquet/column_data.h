// column_data.h — borrowed views of one row group's values, column by column.
//
// The caller owns every buffer and keeps it alive and unchanged until EncodeRowGroup returns.
// Values are stored one slot per row, nulls included (a null row's slot is ignored), so a
// caller can fill columns in one pass without compacting.
//
// Exactly one shape is used per column, matching its physical type:
//   kInt32      int32_values (UINT32 columns store the same bits)
//   kInt64      int64_values (UINT64 columns store the same bits)
//   kByteArray  plain form:      value i = data[offsets[i], offsets[i+1]), offsets.size() == rows+1
//               dictionary form: value i = dictionary entry indices[i], where entry j is
//                                dict_data[dict_offsets[j], dict_offsets[j+1]).
//                                Entries need not be sorted; they should be distinct.
//               prefixed form:   value i = dictionary entry indices[i] followed by
//                                data[offsets[i], offsets[i+1]) (both sets of fields given).
//                                For values that share long prefixes (a path is its parent's
//                                path plus a name): the caller keeps each prefix once and the
//                                writer joins them page by page, so the joined values never
//                                exist in memory all at once. Written PLAIN, like the plain
//                                form; its STRING values are valid UTF-8 when prefix and
//                                suffix each are.
// The dictionary form lets a caller that already knows the repetition (all children of one
// directory share a parent path) skip hashing. The form also picks the encoding of a STRING
// column, for the whole file: dictionary form -> RLE_DICTIONARY in every row group (no size
// limit, no fallback), plain form -> PLAIN in every row group. fastparquet returns None for
// the PLAIN values of a STRING column that mixes the two anywhere in the file (see
// byte_array_column_writer.cc), so the choice cannot depend on the data. Give repetitive
// STRING columns (parent_path, file_type, top_level_dir, owner, group) in dictionary form.
// BINARY columns and integers choose per column chunk: dictionary when it pays and fits
// WriterOptions::dictionary_size_limit, else PLAIN (or DELTA_BINARY_PACKED for integers).
//
// `validity` (OPTIONAL columns only): empty = no nulls, else one byte per row, 0 = null.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace sscan::parquet {

struct ColumnData {
  std::span<const int32_t> int32_values;
  std::span<const int64_t> int64_values;

  std::span<const uint32_t> offsets;
  std::span<const uint8_t> data;

  std::span<const uint32_t> dict_offsets;
  std::span<const uint8_t> dict_data;
  std::span<const uint32_t> indices;

  std::span<const uint8_t> validity;

  bool is_prefixed_form() const { return !offsets.empty() && !dict_offsets.empty(); }
  bool is_dictionary_form() const {
    return (!indices.empty() || !dict_offsets.empty()) && !is_prefixed_form();
  }
};

struct RowGroupData {
  uint64_t num_rows = 0;
  std::vector<ColumnData> columns;  // one per schema column, in schema order
};

}  // namespace sscan::parquet
