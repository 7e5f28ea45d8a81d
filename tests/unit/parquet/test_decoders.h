// test_decoders.h — small reference decoders for the unit tests (the writer has no reader).
// Written from Encodings.md independently of the encoders they check; slow and simple.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <vector>

namespace sscan::parquet::testing {

class ByteReader {
 public:
  ByteReader(const uint8_t* p, size_t n) : p_(p), n_(n) {}
  uint8_t Byte() {
    if (pos_ >= n_) throw std::runtime_error("read past end");
    return p_[pos_++];
  }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const uint8_t b = Byte();
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return v;
    }
  }
  int64_t ZigZag() {
    const uint64_t v = Varint();
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }
  // `count` values of `width` bits, LSB first, from ceil(count * width / 8) bytes.
  std::vector<uint64_t> Unpack(size_t count, int width) {
    std::vector<uint64_t> out;
    const size_t bytes = (count * static_cast<size_t>(width) + 7) / 8;
    if (pos_ + bytes > n_) throw std::runtime_error("bit-packed run past end");
    for (size_t i = 0; i < count; ++i) {
      uint64_t v = 0;
      for (int b = 0; b < width; ++b) {
        const size_t bit = i * static_cast<size_t>(width) + static_cast<size_t>(b);
        v |= static_cast<uint64_t>((p_[pos_ + bit / 8] >> (bit % 8)) & 1) << b;
      }
      out.push_back(v);
    }
    pos_ += bytes;
    return out;
  }
  size_t pos() const { return pos_; }
  bool done() const { return pos_ == n_; }

 private:
  const uint8_t* p_;
  size_t n_;
  size_t pos_ = 0;
};

// Decodes `count` values of an RLE/bit-packed hybrid stream (no length prefix).
inline std::vector<uint32_t> DecodeRle(const std::vector<uint8_t>& bytes, int width, size_t count,
                                       bool* exact_end = nullptr) {
  ByteReader r(bytes.data(), bytes.size());
  std::vector<uint32_t> out;
  while (out.size() < count) {
    const uint64_t header = r.Varint();
    if (header & 1) {
      for (uint64_t v : r.Unpack((header >> 1) * 8, width)) out.push_back(static_cast<uint32_t>(v));
    } else {
      uint32_t v = 0;
      for (int i = 0; i < (width + 7) / 8; ++i) v |= static_cast<uint32_t>(r.Byte()) << (8 * i);
      out.insert(out.end(), header >> 1, v);
    }
  }
  if (exact_end != nullptr) *exact_end = r.done();
  out.resize(count);
  return out;
}

// Decodes one DELTA_BINARY_PACKED stream into 64-bit values (wrapping arithmetic).
inline std::vector<int64_t> DecodeDelta(const std::vector<uint8_t>& bytes, bool is32,
                                        bool* exact_end = nullptr) {
  ByteReader r(bytes.data(), bytes.size());
  const uint64_t block = r.Varint();
  const uint64_t miniblocks = r.Varint();
  const uint64_t total = r.Varint();
  std::vector<int64_t> out;
  if (total == 0) {
    r.ZigZag();
    if (exact_end != nullptr) *exact_end = r.done();
    return out;
  }
  uint64_t value = static_cast<uint64_t>(r.ZigZag());
  out.push_back(static_cast<int64_t>(value));
  const uint64_t per_mini = block / miniblocks;
  while (out.size() < total) {
    const uint64_t min_delta = static_cast<uint64_t>(r.ZigZag());
    std::vector<int> widths;
    for (uint64_t m = 0; m < miniblocks; ++m) widths.push_back(r.Byte());
    for (uint64_t m = 0; m < miniblocks && out.size() < total; ++m) {
      for (uint64_t d : r.Unpack(per_mini, widths[m])) {
        if (out.size() == total) break;
        value += min_delta + d;
        if (is32) value = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(value)));
        out.push_back(static_cast<int64_t>(value));
      }
    }
  }
  if (exact_end != nullptr) *exact_end = r.done();
  return out;
}

}  // namespace sscan::parquet::testing
