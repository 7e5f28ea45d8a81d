// UTF-8 validation and repair must agree with Python's bytes.decode('utf-8', 'replace'), the
// tool analysts and our own test harness compare against. Expected values were produced by
// CPython 3.11 for each input.
#include "common/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace sscan {
namespace {

struct Case {
  std::string input;
  std::string repaired;
};

TEST(Utf8Test, RepairMatchesPythonReplace) {
  const Case cases[] = {
      {"\x70\x6c\x61\x69\x6e", "\x70\x6c\x61\x69\x6e"},
      {"\x63\x61\x66\xc3\xa9", "\x63\x61\x66\xc3\xa9"},
      {"\xff", "\xef\xbf\xbd"},
      {"\x61\xff\x62", "\x61\xef\xbf\xbd\x62"},
      {"\xe2\x82", "\xef\xbf\xbd"},
      {"\xe2\x82\x61", "\xef\xbf\xbd\x61"},
      {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},  // a surrogate
      {"\xc0\x80", "\xef\xbf\xbd\xef\xbf\xbd"},                  // overlong NUL
      {"\xe0\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
      {"\xf0\x9f\x98", "\xef\xbf\xbd"},  // truncated emoji
      {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},
      {"\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},  // > U+10FFFF
      {"\xf5", "\xef\xbf\xbd"},
      {"\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd"},
      {"\x61\x62\x63\xe2", "\x61\x62\x63\xef\xbf\xbd"},
      {"\xc3", "\xef\xbf\xbd"},
      {"\xe0\xa0", "\xef\xbf\xbd"},
      {"\x78\xf0\x90\x80\x2f\x79", "\x78\xef\xbf\xbd\x2f\x79"},  // '/' ends a sequence
  };
  for (const Case& c : cases) {
    std::string out;
    AppendUtf8Replaced(&out, c.input);
    EXPECT_EQ(out, c.repaired);
    EXPECT_EQ(IsValidUtf8(c.input), c.input == c.repaired);
    EXPECT_TRUE(IsValidUtf8(out));
  }
}

TEST(Utf8Test, LongAsciiTakesTheFastPathAndStillChecksTheTail) {
  std::string s(1000, 'a');
  EXPECT_TRUE(IsValidUtf8(s));
  s += "\xff";
  EXPECT_FALSE(IsValidUtf8(s));
  s = std::string(13, 'b') + "\xc3\xa9" + std::string(7, 'c');
  EXPECT_TRUE(IsValidUtf8(s));
}

}  // namespace
}  // namespace sscan
