// input_validation.cc — see input_validation.h.
#include "parquet/input_validation.h"

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/utf8.h"

namespace sscan::parquet {
namespace {

std::string_view Bytes(const uint8_t* p, size_t n) { return {reinterpret_cast<const char*>(p), n}; }

Status ColumnError(const ColumnSpec& spec, const std::string& what) {
  return Status::Error("parquet: column '" + spec.name + "': " + what);
}

bool IsNull(std::span<const uint8_t> validity, size_t row) {
  return !validity.empty() && validity[row] == 0;
}

// Offsets of `count` values: count + 1 entries, monotone, ending within `data_size`.
// Returns the index of the first bad offset, or SIZE_MAX.
size_t FirstBadOffset(std::span<const uint32_t> offsets, size_t data_size) {
  for (size_t i = 1; i < offsets.size(); ++i) {
    if (offsets[i] < offsets[i - 1]) return i;
  }
  if (!offsets.empty() && offsets.back() > data_size) return offsets.size() - 1;
  return SIZE_MAX;
}

// One pass over all values at once: if their concatenation is valid UTF-8 and no value starts
// with a continuation byte (10xxxxxx), no value boundary falls inside a multi-byte sequence, so
// every value is valid on its own. Much cheaper than a call per value for short strings.
bool ConcatenationSplitsIntoValidUtf8(const uint8_t* base, std::span<const uint32_t> offsets) {
  const size_t values = offsets.size() - 1;
  if (!IsValidUtf8(Bytes(base + offsets[0], offsets[values] - offsets[0]))) return false;
  for (size_t r = 0; r < values; ++r) {
    if (offsets[r + 1] > offsets[r] && (base[offsets[r]] & 0xC0) == 0x80) return false;
  }
  return true;
}

Status ValidatePlainByteArrays(const ColumnSpec& spec, const ColumnData& c, size_t rows) {
  if (c.offsets.size() != rows + 1 && !(rows == 0 && c.offsets.empty())) {
    return ColumnError(spec, "expected " + std::to_string(rows + 1) + " offsets, got " +
                                 std::to_string(c.offsets.size()));
  }
  if (const size_t bad = FirstBadOffset(c.offsets, c.data.size()); bad != SIZE_MAX) {
    return ColumnError(
        spec, "offset " + std::to_string(bad) + " is out of order or past the end of the data");
  }
  if (spec.logical != LogicalType::kString || rows == 0) return Status::Ok();
  const uint8_t* base = c.data.data();
  if (ConcatenationSplitsIntoValidUtf8(base, c.offsets.first(rows + 1))) return Status::Ok();
  // Slow path (some value is invalid, or a null slot holds stray bytes): value by value.
  for (size_t r = 0; r < rows; ++r) {
    if (IsNull(c.validity, r)) continue;
    if (!IsValidUtf8(Bytes(base + c.offsets[r], c.offsets[r + 1] - c.offsets[r]))) {
      return ColumnError(spec, "row " + std::to_string(r) + " is not valid UTF-8");
    }
  }
  return Status::Ok();
}

Status ValidateDictionaryByteArrays(const ColumnSpec& spec, const ColumnData& c, size_t rows) {
  if (c.indices.size() != rows) {
    return ColumnError(spec, "expected " + std::to_string(rows) + " dictionary indices, got " +
                                 std::to_string(c.indices.size()));
  }
  if (c.dict_offsets.empty()) return ColumnError(spec, "dictionary has no offsets");
  if (const size_t bad = FirstBadOffset(c.dict_offsets, c.dict_data.size()); bad != SIZE_MAX) {
    return ColumnError(spec, "dictionary offset " + std::to_string(bad) +
                                 " is out of order or past the end of the data");
  }
  const size_t entries = c.dict_offsets.size() - 1;
  for (size_t r = 0; r < rows; ++r) {
    if (IsNull(c.validity, r)) continue;
    if (c.indices[r] >= entries) {
      return ColumnError(spec, "row " + std::to_string(r) + ": dictionary index " +
                                   std::to_string(c.indices[r]) + " >= dictionary size " +
                                   std::to_string(entries));
    }
  }
  if (spec.logical != LogicalType::kString) return Status::Ok();
  const uint8_t* base = c.dict_data.data();
  if (ConcatenationSplitsIntoValidUtf8(base, c.dict_offsets)) return Status::Ok();
  // Check only the entries some non-null row uses: unused ones are never written.
  std::vector<uint8_t> checked(entries, 0);
  for (size_t r = 0; r < rows; ++r) {
    if (IsNull(c.validity, r)) continue;
    const uint32_t j = c.indices[r];
    if (checked[j] != 0) continue;
    checked[j] = 1;
    if (!IsValidUtf8(Bytes(base + c.dict_offsets[j], c.dict_offsets[j + 1] - c.dict_offsets[j]))) {
      return ColumnError(spec, "row " + std::to_string(r) + " (dictionary entry " +
                                   std::to_string(j) + ") is not valid UTF-8");
    }
  }
  return Status::Ok();
}

}  // namespace

Status ValidateSchema(const Schema& schema) {
  if (schema.columns.empty()) return Status::Error("parquet: schema has no columns");
  std::unordered_set<std::string> names;
  for (const ColumnSpec& spec : schema.columns) {
    if (spec.name.empty()) return Status::Error("parquet: a column has an empty name");
    if (!names.insert(spec.name).second) {
      return Status::Error("parquet: duplicate column name '" + spec.name + "'");
    }
    const bool integer =
        spec.physical == PhysicalType::kInt32 || spec.physical == PhysicalType::kInt64;
    const bool ok =
        integer ? spec.logical != LogicalType::kString
                : (spec.logical == LogicalType::kString || spec.logical == LogicalType::kNone);
    if (!ok) return ColumnError(spec, "annotation does not fit its physical type");
  }
  return Status::Ok();
}

Status ValidateRowGroup(const Schema& schema, const RowGroupData& data) {
  if (data.columns.size() != schema.columns.size()) {
    return Status::Error("parquet: row group has " + std::to_string(data.columns.size()) +
                         " columns, schema has " + std::to_string(schema.columns.size()));
  }
  const uint64_t rows64 = data.num_rows;
  if (rows64 > INT32_MAX) {
    // Page headers count values in i32; a row group this large is a caller bug anyway.
    return Status::Error("parquet: row group of " + std::to_string(rows64) +
                         " rows is larger than 2^31 - 1");
  }
  const size_t rows = static_cast<size_t>(rows64);
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    const ColumnSpec& spec = schema.columns[i];
    const ColumnData& c = data.columns[i];
    if (!c.validity.empty()) {
      if (c.validity.size() != rows) {
        return ColumnError(spec, "expected " + std::to_string(rows) + " validity bytes, got " +
                                     std::to_string(c.validity.size()));
      }
      if (spec.repetition == Repetition::kRequired) {
        for (size_t r = 0; r < rows; ++r) {
          if (c.validity[r] == 0) {
            return ColumnError(spec, "row " + std::to_string(r) + " is null in a REQUIRED column");
          }
        }
      }
    }
    Status s;
    switch (spec.physical) {
      case PhysicalType::kInt32:
        if (c.int32_values.size() != rows) {
          s = ColumnError(spec, "expected " + std::to_string(rows) + " int32 values, got " +
                                    std::to_string(c.int32_values.size()));
        }
        break;
      case PhysicalType::kInt64:
        if (c.int64_values.size() != rows) {
          s = ColumnError(spec, "expected " + std::to_string(rows) + " int64 values, got " +
                                    std::to_string(c.int64_values.size()));
        }
        break;
      case PhysicalType::kByteArray:
        if (c.is_prefixed_form()) {
          // Suffixes as plain values, prefixes as a dictionary; two valid UTF-8 strings
          // joined are valid UTF-8.
          s = ValidatePlainByteArrays(spec, c, rows);
          if (s.ok()) s = ValidateDictionaryByteArrays(spec, c, rows);
        } else if (c.is_dictionary_form()) {
          s = ValidateDictionaryByteArrays(spec, c, rows);
        } else {
          s = ValidatePlainByteArrays(spec, c, rows);
        }
        break;
    }
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace sscan::parquet
