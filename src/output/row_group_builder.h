// row_group_builder.h — rows of the snapshot schema, column by column, for one row group.
//
// Segments from the walker are appended here (under the sink's lock, so this is the hot path:
// values written by row number into arrays allocated once, no per-row allocation or check).
// `path` is kept as "/name" after its parent's entry in parent_path's dictionary (the
// writer's prefixed form): a row costs its name, not its path, which is most of a row group's
// memory otherwise. Columns that
// repeat are built directly in dictionary form, keyed by what the walker already knows:
//   parent_path    by directory id (all entries of a segment share it: one lookup per segment)
//   top_level_dir  by name (one lookup per segment below depth 1)
//   file_type      by FileTypeKey (kind or extension as two integers), through a small cache
//   owner, group   by uid/gid, resolved only in Finish() — on the encoding thread, once per
//                  distinct id in the group
// Every STRING value is made valid UTF-8 (see common/utf8.h); a path that was not gets its raw
// bytes in path_bytes.
//
// Thread safety: none; one owner at a time. Views returned by Finish() stay valid until the
// next Reset() or Append().
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/id_index_map.h"
#include "output/file_type.h"
#include "output/name_resolver.h"
#include "parquet/column_data.h"
#include "walk/segment.h"

namespace sscan::output {

// Plain UTF-8 strings one after another: offsets[i]..offsets[i+1].
struct StringColumn {
  std::vector<uint32_t> offsets{0};
  std::string data;
  void Clear() {
    offsets.assign(1, 0);
    data.clear();
  }
  void Seal() { offsets.push_back(static_cast<uint32_t>(data.size())); }
};

// One value per row, written by row number into memory allocated once for the builder's
// capacity: no capacity check or size update per value (room() is the one check, per
// segment), and no page touched before a row is written there.
template <typename T>
class RowArray {
 public:
  explicit RowArray(size_t capacity) : values_(std::make_unique_for_overwrite<T[]>(capacity)) {}
  T& operator[](size_t row) { return values_[row]; }
  std::span<const T> first(size_t rows) const { return {values_.get(), rows}; }

 private:
  std::unique_ptr<T[]> values_;
};

// StringColumn with one value per row: row r is offsets[r]..offsets[r+1].
struct RowStringColumn {
  explicit RowStringColumn(size_t capacity) : offsets(capacity + 1) { offsets[0] = 0; }
  RowArray<uint32_t> offsets;
  std::string data;
  void Seal(size_t row) { offsets[row + 1] = static_cast<uint32_t>(data.size()); }
};

// A dictionary column: distinct values + one index per row.
struct DictColumn {
  StringColumn values;
  std::vector<uint32_t> indices;
  void Clear() {
    values.Clear();
    indices.clear();
  }
};

class RowGroupBuilder {
 public:
  // `root`: the scan root's path (raw bytes), whose row a kRoot segment describes.
  RowGroupBuilder(size_t capacity, std::string root);

  size_t rows() const { return rows_; }
  size_t capacity() const { return capacity_; }
  size_t room() const { return capacity_ - rows_; }

  // Appends rows for entries [first, first + count) of `seg`. REQUIRES: count <= room().
  void Append(const walk::Segment& seg, size_t first, size_t count);

  // Completes the derived columns (owner, group) and returns views of every column.
  parquet::RowGroupData Finish(NameResolver* names);
  void Reset();

  size_t memory_bytes() const;

 private:
  uint32_t ParentIndex(const walk::Segment& seg);
  // Heterogeneous lookup: find by string_view without building a std::string.
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using StringIndex = std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>>;

  uint32_t InternString(StringColumn* values, StringIndex* map, std::string_view raw);
  // file_type's index for an entry: through a small direct-mapped cache keyed by FileTypeKey
  // (two integers) before FileType() and the map. Entries of a directory alternate between a
  // few types; a map lookup per row cost ~4% of a scan's user time, a string compare per row
  // another ~2%.
  uint32_t FileTypeIndex(uint32_t mode, std::string_view name);
  void AppendOne(const walk::Segment& seg, const walk::Entry& e, uint32_t parent_index,
                 uint32_t top_index);
  void FinishNames(std::span<const int32_t> ids, bool users, NameResolver* names, DictColumn* out,
                   std::vector<uint8_t>* validity);

  const size_t capacity_;
  const std::string root_;
  std::string root_parent_;
  size_t rows_ = 0;

  // Filled by Append, row by row.
  RowStringColumn path_;
  RowArray<int64_t> size_, mtime_, atime_, btime_, inode_, allocated_, nlink_, device_, ctime_;
  RowArray<uint8_t> btime_valid_;
  RowArray<int32_t> permissions_, depth_, uid_, gid_;
  StringColumn file_type_, parent_path_, top_level_;  // dictionaries; the indices:
  RowArray<uint32_t> file_type_index_, parent_path_index_, top_level_index_;
  RowStringColumn symlink_target_, path_bytes_;
  RowArray<uint8_t> symlink_valid_, path_bytes_valid_;
  // Filled by Finish.
  DictColumn owner_, group_;
  std::vector<uint8_t> owner_valid_, group_valid_;

  IdIndexMap parent_by_dir_;
  StringIndex top_by_name_;
  StringIndex type_by_name_;
  std::string scratch_;
  struct TypeSlot {
    FileTypeKey key;
    uint32_t index = UINT32_MAX;  // UINT32_MAX: empty
  };
  static constexpr size_t kTypeSlots = 64;  // a power of two
  std::array<TypeSlot, kTypeSlots> type_cache_;
};

}  // namespace sscan::output
