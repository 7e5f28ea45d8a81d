// byte_array_column_writer.cc — BYTE_ARRAY (STRING / BINARY) column chunks: dictionary or
// PLAIN for the whole chunk.
//
// STRING columns: the input form alone decides, never the data. fastparquet (2026.9 with
// pandas 3) decodes PLAIN UTF-8 pages through pyarrow and dictionary pages through numpy,
// and drops the PLAIN values (returns None) whenever one column mixes the two anywhere in
// the file — inside a chunk, or across row groups. A data-driven choice flips on the small
// last row group, so a STRING column is all-dictionary for the whole file when given in
// dictionary form (the size limit is not applied: falling back would mix) and all-PLAIN
// when given in plain form. BINARY columns (read by fastparquet through one path) choose
// per chunk as described below.
//
// Three input forms (column_data.h):
//   - dictionary form (e.g. parent_path: all children of a directory share it): the caller's
//     dictionary is used as is, compacted to the entries non-null rows actually use — a
//     caller may hand one dictionary to several row groups, and unused entries would bloat
//     the page and distort min/max. If the used entries exceed the size limit, or PLAIN is
//     smaller, the chunk is written PLAIN by looking the values up.
//   - plain form: a dictionary is built by hashing, abandoned as soon as it outgrows the
//     size limit or the PLAIN size (unique paths give up after ~1 MiB of entries).
//   - prefixed form (paths: the parent's path + "/name"): always PLAIN, each value joined
//     from its prefix and suffix as its page is written; no dictionary is tried (it would be
//     given up on unique values anyway).
#include <limits>
#include <string_view>

#include "parquet/bit_writer.h"
#include "parquet/column_chunk_writer.h"
#include "parquet/rle_bit_packed.h"
#include "parquet/statistics.h"

