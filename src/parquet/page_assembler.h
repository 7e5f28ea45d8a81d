// page_assembler.h — turns encoded page bodies into finished pages of one column chunk.
//
// For each page: compress the body (each page on its own), write the PageHeader (with both
// the uncompressed and the compressed size) and the compressed body to the row group's
// buffer, and keep the totals, first offsets and per-encoding page counts that the chunk's
// ColumnMetaData needs. Offsets are relative to the start of the row group's buffer; the
// FileWriter shifts them once the row group's position in the file is known.
//
// Also builds the v1 definition levels that start every data page of an OPTIONAL column.
//
// Thread safety: one owner; writes into buffers the caller owns.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/status.h"
#include "parquet/byte_buffer.h"
#include "parquet/compression.h"
#include "parquet/parquet_metadata.h"

namespace sscan::parquet {

// Appends the definition levels of rows [begin, end) as a v1 data page carries them: a 4-byte
// little-endian byte length, then the RLE/bit-packed hybrid at bit width 1 (1 = present,
// 0 = null). `validity` empty means no nulls. Returns the number of non-null rows.
size_t AppendDefinitionLevels(std::span<const uint8_t> validity, size_t begin, size_t end,
                              ByteBuffer* body);

class PageAssembler {
 public:
  // `compressed` and `header` are scratch buffers reused across pages.
  PageAssembler(PageCompressor* compressor, ByteBuffer* compressed, ByteBuffer* header,
                ByteBuffer* out)
      : compressor_(compressor), compressed_(compressed), header_(header), out_(out) {}

  // At most one, before any data page.
  Status AddDictionaryPage(std::span<const uint8_t> body, uint32_t num_entries);
  // `num_rows` counts nulls too (v1 num_values of a flat column).
  Status AddDataPage(std::span<const uint8_t> body, uint32_t num_rows, format::Encoding encoding);

  // Fills sizes, offsets, the encodings list and encoding_stats.
  void FinishMetaData(format::ColumnMetaData* meta) const;
  int64_t first_page_offset() const;

 private:
  Status AddPage(format::PageHeader& header, std::span<const uint8_t> body);

  PageCompressor* compressor_;
  ByteBuffer* compressed_;
  ByteBuffer* header_;
  ByteBuffer* out_;

  int64_t total_uncompressed_ = 0;
  int64_t total_compressed_ = 0;
  int64_t dictionary_page_offset_ = -1;
  int64_t data_page_offset_ = -1;
  // encoding_stats entries in first-use order (a chunk uses one or two).
  std::vector<format::PageEncodingStats> stats_;
};

}  // namespace sscan::parquet
