// encoded_row_group.h — what an EncodedRowGroup holds (internal to the writer).
//
// The row group's pages, back to back, and the metadata of its column chunks with every
// offset relative to the row group's first byte: the row group is encoded before anyone knows
// where in the file it will land. FileWriter::Append adds the position.
//
// The bytes are held in parts, written one after the other: JoinColumns hands over each
// column's own buffer instead of copying them all into a new one (for a 100,000-row group
// that copy was ~2 MB, and as many freshly faulted pages, per row group).
#pragma once

#include <cstdint>
#include <vector>

#include "parquet/byte_buffer.h"
#include "parquet/parquet_metadata.h"
#include "parquet/writer.h"

namespace sscan::parquet {

struct EncodedRowGroup::Impl {
  uint64_t num_rows = 0;
  std::vector<ByteBuffer> parts;  // the row group's bytes: these, in order
  uint64_t byte_size = 0;         // sum of the parts' sizes
  std::vector<format::ColumnChunk> columns;
};

// One column chunk's pages, offsets relative to its first byte (JoinColumns shifts them).
struct EncodedColumn::Impl {
  ByteBuffer bytes;
  format::ColumnChunk chunk;
};

}  // namespace sscan::parquet
