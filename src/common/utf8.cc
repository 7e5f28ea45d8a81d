#include "common/utf8.h"

#include <cstdint>
#include <cstring>

namespace sscan {
namespace {

// Length of the well-formed UTF-8 sequence starting at s[i], or 0 if s[i] does not start one.
// When 0, *bad_length is the length of the maximal subpart to replace by one U+FFFD: the lead
// byte plus the continuation bytes that were still valid for it (Unicode 15, table 3-7).
size_t SequenceLength(const unsigned char* s, size_t n, size_t* bad_length) {
  unsigned char c = s[0];
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 3;
    if (c == 0xE0) lo = 0xA0;  // no overlongs
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 4;
    if (c == 0xF0) lo = 0x90;  // no overlongs
    if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    *bad_length = 1;  // 0x80..0xC1 and 0xF5..0xFF never start a sequence
    return 0;
  }
  size_t i = 1;
  for (; i < need; ++i) {
    if (i >= n) break;
    unsigned char b = s[i];
    bool ok = (i == 1) ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xBF);
    if (!ok) break;
  }
  if (i == need) return need;
  *bad_length = i;
  return 0;
}

// Index of the first byte >= 0x80 at or after `i`, or `n`. Paths are overwhelmingly ASCII:
// test 16 bytes at a time, then the rest in at most two words, before decoding anything.
size_t SkipAscii(const unsigned char* p, size_t i, size_t n) {
  constexpr uint64_t kHighBits = 0x8080808080808080ULL;
  while (i + 16 <= n) {
    uint64_t a;
    uint64_t b;
    std::memcpy(&a, p + i, 8);
    std::memcpy(&b, p + i + 8, 8);
    if (((a | b) & kHighBits) != 0) break;
    i += 16;
  }
  if (n - i >= 8 && n - i <= 16) {  // a typical name: two words that may overlap
    uint64_t a;
    uint64_t b;
    std::memcpy(&a, p + i, 8);
    std::memcpy(&b, p + n - 8, 8);
    if (((a | b) & kHighBits) == 0) return n;
  }
  while (i < n && p[i] < 0x80) ++i;
  return i;
}

}  // namespace

bool IsAscii(std::string_view bytes) {
  return SkipAscii(reinterpret_cast<const unsigned char*>(bytes.data()), 0, bytes.size()) ==
         bytes.size();
}

bool IsValidUtf8(std::string_view bytes) {
  const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  size_t i = 0;
  for (;;) {
    i = SkipAscii(s, i, n);
    if (i == n) return true;
    size_t bad = 0;
    size_t len = SequenceLength(s + i, n - i, &bad);
    if (len == 0) return false;
    i += len;
  }
}

void AppendUtf8Replaced(std::string* out, std::string_view bytes) {
  const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t n = bytes.size();
  size_t i = 0;
  size_t run_start = 0;  // start of the valid run not yet copied
  while (i < n) {
    size_t bad = 0;
    size_t len = SequenceLength(s + i, n - i, &bad);
    if (len != 0) {
      i += len;
      continue;
    }
    out->append(bytes.data() + run_start, i - run_start);
    out->append("\xEF\xBF\xBD");
    i += bad;
    run_start = i;
  }
  out->append(bytes.data() + run_start, n - run_start);
}

}  // namespace sscan
