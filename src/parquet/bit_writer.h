// bit_writer.h — packs unsigned values of a given bit width, least-significant bit first.
//
// Parquet's bit packing (RLE/bit-packed hybrid and DELTA_BINARY_PACKED miniblocks) fills each
// byte from its lowest bit up: value 0 occupies the lowest `width` bits of the stream. Widths
// go up to 64 (INT64 deltas), so a value can straddle the 64-bit accumulator; the spill is
// carried into the next word.
//
// Thread safety: a plain value; appends to a ByteBuffer the caller owns.
#pragma once

#include <cstdint>
#include <cstring>

#include "parquet/byte_buffer.h"

namespace sscan::parquet {

class BitWriter {
 public:
  explicit BitWriter(ByteBuffer* out) : out_(out) {}

  // REQUIRES: 0 <= width <= 64 and value < 2^width.
  void Put(uint64_t value, int width) {
    if (width == 0) return;
    acc_ |= value << bits_;  // bits_ is always < 64
    const int total = bits_ + width;
    if (total >= 64) {
      out_->AppendLittleEndian(acc_);
      // The high part of `value` that did not fit; when bits_ == 0 it all fitted.
      acc_ = bits_ == 0 ? 0 : value >> (64 - bits_);
      bits_ = total - 64;
    } else {
      bits_ = total;
    }
  }

  // Writes the pending bits, zero-padded to a whole byte.
  void Flush() {
    const int bytes = (bits_ + 7) / 8;
    if (bytes > 0) {
      uint8_t tmp[8];
      std::memcpy(tmp, &acc_, 8);
      out_->Append(tmp, static_cast<size_t>(bytes));
    }
    acc_ = 0;
    bits_ = 0;
  }

 private:
  ByteBuffer* out_;
  uint64_t acc_ = 0;
  int bits_ = 0;
};

// Number of bits needed to represent `v` (0 for 0).
inline int BitWidth(uint64_t v) { return v == 0 ? 0 : 64 - __builtin_clzll(v); }

}  // namespace sscan::parquet
