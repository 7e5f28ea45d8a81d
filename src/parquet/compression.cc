// compression.cc — zstd, snappy or a plain copy; see compression.h.
#include "parquet/compression.h"

#include <snappy.h>
#include <zstd.h>

#include <string>
#include <utility>

namespace sscan::parquet {

PageCompressor::PageCompressor(Codec codec, int zstd_level) : codec_(codec), level_(zstd_level) {}

PageCompressor::~PageCompressor() {
  for (ZSTD_CCtx* z : zstd_) {
    if (z != nullptr) ZSTD_freeCCtx(z);
  }
}

Result<ZSTD_CCtx*> PageCompressor::ZstdContext() {
  const bool long_matches = search_ == Search::kLongMatches && has_search_choice();
  ZSTD_CCtx*& slot = zstd_[long_matches ? 1 : 0];
  if (slot != nullptr) return slot;
  ZSTD_CCtx* z = ZSTD_createCCtx();
  if (z == nullptr) return Status::Error("zstd: cannot allocate a compression context");
  // Kept only once configured: a level zstd refuses fails every page, not just the first.
  auto fail = [z](const char* what, size_t r) {
    ZSTD_freeCCtx(z);
    return Status::Error(std::string("zstd: ") + what + ": " + ZSTD_getErrorName(r));
  };
  size_t r = ZSTD_CCtx_setParameter(z, ZSTD_c_compressionLevel, level_);
  if (ZSTD_isError(r)) return fail("bad compression level", r);
  if (long_matches) {  // see compression.h; parameters not set stay level 1's
    for (auto [param, value] :
         {std::pair{ZSTD_c_strategy, static_cast<int>(ZSTD_dfast)}, std::pair{ZSTD_c_hashLog, 15},
          std::pair{ZSTD_c_chainLog, 13}, std::pair{ZSTD_c_minMatch, 6}}) {
      r = ZSTD_CCtx_setParameter(z, param, value);
      if (ZSTD_isError(r)) return fail("bad parameter", r);
    }
  }
  slot = z;
  return z;
}

Status PageCompressor::Compress(std::span<const uint8_t> input, ByteBuffer* out) {
  switch (codec_) {
    case Codec::kUncompressed:
      out->Append(input.data(), input.size());
      return Status::Ok();
    case Codec::kSnappy: {
      const size_t bound = snappy::MaxCompressedLength(input.size());
      size_t written = 0;
      snappy::RawCompress(reinterpret_cast<const char*>(input.data()),  // NOLINT
                          input.size(),
                          reinterpret_cast<char*>(out->EnsureTail(bound)),  // NOLINT
                          &written);
      out->Advance(written);
      return Status::Ok();
    }
    case Codec::kZstd: {
      Result<ZSTD_CCtx*> z = ZstdContext();
      if (!z.ok()) return z.status();
      const size_t bound = ZSTD_compressBound(input.size());
      const size_t written =
          ZSTD_compress2(*z, out->EnsureTail(bound), bound, input.data(), input.size());
      if (ZSTD_isError(written)) {
        return Status::Error(std::string("zstd: compression failed: ") +
                             ZSTD_getErrorName(written));
      }
      out->Advance(written);
      return Status::Ok();
    }
  }
  return Status::Error("unknown compression codec");
}

size_t PageCompressor::CompressedSize(std::span<const uint8_t> input) {
  if (codec_ == Codec::kUncompressed) return input.size();
  sample_.clear();
  if (!Compress(input, &sample_).ok()) return input.size();
  return sample_.size();
}

}  // namespace sscan::parquet
