// Statistics order: UINT columns compare unsigned, INT signed, byte arrays byte-wise as
// unsigned bytes (0x80 and above sort after ASCII).
#include "parquet/statistics.h"

#include <gtest/gtest.h>

#include <climits>
#include <cstring>
#include <vector>

namespace sscan::parquet {
namespace {

template <typename T>
T Decode(const std::string& s) {
  T v;
  EXPECT_EQ(s.size(), sizeof(T));
  std::memcpy(&v, s.data(), sizeof(T));
  return v;
}

TEST(Statistics, Int64SignedVersusUnsigned) {
  const std::vector<int64_t> v = {5, -1 /* UINT64_MAX */, 0, INT64_MIN /* 2^63 */};
  format::Statistics s;
  SetIntegerMinMax(std::span<const int64_t>(v), /*is_unsigned=*/false, &s);
  EXPECT_EQ(Decode<int64_t>(*s.min_value), INT64_MIN);
  EXPECT_EQ(Decode<int64_t>(*s.max_value), 5);
  format::Statistics u;
  SetIntegerMinMax(std::span<const int64_t>(v), /*is_unsigned=*/true, &u);
  EXPECT_EQ(Decode<uint64_t>(*u.min_value), 0u);
  EXPECT_EQ(Decode<uint64_t>(*u.max_value), UINT64_MAX);
}

TEST(Statistics, Int32SignedVersusUnsigned) {
  const std::vector<int32_t> v = {7, -2, 3};
  format::Statistics s;
  SetIntegerMinMax(std::span<const int32_t>(v), false, &s);
  EXPECT_EQ(Decode<int32_t>(*s.min_value), -2);
  EXPECT_EQ(Decode<int32_t>(*s.max_value), 7);
  format::Statistics u;
  SetIntegerMinMax(std::span<const int32_t>(v), true, &u);
  EXPECT_EQ(Decode<uint32_t>(*u.min_value), 3u);
  EXPECT_EQ(Decode<uint32_t>(*u.max_value), 0xFFFFFFFEu);
}

TEST(Statistics, EmptyLeavesMinMaxUnset) {
  format::Statistics s;
  SetIntegerMinMax(std::span<const int64_t>(), true, &s);
  EXPECT_FALSE(s.min_value.has_value());
  EXPECT_FALSE(s.max_value.has_value());
}

TEST(Statistics, ByteArraysCompareAsUnsignedBytes) {
  ByteArrayMinMax m;
  for (const char* v : {"b", "\xC3\xA9", "z", "a\x80", "a", "\xFF", "ab"}) m.Update(v);
  EXPECT_EQ(m.min(), "a");
  EXPECT_EQ(m.max(), "\xFF");  // a signed-char compare would make 0xFF the smallest
  EXPECT_LT(CompareBytes("z", "\xC3\xA9"), 0);
  EXPECT_LT(CompareBytes("a", "a\x80"), 0);  // a prefix sorts first
  EXPECT_LT(CompareBytes("", "a"), 0);
  EXPECT_EQ(CompareBytes("abc", "abc"), 0);
}

TEST(Statistics, ByteArrayBoundsOmittedWhenTooLong) {
  ByteArrayMinMax m;
  m.Update("short");
  m.Update(std::string_view("zzzzzzzzzzzz"));
  format::Statistics s;
  m.WriteTo(8, &s);
  EXPECT_FALSE(s.min_value.has_value());  // both or neither
  EXPECT_FALSE(s.max_value.has_value());
  m.WriteTo(12, &s);
  EXPECT_EQ(*s.min_value, "short");
  EXPECT_EQ(*s.max_value, "zzzzzzzzzzzz");
}

TEST(Statistics, EmptyStringIsAValue) {
  ByteArrayMinMax m;
  m.Update("");
  format::Statistics s;
  m.WriteTo(0, &s);
  EXPECT_EQ(*s.min_value, "");
  EXPECT_EQ(*s.max_value, "");
}

}  // namespace
}  // namespace sscan::parquet
