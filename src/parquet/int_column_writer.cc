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
      index_bytes = EstimateRleBytes(scratch.indices, width);
      dict_bytes = dict.entries().size() * sizeof(T) + index_bytes;
    }
  }
  Choice choice = Choice::kPlain;
  if (dict_bytes < plain_bytes && dict_bytes <= delta_bytes) {
    choice = Choice::kDictionary;
  } else if (delta_bytes < plain_bytes) {
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
