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

namespace {

// Whether RLE runs only (EncodeRleRuns) make this chunk's index pages smaller than the
// bit-packed hybrid, after compression: decided on the chunk's first indices (contiguous, so
// runs look as they will), as the integer encodings are (int_column_writer.cc). Either form is
// the same RLE_DICTIONARY encoding to a reader.
bool PreferRleRuns(std::span<const uint32_t> indices, int bit_width, ColumnChunkContext& ctx) {
  if (bit_width == 0 || indices.empty()) return false;  // one value: both forms are one run
  constexpr size_t kSample = 4096;
  const std::span<const uint32_t> sample = indices.first(std::min(indices.size(), kSample));
  ByteBuffer& buf = ctx.scratch->body;
  buf.clear();
  RleBitPackedEncoder hybrid(&buf, bit_width);
  hybrid.PutValues(sample.data(), sample.size());
  hybrid.Finish();
  const size_t hybrid_bytes = ctx.compressor->CompressedSize(buf.span());
  buf.clear();
  EncodeRleRuns(sample, bit_width, &buf);
  return ctx.compressor->CompressedSize(buf.span()) < hybrid_bytes;
}

}  // namespace

Status WriteDictionaryIndexPages(const ColumnSpec& spec, const ColumnData& data, size_t num_rows,
                                 std::span<const uint32_t> dense_indices, size_t num_entries,
                                 size_t estimated_bytes, ColumnChunkContext& ctx,
                                 PageAssembler& pages) {
  // Width for indices 0..num_entries-1. A one-entry dictionary has width 0: every index is
  // 0 and each page is a single RLE run with no value bytes. (An all-null chunk of a
  // dictionary-form STRING column has an empty dictionary and pages of levels only.)
  const int bit_width = num_entries <= 1 ? 0 : BitWidth(num_entries - 1);
  const bool runs_only = PreferRleRuns(dense_indices, bit_width, ctx);
  if (runs_only) estimated_bytes = RleRunsSize(dense_indices, bit_width);
  const size_t optional_bytes = spec.repetition == Repetition::kOptional ? num_rows / 8 : 0;
  const size_t rows_per_page =
      RowsPerPage(estimated_bytes + optional_bytes, num_rows, ctx.options->data_page_size);
  return WriteDataPages(spec, data, num_rows, FixedPageEnd{num_rows, rows_per_page},
                        format::Encoding::kRleDictionary, ctx, pages,
                        [&](size_t, size_t, size_t v0, size_t count, ByteBuffer* body) {
                          body->PushByte(static_cast<uint8_t>(bit_width));
                          const std::span<const uint32_t> page = dense_indices.subspan(v0, count);
                          if (runs_only) {
                            EncodeRleRuns(page, bit_width, body);
                            return;
                          }
                          RleBitPackedEncoder rle(body, bit_width);
                          rle.PutValues(page.data(), page.size());
                          rle.Finish();
                        });
}

Status WriteColumnChunk(const ColumnSpec& spec, const ColumnData& data, size_t num_rows,
                        ColumnChunkContext& ctx, format::ColumnChunk* chunk) {
  const size_t chunk_start = ctx.out->size();
  PageAssembler pages(ctx.compressor, &ctx.scratch->compressed, &ctx.scratch->header, ctx.out);
  format::ColumnMetaData& meta = chunk->meta_data;
  ctx.compressor->set_search(PageCompressor::Search::kLevel);  // byte arrays may choose another
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
