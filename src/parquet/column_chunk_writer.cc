// column_chunk_writer.cc — the parts of a column chunk common to every type: metadata,
// page sizing, dictionary index pages. See column_chunk_writer.h for the lifecycle.
#include "parquet/column_chunk_writer.h"

#include "parquet/bit_writer.h"
#include "parquet/rle_bit_packed.h"

namespace sscan::parquet {

size_t RowsPerPage(size_t encoded_bytes, size_t num_rows, size_t page_size) {
  if (num_rows == 0) return 1;
  if (page_size == 0) page_size = 1;
  const size_t pages = std::max<size_t>(1, (encoded_bytes + page_size - 1) / page_size);
  return std::max<size_t>(1, (num_rows + pages - 1) / pages);
}

Status WriteDictionaryIndexPages(const ColumnSpec& spec, const ColumnData& data, size_t num_rows,
                                 std::span<const uint32_t> dense_indices, size_t num_entries,
                                 size_t estimated_bytes, ColumnChunkContext& ctx,
                                 PageAssembler& pages) {
  // Width for indices 0..num_entries-1. A one-entry dictionary has width 0: every index is
  // 0 and each page is a single RLE run with no value bytes. (An all-null chunk of a
  // dictionary-form STRING column has an empty dictionary and pages of levels only.)
  const int bit_width = num_entries <= 1 ? 0 : BitWidth(num_entries - 1);
  const size_t optional_bytes = spec.repetition == Repetition::kOptional ? num_rows / 8 : 0;
  const size_t rows_per_page =
      RowsPerPage(estimated_bytes + optional_bytes, num_rows, ctx.options->data_page_size);
  return WriteDataPages(spec, data, num_rows, FixedPageEnd{num_rows, rows_per_page},
                        format::Encoding::kRleDictionary, ctx, pages,
                        [&](size_t, size_t, size_t v0, size_t count, ByteBuffer* body) {
                          body->PushByte(static_cast<uint8_t>(bit_width));
                          RleBitPackedEncoder rle(body, bit_width);
                          rle.PutValues(dense_indices.data() + v0, count);
                          rle.Finish();
                        });
}

Status WriteColumnChunk(const ColumnSpec& spec, const ColumnData& data, size_t num_rows,
                        ColumnChunkContext& ctx, format::ColumnChunk* chunk) {
  const size_t chunk_start = ctx.out->size();
  PageAssembler pages(ctx.compressor, &ctx.scratch->compressed, &ctx.scratch->header, ctx.out);
  format::ColumnMetaData& meta = chunk->meta_data;
  Status s;
  switch (spec.physical) {
    case PhysicalType::kInt32:
      meta.type = format::Type::kInt32;
      s = WriteIntColumnChunk(spec, data, num_rows, ctx, pages, &meta.statistics);
      break;
    case PhysicalType::kInt64:
      meta.type = format::Type::kInt64;
      s = WriteIntColumnChunk(spec, data, num_rows, ctx, pages, &meta.statistics);
      break;
    case PhysicalType::kByteArray:
      meta.type = format::Type::kByteArray;
      s = WriteByteArrayColumnChunk(spec, data, num_rows, ctx, pages, &meta.statistics);
      break;
  }
  if (!s.ok()) return s;
  pages.FinishMetaData(&meta);
  meta.path_in_schema = {spec.name};
  switch (ctx.options->codec) {
    case Codec::kUncompressed:
      meta.codec = format::CompressionCodec::kUncompressed;
      break;
    case Codec::kSnappy:
      meta.codec = format::CompressionCodec::kSnappy;
      break;
    case Codec::kZstd:
      meta.codec = format::CompressionCodec::kZstd;
      break;
  }
  // Flat schema: one value (or null) per row.
  meta.num_values = static_cast<int64_t>(num_rows);
  chunk->file_offset = static_cast<int64_t>(chunk_start);
  return Status::Ok();
}

}  // namespace sscan::parquet
