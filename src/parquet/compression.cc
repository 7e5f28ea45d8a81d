// compression.cc — zstd, snappy or a plain copy; see compression.h.
#include "parquet/compression.h"

#include <snappy.h>
#include <zstd.h>

#include <string>

namespace sscan::parquet {

PageCompressor::PageCompressor(Codec codec, int zstd_level) : codec_(codec), level_(zstd_level) {}

PageCompressor::~PageCompressor() {
  if (zstd_ != nullptr) ZSTD_freeCCtx(zstd_);
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
      if (zstd_ == nullptr) {
        zstd_ = ZSTD_createCCtx();
        if (zstd_ == nullptr) return Status::Error("zstd: cannot allocate a compression context");
        const size_t r = ZSTD_CCtx_setParameter(zstd_, ZSTD_c_compressionLevel, level_);
        if (ZSTD_isError(r)) {
          return Status::Error(std::string("zstd: bad compression level: ") + ZSTD_getErrorName(r));
        }
      }
      const size_t bound = ZSTD_compressBound(input.size());
      const size_t written =
          ZSTD_compress2(zstd_, out->EnsureTail(bound), bound, input.data(), input.size());
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
