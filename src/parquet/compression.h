// compression.h — compresses one page body with the column chunk's codec.
//
// Every Parquet page is compressed on its own (readers decompress page by page), so one
// PageCompressor is created per EncodeRowGroup call and reused for all its pages: the zstd
// context keeps its tables between pages instead of reallocating them per page.
//
// Thread safety: one owner (the zstd context is not shareable); create one per thread.
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

  Codec codec() const { return codec_; }
  // Appends the compressed form of `input` to `out` (a copy for kUncompressed).
  Status Compress(std::span<const uint8_t> input, ByteBuffer* out);
  // Compressed size of `input` (its own size when compression fails). Used on samples, to
  // pick encodings by what they cost after compression: bit-packed DELTA or dictionary
  // indices barely compress, while zstd strips the constant high bytes of PLAIN integers.
  size_t CompressedSize(std::span<const uint8_t> input);

 private:
  Codec codec_;
  int level_;
  ZSTD_CCtx_s* zstd_ = nullptr;
  ByteBuffer sample_;
};

}  // namespace sscan::parquet
