// scanner_rows.h — a deterministic generator of rows shaped like the scanner's output.
//
// 21 columns in the order of SPEC.md's output schema, laid out the way the scanner hands
// them to the writer: one slot per row, nulls included; path as plain-form strings sharing
// long directory prefixes (60-100 bytes); parent_path, file_type, top_level_dir, owner and
// group in dictionary form (the scanner knows their repetition); timestamps clustered per
// directory; inodes mostly increasing; small integers repetitive; created_time,
// symlink_target, path_bytes, owner and group nullable. The same seed gives the same rows.
//
// Thread safety: a plain value; build once, then read from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "parquet/column_data.h"
#include "parquet/schema.h"

namespace sscan::bench {

struct StringColumn {  // plain form
  std::vector<uint32_t> offsets{0};
  std::vector<uint8_t> data;
  void Add(const std::string& s) {
    data.insert(data.end(), s.begin(), s.end());
    offsets.push_back(static_cast<uint32_t>(data.size()));
  }
};

struct DictionaryColumn {
  StringColumn dictionary;
  std::vector<uint32_t> indices;
};

struct ScannerRows {
  size_t num_rows = 0;
  StringColumn path;
  std::vector<int64_t> size, modified_time, accessed_time, created_time, inode, allocated_size,
      nlink, device, changed_time;
  std::vector<int32_t> permissions, depth, uid, gid;
  DictionaryColumn parent_path, file_type, top_level_dir, owner, group;
  StringColumn symlink_target, path_bytes;
  std::vector<uint8_t> created_valid, symlink_valid, path_bytes_valid, owner_valid, group_valid;

  // Views of rows [begin, end) in schema order.
  parquet::RowGroupData Slice(size_t begin, size_t end) const;
};

parquet::Schema ScannerSchema();
ScannerRows GenerateScannerRows(size_t num_rows, uint64_t seed);

}  // namespace sscan::bench
