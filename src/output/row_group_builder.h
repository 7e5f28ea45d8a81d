// row_group_builder.h — rows of the snapshot schema, column by column, for one row group.
//
// Segments from the walker are appended here (under the sink's lock, so this is the hot path:
// plain appends into buffers reserved once, no per-row allocation). `path` is kept as "/name"
// after its parent's entry in parent_path's dictionary (the writer's prefixed form): a row
// costs its name, not its path, which is most of a row group's memory otherwise. Columns that
// repeat are built directly in dictionary form, keyed by what the walker already knows:
//   parent_path    by directory id (all entries of a segment share it: one lookup per segment)
//   top_level_dir  by name (one lookup per segment below depth 1)
//   file_type      by extension (a short string, SSO, cached per last value)
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
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

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

  uint32_t InternString(DictColumn* col, StringIndex* map, std::string_view raw);
  // file_type's index of `type`: through a small direct-mapped cache before the map (entries
  // of a directory alternate between a few types; a hash-map lookup per change cost ~4% of a
  // scan's user time).
  uint32_t TypeIndex(std::string_view type);
  void AppendOne(const walk::Segment& seg, const walk::Entry& e, uint32_t parent_index,
                 uint32_t top_index);
  void FinishNames(const std::vector<int32_t>& ids, bool users, NameResolver* names,
                   DictColumn* out, std::vector<uint8_t>* validity);

  const size_t capacity_;
  const std::string root_;
  std::string root_parent_;
  size_t rows_ = 0;

  StringColumn path_;
  std::vector<int64_t> size_, mtime_, atime_, btime_, inode_, allocated_, nlink_, device_, ctime_;
  std::vector<uint8_t> btime_valid_;
  std::vector<int32_t> permissions_, depth_, uid_, gid_;
  DictColumn file_type_, parent_path_, top_level_;
  StringColumn symlink_target_, path_bytes_;
  std::vector<uint8_t> symlink_valid_, path_bytes_valid_;
  DictColumn owner_, group_;
  std::vector<uint8_t> owner_valid_, group_valid_;

  std::unordered_map<uint64_t, uint32_t> parent_by_dir_;
  StringIndex top_by_name_;
  StringIndex type_by_name_;
  std::string scratch_;
  struct TypeSlot {
    std::string type;
    uint32_t index = UINT32_MAX;  // UINT32_MAX: empty
  };
  static constexpr size_t kTypeSlots = 64;  // a power of two
  std::array<TypeSlot, kTypeSlots> type_cache_;
};

}  // namespace sscan::output
