// compression.h — compresses one page body with the column chunk's codec.
//
// Every Parquet page is compressed on its own (readers decompress page by page), so one
// PageCompressor is created per EncodeRowGroup call and reused for all its pages: the zstd
// context keeps its tables between pages instead of reallocating them per page.
//
// Two zstd match finders at level 1, the default (other levels are zstd's own for every page):
//   kLevel        level 1's fast search: integers, indices, and text where it does best;
//   kLongMatches  a double-fast search (32K-entry table, 6-byte minimum matches), for PLAIN
//                 byte-array pages whose repeats are long: paths that share their ancestors.
//                 2.4-4.5% smaller path columns for ~20% more time on them (the synthetic 1M
//                 tree, /usr, a 12M-entry tree), but ~20% larger on fixed-width numbered
//                 names in hash order (frame_000123.tif), where level 1's repeat offsets win.
// So the byte-array writer picks per column chunk by compressing samples both ways, as the
// integer encodings are picked (ChooseSearch, byte_array_column_writer.cc).
//
// Thread safety: one owner (the zstd contexts are not shareable); create one per thread.
#pragma once

#include <cstdint>
#include <span>

#include "common/status.h"
#include "parquet/byte_buffer.h"
#include "parquet/writer.h"

struct ZSTD_CCtx_s;

namespace sscan::parquet {

class PageCompressor {
 public:
  PageCompressor(Codec codec, int zstd_level);
  ~PageCompressor();
  PageCompressor(const PageCompressor&) = delete;
  PageCompressor& operator=(const PageCompressor&) = delete;

  enum class Search : uint8_t { kLevel, kLongMatches };
  // Whether kLongMatches differs from kLevel (zstd at level 1).
  bool has_search_choice() const { return codec_ == Codec::kZstd && level_ == 1; }
  // For the next pages; WriteColumnChunk resets it to kLevel for every chunk.
  void set_search(Search search) { search_ = search; }

  Codec codec() const { return codec_; }
  // Appends the compressed form of `input` to `out` (a copy for kUncompressed).
  Status Compress(std::span<const uint8_t> input, ByteBuffer* out);
  // Compressed size of `input` (its own size when compression fails). Used on samples, to
  // pick encodings by what they cost after compression: bit-packed DELTA or dictionary
  // indices barely compress, while zstd strips the constant high bytes of PLAIN integers.
  size_t CompressedSize(std::span<const uint8_t> input);

 private:
  // The zstd context of the current search, created (and configured) on first use.
  Result<ZSTD_CCtx_s*> ZstdContext();

  Codec codec_;
  int level_;
  Search search_ = Search::kLevel;
  ZSTD_CCtx_s* zstd_[2] = {nullptr, nullptr};  // by Search
  ByteBuffer sample_;
};

}  // namespace sscan::parquet
