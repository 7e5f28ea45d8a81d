// UTF-8 validation: RFC 3629's edges, and invalid bytes before, inside and after the
// 16-byte ASCII fast path.
#include <gtest/gtest.h>

#include <string>

#include "common/utf8.h"

namespace sscan {
namespace {

bool Valid(const std::string& s) { return IsValidUtf8(s); }

TEST(Utf8ValidationTest, Valid) {
  EXPECT_TRUE(Valid(""));
  EXPECT_TRUE(Valid("plain ascii path /home/user/file.txt"));
  EXPECT_TRUE(Valid("\xC3\xA9"));                  // é
  EXPECT_TRUE(Valid("\xE6\x97\xA5\xE6\x9C\xAC"));  // 日本
  EXPECT_TRUE(Valid("\xF0\x9F\x98\x80"));          // U+1F600
  EXPECT_TRUE(Valid("\xED\x9F\xBF"));              // U+D7FF, last before the surrogates
  EXPECT_TRUE(Valid("\xEE\x80\x80"));              // U+E000, first after them
  EXPECT_TRUE(Valid("\xEF\xBF\xBF"));              // U+FFFF
  EXPECT_TRUE(Valid("\xF4\x8F\xBF\xBF"));          // U+10FFFF, the last code point
  EXPECT_TRUE(Valid(std::string(1000, 'a') + "\xC3\xA9" + std::string(33, 'b')));
}

TEST(Utf8ValidationTest, Invalid) {
  EXPECT_FALSE(Valid("\x80"));              // stray continuation
  EXPECT_FALSE(Valid("\xC0\x80"));          // overlong NUL
  EXPECT_FALSE(Valid("\xC1\xBF"));          // overlong
  EXPECT_FALSE(Valid("\xE0\x80\x80"));      // overlong 3-byte
  EXPECT_FALSE(Valid("\xF0\x80\x80\x80"));  // overlong 4-byte
  EXPECT_FALSE(Valid("\xED\xA0\x80"));      // U+D800 surrogate
  EXPECT_FALSE(Valid("\xED\xBF\xBF"));      // U+DFFF surrogate
  EXPECT_FALSE(Valid("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(Valid("\xF5\x80\x80\x80"));  // F5..FF never appear
  EXPECT_FALSE(Valid("\xFF"));
  EXPECT_FALSE(Valid("\xE6\x97"));  // truncated
  EXPECT_FALSE(Valid("\xC3"));      // truncated at the very end
  EXPECT_FALSE(Valid("\xC3\x28"));  // bad continuation
  EXPECT_FALSE(Valid("\xF0\x9F\x98"));
}

TEST(Utf8ValidationTest, InvalidByteAtEveryPositionAroundTheFastPath) {
  for (size_t len = 1; len <= 40; ++len) {
    for (size_t pos = 0; pos < len; ++pos) {
      std::string s(len, 'x');
      s[pos] = '\xFF';
      EXPECT_FALSE(Valid(s)) << len << " " << pos;
      s[pos] = 'y';
      EXPECT_TRUE(Valid(s));
    }
  }
}

TEST(Utf8ValidationTest, IsAscii) {
  const std::string a(100, 'a');
  EXPECT_TRUE(IsAscii(a));
  const std::string b = a + "\xC3\xA9";
  EXPECT_FALSE(IsAscii(b));
}

}  // namespace
}  // namespace sscan
