// Fuzzes the byte-string helpers every STRING column and every JSON file goes through:
// common/utf8.h (validation and U+FFFD repair) and common/base64.h.
//
// Properties, for any bytes x:
//   * AppendUtf8Replaced(x) is always valid UTF-8 (IsValidUtf8), and equals x when x is valid;
//     it appends (what was in the string before stays);
//   * IsAscii(x) implies IsValidUtf8(x);
//   * the repair agrees with a reference decoder written here from Unicode's "maximal subpart"
//     rule (what Python's bytes.decode('utf-8', 'replace') does);
//   * Base64Decode(Base64Encode(x)) == x, and the encoding has the RFC 4648 length;
//   * Base64Decode of x (as text) never crashes; what it decodes re-encodes to text that
//     decodes to the same bytes.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/base64.h"
#include "common/utf8.h"

namespace {

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "utf8_base64_fuzzer: %s\n", what);
  std::abort();
}

// Length of the valid sequence starting at s[i], or 0 with *bad the length of its maximal
// invalid subpart (at least 1). Table 3-7 of the Unicode standard, written out.
size_t Sequence(std::string_view s, size_t i, size_t* bad) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    *bad = 1;
    return 0;
  }
  size_t k = 1;
  for (; k <= need; ++k) {
    if (i + k >= s.size()) break;
    const unsigned char d = b(i + k);
    const unsigned char min = k == 1 ? lo : 0x80, max = k == 1 ? hi : 0xBF;
    if (d < min || d > max) break;
  }
  if (k == need + 1) return need + 1;
  *bad = k;  // the lead byte and the continuation bytes that were still possible
  return 0;
}

std::string ReferenceRepair(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t bad = 0;
    size_t n = Sequence(s, i, &bad);
    if (n > 0) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out.append("\xEF\xBF\xBD");
      i += bad;
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view x(reinterpret_cast<const char*>(data), size);

  std::string repaired = "prefix:";
  sscan::AppendUtf8Replaced(&repaired, x);
  if (repaired.compare(0, 7, "prefix:") != 0) Fail("AppendUtf8Replaced changed what was there");
  const std::string_view appended = std::string_view(repaired).substr(7);
  if (!sscan::IsValidUtf8(appended)) Fail("the repaired string is not valid UTF-8");
  const bool valid = sscan::IsValidUtf8(x);
  if (valid && appended != x) Fail("valid UTF-8 was changed by the repair");
  if (sscan::IsAscii(x) && !valid) Fail("ASCII that is not valid UTF-8");
  if (appended != ReferenceRepair(x)) Fail("the repair disagrees with the maximal-subpart rule");
  if (valid != (ReferenceRepair(x) == x)) Fail("IsValidUtf8 disagrees with the reference");

  const std::string encoded = sscan::Base64Encode(x);
  if (encoded.size() != (x.size() + 2) / 3 * 4) Fail("base64 of the wrong length");
  auto decoded = sscan::Base64Decode(encoded);
  if (!decoded || *decoded != x) Fail("base64 does not round-trip");

  if (auto loose = sscan::Base64Decode(x)) {
    auto again = sscan::Base64Decode(sscan::Base64Encode(*loose));
    if (!again || *again != *loose) Fail("decoded bytes do not round-trip");
  }
  return 0;
}
