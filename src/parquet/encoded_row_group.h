// encoded_row_group.h — what an EncodedRowGroup holds (internal to the writer).
//
// The row group's pages, back to back, and the metadata of its column chunks with every
// offset relative to the first byte of `bytes`: the row group is encoded before anyone knows
// where in the file it will land. FileWriter::Append adds the position.
#pragma once

#include <cstdint>
#include <vector>

#include "parquet/byte_buffer.h"
#include "parquet/parquet_metadata.h"
#include "parquet/writer.h"

namespace sscan::parquet {

struct EncodedRowGroup::Impl {
  uint64_t num_rows = 0;
  ByteBuffer bytes;
  std::vector<format::ColumnChunk> columns;
};

// One column chunk's pages, offsets relative to its first byte (JoinColumns shifts them).
struct EncodedColumn::Impl {
  ByteBuffer bytes;
  format::ColumnChunk chunk;
};

}  // namespace sscan::parquet