namespace sscan::parquet {
namespace {

std::string_view View(std::span<const uint8_t> data, uint32_t begin, uint32_t end) {
  return {reinterpret_cast<const char*>(data.data()) + begin, end - begin};  // NOLINT
}

// A chunk's values as (row -> bytes), whatever the input form.
struct RowValues {
  const ColumnData* data;
  std::string_view operator()(size_t row) const {
    const ColumnData& c = *data;
    if (c.is_dictionary_form()) {
      const uint32_t j = c.indices[row];
      return View(c.dict_data, c.dict_offsets[j], c.dict_offsets[j + 1]);
    }
    return View(c.data, c.offsets[row], c.offsets[row + 1]);
  }
};

Status WriteDictionaryChunk(const ColumnSpec& spec, const ColumnData& data, size_t num_rows,
                            std::span<const std::string_view> entries,
                            std::span<const uint32_t> dense_indices, size_t index_bytes,
                            ColumnChunkContext& ctx, PageAssembler& pages) {
  ByteBuffer& body = ctx.scratch->body;
  body.clear();
  for (std::string_view e : entries) {  // PLAIN: 4-byte length, bytes
    body.AppendLittleEndian(static_cast<uint32_t>(e.size()));
    body.Append(e);
  }
  if (Status s = pages.AddDictionaryPage(body.span(), static_cast<uint32_t>(entries.size()));
      !s.ok()) {
    return s;
  }
  return WriteDictionaryIndexPages(spec, data, num_rows, dense_indices, entries.size(), index_bytes,
                                   ctx, pages);
}

// Sets the zstd search for a chunk's PLAIN pages (compression.h) by compressing samples of
// them both ways: 32 KiB from each quarter of the chunk, so that one kind of directory at its
// start does not decide for all. A 32 KiB sample has less history to match against than a
// 1 MiB page and understates what long matches gain by 1-2% (path chunks of the trees in
// compression.h: samples 0.986-0.998 of level 1, whole pages 0.972-0.985), so long matches
// are taken unless their samples come out over 1% larger; numbered names in hash order come
// out ~8% larger. Chunks of less than a page (data_page_size, by the first quarter's
// density) keep kLevel: the choice would hardly change the file and the samples would cost
// a tenth of compressing the chunk (a scan's symlink_target: ~0.7 MB a row group).
// `is_valid(row)` and `append_plain(row, buffer)` are WritePlainPages' own.
template <typename IsValid, typename AppendPlain>
void ChooseSearch(size_t num_rows, ColumnChunkContext& ctx, IsValid is_valid,
                  AppendPlain append_plain) {
  using Search = PageCompressor::Search;
  PageCompressor& compressor = *ctx.compressor;
  if (!compressor.has_search_choice()) return;
  constexpr size_t kSlices = 4;
  constexpr size_t kSliceBytes = 32 << 10;
  ByteBuffer& sample = ctx.scratch->body;  // free until the pages are written
  size_t size[2] = {0, 0};                 // by Search
  for (size_t i = 0; i < kSlices; ++i) {
    sample.clear();
    const size_t begin = num_rows * i / kSlices;
    const size_t end = num_rows * (i + 1) / kSlices;
    size_t r = begin;
    for (; r < end && sample.size() < kSliceBytes; ++r) {
      if (is_valid(r)) append_plain(r, &sample);
    }
    if (i == 0) {
      if (r == begin) return;  // fewer rows than slices
      // Bytes per row of the first quarter, times the rows: the chunk's PLAIN size, roughly.
      const double estimate = static_cast<double>(sample.size()) * static_cast<double>(num_rows) /
                              static_cast<double>(r - begin);
      if (estimate < static_cast<double>(ctx.options->data_page_size)) return;
    }
    if (sample.empty()) continue;
    for (Search search : {Search::kLevel, Search::kLongMatches}) {
      compressor.set_search(search);
      size[static_cast<size_t>(search)] += compressor.CompressedSize(sample.span());
    }
  }
  compressor.set_search(size[1] * 100 < size[0] * 101 ? Search::kLongMatches : Search::kLevel);
}

// PLAIN pages of any form: `size_of(row)` is a value's length, `append(row, body)` writes its
// bytes (after the 4-byte length written here).
template <typename SizeOf, typename AppendValue>
Status WritePlainPages(const ColumnSpec& spec, const ColumnData& data, size_t num_rows,
                       ColumnChunkContext& ctx, PageAssembler& pages, SizeOf size_of,
                       AppendValue append) {
  const std::span<const uint8_t> validity = data.validity;
  auto is_valid = [&](size_t r) { return validity.empty() || validity[r] != 0; };
  auto append_plain = [&](size_t r, ByteBuffer* out) {
    out->AppendLittleEndian(static_cast<uint32_t>(size_of(r)));
    append(r, out);
  };
  ChooseSearch(num_rows, ctx, is_valid, append_plain);
  const size_t page_size = std::max<size_t>(1, ctx.options->data_page_size);
  // Values vary from 0 bytes to megabytes, so pages are cut by their actual bytes.
  auto page_end = [&](size_t r0) {
    size_t bytes = 0;
    size_t r = r0;
    while (r < num_rows && bytes < page_size) {
      if (is_valid(r)) bytes += 4 + size_of(r);
      ++r;
    }
    return r;
  };
  return WriteDataPages(spec, data, num_rows, page_end, format::Encoding::kPlain, ctx, pages,
                        [&](size_t r0, size_t r1, size_t, size_t, ByteBuffer* body) {
                          for (size_t r = r0; r < r1; ++r) {
                            if (is_valid(r)) append_plain(r, body);
                          }
                        });
}

Status WritePlainChunk(const ColumnSpec& spec, const ColumnData& data, size_t num_rows,
                       ColumnChunkContext& ctx, PageAssembler& pages) {
  const RowValues value_of{&data};
  return WritePlainPages(
      spec, data, num_rows, ctx, pages, [&](size_t r) { return value_of(r).size(); },
      [&](size_t r, ByteBuffer* body) { body->Append(value_of(r)); });
}

Status WritePrefixedChunk(const ColumnSpec& spec, const ColumnData& data, size_t num_rows,
                          ColumnChunkContext& ctx, PageAssembler& pages,
                          format::Statistics* stats) {
  auto prefix = [&](size_t r) {
    const uint32_t j = data.indices[r];
    return View(data.dict_data, data.dict_offsets[j], data.dict_offsets[j + 1]);
  };
  auto suffix = [&](size_t r) { return View(data.data, data.offsets[r], data.offsets[r + 1]); };
  const std::span<const uint8_t> validity = data.validity;
  JoinedMinMax min_max;
  size_t n = 0;
  for (size_t r = 0; r < num_rows; ++r) {
    if (!validity.empty() && validity[r] == 0) continue;
    min_max.Update(prefix(r), suffix(r));
    ++n;
  }
  stats->null_count = static_cast<int64_t>(num_rows - n);
  min_max.WriteTo(ctx.options->max_statistics_size, stats);
  return WritePlainPages(
      spec, data, num_rows, ctx, pages,
      [&](size_t r) { return prefix(r).size() + suffix(r).size(); },
      [&](size_t r, ByteBuffer* body) {
        body->Append(prefix(r));
        body->Append(suffix(r));
      });
}

}  // namespace

Status WriteByteArrayColumnChunk(const ColumnSpec& spec, const ColumnData& data, size_t num_rows,
                                 ColumnChunkContext& ctx, PageAssembler& pages,
                                 format::Statistics* stats) {
  const WriterOptions& opt = *ctx.options;
  EncodeScratch& scratch = *ctx.scratch;
  const std::span<const uint8_t> validity = data.validity;
  auto is_valid = [&](size_t r) { return validity.empty() || validity[r] != 0; };
  ByteArrayMinMax min_max;

  if (data.is_prefixed_form()) return WritePrefixedChunk(spec, data, num_rows, ctx, pages, stats);
  // See the top comment: for STRING the form decides (fastparquet reads mixed columns wrong).
  const bool is_string = spec.logical == LogicalType::kString;
  if (data.is_dictionary_form()) {
    // Count uses per entry (non-null rows only), then keep the used entries in their order.
    const size_t entries = data.dict_offsets.size() - 1;
    std::vector<uint32_t>& counts = scratch.counts;
    counts.assign(entries, 0);
    size_t n = 0;
    for (size_t r = 0; r < num_rows; ++r) {
      if (!is_valid(r)) continue;
      ++counts[data.indices[r]];
      ++n;
    }
    stats->null_count = static_cast<int64_t>(num_rows - n);
    size_t used = 0;
    size_t dict_plain = 0;
    size_t plain_bytes = 0;
    std::vector<std::string_view> used_entries;
    used_entries.reserve(std::min<size_t>(entries, n));
    for (size_t j = 0; j < entries; ++j) {
      if (counts[j] == 0) continue;
      const std::string_view e =
          View(data.dict_data, data.dict_offsets[j], data.dict_offsets[j + 1]);
      min_max.Update(e);
      dict_plain += 4 + e.size();
      plain_bytes += static_cast<size_t>(counts[j]) * (4 + e.size());
      counts[j] = static_cast<uint32_t>(used++);  // now: the entry's new index
      used_entries.push_back(e);
    }
    min_max.WriteTo(opt.max_statistics_size, stats);
    const bool fits = used > 0 && dict_plain <= opt.dictionary_size_limit;
    if (opt.enable_dictionary && (is_string || fits)) {
      std::vector<uint32_t>& dense = scratch.indices;
      dense.resize(n);
      size_t k = 0;
      for (size_t r = 0; r < num_rows; ++r) {
        if (is_valid(r)) dense[k++] = counts[data.indices[r]];
      }
      const size_t index_bytes = RleBitPackedSize(dense, used == 0 ? 0 : BitWidth(used - 1));
      if (is_string || dict_plain + index_bytes < plain_bytes) {
        return WriteDictionaryChunk(spec, data, num_rows, used_entries, dense, index_bytes, ctx,
                                    pages);
      }
    }
    return WritePlainChunk(spec, data, num_rows, ctx, pages);
  }

  // Plain form: the non-null rows, then a dictionary if one pays.
  const RowValues value_of{&data};
  std::span<const uint32_t> rows;  // non-null row numbers, when there are nulls
  size_t n = num_rows;
  if (!validity.empty()) {
    std::vector<uint32_t>& list = scratch.rows;
    list.resize(num_rows);
    n = 0;
    for (size_t r = 0; r < num_rows; ++r) {
      list[n] = static_cast<uint32_t>(r);
      n += validity[r] != 0 ? 1 : 0;
    }
    rows = std::span<const uint32_t>(list.data(), n);
  }
  stats->null_count = static_cast<int64_t>(num_rows - n);
  auto nth_value = [&](size_t i) { return value_of(rows.empty() ? i : rows[i]); };
  // Offsets are monotone (validated), so the non-null bytes are a sum of lengths.
  size_t plain_bytes = 4 * n;
  for (size_t i = 0; i < n; ++i) plain_bytes += nth_value(i).size();

  if (opt.enable_dictionary && n > 0 && !is_string) {
    ByteArrayDictionaryBuilder& dict = scratch.dict_bytes;
    const size_t budget = std::min(opt.dictionary_size_limit, plain_bytes);
    if (dict.Build(n, nth_value, budget, &scratch.indices)) {
      const size_t entries = dict.entries().size();
      const size_t index_bytes = RleBitPackedSize(scratch.indices, BitWidth(entries - 1));
      for (std::string_view e : dict.entries()) min_max.Update(e);
      min_max.WriteTo(opt.max_statistics_size, stats);
      if (dict.plain_bytes() + index_bytes < plain_bytes) {
        return WriteDictionaryChunk(spec, data, num_rows, dict.entries(), scratch.indices,
                                    index_bytes, ctx, pages);
      }
      return WritePlainChunk(spec, data, num_rows, ctx, pages);
    }
  }
  for (size_t i = 0; i < n; ++i) min_max.Update(nth_value(i));
  min_max.WriteTo(opt.max_statistics_size, stats);
  return WritePlainChunk(spec, data, num_rows, ctx, pages);
}

}  // namespace sscan::parquet
