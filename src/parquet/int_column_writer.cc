// int_column_writer.cc — INT32/INT64 column chunks: PLAIN, dictionary or DELTA_BINARY_PACKED,
// whichever is smallest for the whole chunk.
//
// Why three: scanner columns differ. Timestamps and inode numbers are clustered or
// increasing, so their deltas need few bits (DELTA_BINARY_PACKED); permissions, uid, depth,
// nlink and device take few distinct values (dictionary, whose indices RLE-compress into
// almost nothing); sizes are neither (PLAIN, left to zstd).
#include <limits>
#include <type_traits>

#include "parquet/bit_writer.h"
#include "parquet/column_chunk_writer.h"
#include "parquet/delta_binary_packed.h"
#include "parquet/rle_bit_packed.h"
#include "parquet/statistics.h"

namespace sscan::parquet {
namespace {

template <typename T>
std::span<const T> ValuesOf(const ColumnData& data) {
  if constexpr (std::is_same_v<T, int32_t>) {
    return data.int32_values;
  } else {
    return data.int64_values;
  }
}

template <typename T>
IntDictionaryBuilder<T>& DictOf(EncodeScratch& s) {
  if constexpr (std::is_same_v<T, int32_t>) {
    return s.dict32;
  } else {
    return s.dict64;
  }
}

template <typename T>
std::vector<T>& DenseOf(EncodeScratch& s) {
  if constexpr (std::is_same_v<T, int32_t>) {
    return s.dense32;
  } else {
    return s.dense64;
  }
}

enum class Choice : uint8_t { kPlain, kDictionary, kDelta };

struct Estimates {
  double plain;
  double delta;
  double dict;
};

// Scales each candidate's exact encoded size by the compression ratio of a sample encoded
// that way. The sample is the chunk's first values (contiguous, so deltas and runs look as
// they will). Candidates that do not apply stay at +infinity.
template <typename T>
Estimates EstimateCompressed(std::span<const T> values, size_t plain_bytes, size_t delta_bytes,
                             size_t dict_bytes, size_t index_bytes, size_t entries,
                             ColumnChunkContext& ctx) {
  constexpr size_t kNever = std::numeric_limits<size_t>::max();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  Estimates e{static_cast<double>(plain_bytes), delta_bytes == kNever ? kInf : delta_bytes,
              dict_bytes == kNever ? kInf : dict_bytes};
  const int candidates = 1 + (delta_bytes != kNever) + (dict_bytes != kNever);
  if (ctx.compressor->codec() == Codec::kUncompressed || candidates == 1 || values.empty()) {
    return e;
  }
  // 4096 values: enough for zstd to find the structure, small next to a row group.
  constexpr size_t kSample = 4096;
  const std::span<const T> sample = values.first(std::min(values.size(), kSample));
  ByteBuffer& buf = ctx.scratch->body;
  auto ratio = [&]() {
    return buf.empty() ? 1.0
                       : static_cast<double>(ctx.compressor->CompressedSize(buf.span())) /
                             static_cast<double>(buf.size());
  };
  buf.clear();
  buf.Append(sample.data(), sample.size_bytes());
  const double plain_ratio = ratio();
  e.plain = static_cast<double>(plain_bytes) * plain_ratio;
  if (delta_bytes != kNever) {
    buf.clear();
    EncodeDeltaBinaryPacked(sample, &buf);
    e.delta = static_cast<double>(delta_bytes) * ratio();
  }
  if (dict_bytes != kNever) {
    buf.clear();
    const std::span<const uint32_t> idx =
        std::span<const uint32_t>(ctx.scratch->indices).first(sample.size());
    RleBitPackedEncoder rle(&buf, entries <= 1 ? 0 : BitWidth(entries - 1));
    rle.PutValues(idx.data(), idx.size());
    rle.Finish();
    // The dictionary page is PLAIN values: it compresses like the PLAIN sample.
    e.dict = static_cast<double>(dict_bytes - index_bytes) * plain_ratio +
             static_cast<double>(index_bytes) * ratio();
  }
  return e;
}

template <typename T>
Status WriteTyped(const ColumnSpec& spec, const ColumnData& data, size_t num_rows,
                  ColumnChunkContext& ctx, PageAssembler& pages, format::Statistics* stats) {
  const WriterOptions& opt = *ctx.options;
  EncodeScratch& scratch = *ctx.scratch;

  // Non-null values, contiguous: pages hold only those, and every encoder wants a span.
  std::span<const T> values = ValuesOf<T>(data);
  if (!data.validity.empty()) {
    std::vector<T>& dense = DenseOf<T>(scratch);
    dense.resize(num_rows);
    size_t n = 0;
    for (size_t r = 0; r < num_rows; ++r) {
      dense[n] = values[r];
      n += data.validity[r] != 0 ? 1 : 0;  // branch-free compaction
    }
    values = std::span<const T>(dense.data(), n);
  }
  const size_t n = values.size();
  stats->null_count = static_cast<int64_t>(num_rows - n);
  SetIntegerMinMax(values, spec.logical == LogicalType::kUnsignedInt, stats);

  // --- analyse: encoded size under each candidate ---
  constexpr size_t kNever = std::numeric_limits<size_t>::max();
  const size_t plain_bytes = n * sizeof(T);
  // DELTA only where every reader decodes it (see kMaxReaderSafeDeltaBitWidth).
  const bool delta_ok =
      opt.enable_delta && n > 0 && DeltaRangeBitWidth(values) <= kMaxReaderSafeDeltaBitWidth;
  const size_t delta_bytes = delta_ok ? DeltaBinaryPackedSize(values) : kNever;
  size_t dict_bytes = kNever;
  size_t index_bytes = 0;
  IntDictionaryBuilder<T>& dict = DictOf<T>(scratch);
  if (opt.enable_dictionary && n > 0) {
    // A dictionary whose entries alone outweigh the best alternative cannot win: stop there.
    const size_t budget = std::min({opt.dictionary_size_limit, plain_bytes, delta_bytes});
    if (dict.Build(values, budget, &scratch.indices)) {
      const int width = BitWidth(dict.entries().size() - 1);
      index_bytes = RleBitPackedSize(scratch.indices, width);
      dict_bytes = dict.entries().size() * sizeof(T) + index_bytes;
    }
  }
  // Compare what the candidates will cost on disk, not before compression.
  const Estimates est =
      EstimateCompressed<T>(values, plain_bytes, delta_bytes, dict_bytes, index_bytes,
                            DictOf<T>(scratch).entries().size(), ctx);
  Choice choice = Choice::kPlain;
  if (est.dict < est.plain && est.dict <= est.delta) {
    choice = Choice::kDictionary;
  } else if (est.delta < est.plain) {
    choice = Choice::kDelta;
  }

  // --- write ---
  const size_t level_bytes = spec.repetition == Repetition::kOptional ? num_rows / 8 : 0;
  switch (choice) {
    case Choice::kDictionary: {
      const std::span<const T> entries = dict.entries();
      ByteBuffer& body = scratch.body;
      body.clear();
      body.Append(entries.data(), entries.size() * sizeof(T));  // PLAIN: little-endian
      if (Status s = pages.AddDictionaryPage(body.span(), static_cast<uint32_t>(entries.size()));
          !s.ok()) {
        return s;
      }
      return WriteDictionaryIndexPages(spec, data, num_rows, scratch.indices, entries.size(),
                                       index_bytes, ctx, pages);
    }
    case Choice::kDelta: {
      const size_t rows_per_page =
          RowsPerPage(delta_bytes + level_bytes, num_rows, opt.data_page_size);
      return WriteDataPages(spec, data, num_rows, FixedPageEnd{num_rows, rows_per_page},
                            format::Encoding::kDeltaBinaryPacked, ctx, pages,
                            [&](size_t, size_t, size_t v0, size_t count, ByteBuffer* body) {
                              EncodeDeltaBinaryPacked(values.subspan(v0, count), body);
                            });
    }
    case Choice::kPlain: {
      const size_t rows_per_page =
          RowsPerPage(plain_bytes + level_bytes, num_rows, opt.data_page_size);
      return WriteDataPages(spec, data, num_rows, FixedPageEnd{num_rows, rows_per_page},
                            format::Encoding::kPlain, ctx, pages,
                            [&](size_t, size_t, size_t v0, size_t count, ByteBuffer* body) {
                              body->Append(values.data() + v0, count * sizeof(T));
                            });
    }
  }
  return Status::Ok();
}

}  // namespace

Status WriteIntColumnChunk(const ColumnSpec& spec, const ColumnData& data, size_t num_rows,
                           ColumnChunkContext& ctx, PageAssembler& pages,
                           format::Statistics* stats) {
  if (spec.physical == PhysicalType::kInt32) {
    return WriteTyped<int32_t>(spec, data, num_rows, ctx, pages, stats);
  }
  return WriteTyped<int64_t>(spec, data, num_rows, ctx, pages, stats);
}

}  // namespace sscan::parquet
