// utf8.cc — see utf8.h.
#include "parquet/utf8.h"

#include <cstring>

namespace sscan::parquet {
namespace {

constexpr uint64_t kHighBits = 0x8080808080808080ULL;

// Index of the first byte >= 0x80 at or after `i`, or `size`.
size_t SkipAscii(const uint8_t* p, size_t i, size_t size) {
  while (i + 16 <= size) {
    uint64_t a;
    uint64_t b;
    std::memcpy(&a, p + i, 8);
    std::memcpy(&b, p + i + 8, 8);
    if (((a | b) & kHighBits) != 0) break;
    i += 16;
  }
  while (i < size && p[i] < 0x80) ++i;
  return i;
}

}  // namespace

bool IsAscii(const uint8_t* data, size_t size) { return SkipAscii(data, 0, size) == size; }

bool IsValidUtf8(const uint8_t* p, size_t size) {
  size_t i = 0;
  while (true) {
    i = SkipAscii(p, i, size);
    if (i == size) return true;
    const uint8_t c = p[i];
    // Table 3-7 of the Unicode standard: the second byte's range depends on the first.
    if (c >= 0xC2 && c <= 0xDF) {
      if (i + 1 >= size || (p[i + 1] & 0xC0) != 0x80) return false;
      i += 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      if (i + 2 >= size) return false;
      const uint8_t c1 = p[i + 1];
      const uint8_t lo = c == 0xE0 ? 0xA0 : 0x80;  // no overlongs
      const uint8_t hi = c == 0xED ? 0x9F : 0xBF;  // no surrogates
      if (c1 < lo || c1 > hi || (p[i + 2] & 0xC0) != 0x80) return false;
      i += 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      if (i + 3 >= size) return false;
      const uint8_t c1 = p[i + 1];
      const uint8_t lo = c == 0xF0 ? 0x90 : 0x80;  // no overlongs
      const uint8_t hi = c == 0xF4 ? 0x8F : 0xBF;  // nothing above U+10FFFF
      if (c1 < lo || c1 > hi || (p[i + 2] & 0xC0) != 0x80 || (p[i + 3] & 0xC0) != 0x80) {
        return false;
      }
      i += 4;
    } else {
      return false;  // continuation byte, 0xC0/0xC1 (overlong), or 0xF5..0xFF
    }
  }
}

}  // namespace sscan::parquet
