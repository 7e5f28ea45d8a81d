// column_chunk_writer.h — encodes one column of one row group into finished pages.
//
// Lifecycle of a column chunk (all of it inside one WriteColumnChunk call):
//   1. analyse the whole buffered chunk: null count, min/max, and the encoded size under each
//      candidate encoding — PLAIN, dictionary (PLAIN dictionary page + RLE_DICTIONARY data
//      pages) and, for integers, DELTA_BINARY_PACKED;
//   2. pick the smallest, once for the whole chunk. A chunk is all-dictionary or all-plain:
//      never a dictionary that overflows into PLAIN pages halfway, which fastparquet
//      misreads (shared/notes/parquet-reader-quirks.md);
//   3. write the dictionary page (if any), then data pages of about options.data_page_size
//      uncompressed bytes each, split on row boundaries;
//   4. fill the chunk's ColumnMetaData, with offsets relative to the row group's buffer.
//
// Input is trusted: ValidateRowGroup has checked it.
//
// Thread safety: one call per context; contexts are per EncodeRowGroup call.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "parquet/byte_buffer.h"
#include "parquet/column_data.h"
#include "parquet/compression.h"
#include "parquet/dictionary_builder.h"
#include "parquet/page_assembler.h"
#include "parquet/parquet_metadata.h"
#include "parquet/schema.h"
#include "parquet/writer.h"

namespace sscan::parquet {

// Buffers reused by every column chunk of a row group, so encoding allocates per row group
// (and only until the buffers have grown), never per row.
struct EncodeScratch {
  ByteBuffer body;
  ByteBuffer compressed;
  ByteBuffer header;
  std::vector<uint32_t> indices;
  std::vector<uint32_t> counts;
  std::vector<uint32_t> rows;
  std::vector<int32_t> dense32;
  std::vector<int64_t> dense64;
  IntDictionaryBuilder<int32_t> dict32;
  IntDictionaryBuilder<int64_t> dict64;
  ByteArrayDictionaryBuilder dict_bytes;
};

struct ColumnChunkContext {
  const WriterOptions* options;
  PageCompressor* compressor;
  EncodeScratch* scratch;
  ByteBuffer* out;  // the row group's bytes
};

// Appends the chunk's pages to ctx.out and fills `chunk` (offsets relative to ctx.out).
Status WriteColumnChunk(const ColumnSpec& spec, const ColumnData& data, size_t num_rows,
                        ColumnChunkContext& ctx, format::ColumnChunk* chunk);

// --- Shared by the typed writers ------------------------------------------------------------

Status WriteIntColumnChunk(const ColumnSpec& spec, const ColumnData& data, size_t num_rows,
                           ColumnChunkContext& ctx, PageAssembler& pages,
                           format::Statistics* stats);
Status WriteByteArrayColumnChunk(const ColumnSpec& spec, const ColumnData& data, size_t num_rows,
                                 ColumnChunkContext& ctx, PageAssembler& pages,
                                 format::Statistics* stats);

// Rows per data page so that `encoded_bytes` spread over `num_rows` rows make pages of
// about `page_size` bytes, all of similar size.
size_t RowsPerPage(size_t encoded_bytes, size_t num_rows, size_t page_size);
// A page_end for WriteDataPages that cuts every `rows_per_page` rows.
struct FixedPageEnd {
  size_t num_rows;
  size_t rows_per_page;
  size_t operator()(size_t r0) const { return std::min(num_rows, r0 + rows_per_page); }
};

// Writes the data pages of rows [0, num_rows); a page starting at row r ends at
// page_end(r) (> r). For each page, `encode(row_begin, row_end, value_begin, value_count,
// body)` appends the values of the page's non-null rows (value_begin counts the non-null rows
// before the page).
template <typename PageEnd, typename EncodeValues>
Status WriteDataPages(const ColumnSpec& spec, const ColumnData& data, size_t num_rows,
                      PageEnd page_end, format::Encoding encoding, ColumnChunkContext& ctx,
                      PageAssembler& pages, EncodeValues encode) {
  ByteBuffer& body = ctx.scratch->body;
  const bool optional = spec.repetition == Repetition::kOptional;
  size_t value = 0;
  for (size_t r0 = 0; r0 < num_rows;) {
    const size_t r1 = page_end(r0);
    body.clear();
    const size_t count = optional ? AppendDefinitionLevels(data.validity, r0, r1, &body) : r1 - r0;
    encode(r0, r1, value, count, &body);
    if (Status s = pages.AddDataPage(body.span(), static_cast<uint32_t>(r1 - r0), encoding);
        !s.ok()) {
      return s;
    }
    value += count;
    r0 = r1;
  }
  return Status::Ok();
}

// Data pages of RLE_DICTIONARY indices: each page body is [levels] <bit width byte> <RLE>,
// bit-packed hybrid or RLE runs only, whichever compresses smaller (rle_bit_packed.h).
// `estimated_bytes`: the hybrid's size of all indices (sizes the pages).
Status WriteDictionaryIndexPages(const ColumnSpec& spec, const ColumnData& data, size_t num_rows,
                                 std::span<const uint32_t> dense_indices, size_t num_entries,
                                 size_t estimated_bytes, ColumnChunkContext& ctx,
                                 PageAssembler& pages);

}  // namespace sscan::parquet
