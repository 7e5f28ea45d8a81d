// DELTA_BINARY_PACKED: the spec's examples by hand, then round trips through a reference
// decoder at the traps: INT64 extremes, wrapping deltas, 1 value, one block, block + 1.
#include "parquet/delta_binary_packed.h"

#include <gtest/gtest.h>

#include <climits>
#include <random>
#include <vector>

#include "test_decoders.h"

namespace sscan::parquet {
namespace {

template <typename T>
std::vector<uint8_t> Encode(const std::vector<T>& values) {
  ByteBuffer b;
  EncodeDeltaBinaryPacked(std::span<const T>(values), &b);
  EXPECT_EQ(DeltaBinaryPackedSize(std::span<const T>(values)), b.size());
  return {b.data(), b.data() + b.size()};
}

template <typename T>
void ExpectRoundTrip(const std::vector<T>& values) {
  bool exact = false;
  const std::vector<int64_t> got = testing::DecodeDelta(Encode(values), sizeof(T) == 4, &exact);
  ASSERT_EQ(got.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) ASSERT_EQ(got[i], values[i]) << "at " << i;
  EXPECT_TRUE(exact) << "trailing bytes for " << values.size() << " values";
}

TEST(DeltaBinaryPacked, SpecExampleIncreasing) {
  // 1..5: deltas all 1, min delta 1, every miniblock width 0 (no bodies).
  EXPECT_EQ(Encode(std::vector<int64_t>{1, 2, 3, 4, 5}),
            (std::vector<uint8_t>{0x80, 0x01,                 // block size 128
                                  0x04,                       // 4 miniblocks
                                  0x05,                       // 5 values
                                  0x02,                       // first value zigzag(1)
                                  0x02,                       // min delta zigzag(1)
                                  0x00, 0x00, 0x00, 0x00}));  // bit widths
}

TEST(DeltaBinaryPacked, SpecExampleMixed) {
  // 7 5 3 1 2 3 4 5: deltas -2 -2 -2 1 1 1 1; min -2; relative 0 0 0 3 3 3 3 -> width 2.
  EXPECT_EQ(Encode(std::vector<int32_t>{7, 5, 3, 1, 2, 3, 4, 5}),
            (std::vector<uint8_t>{0x80, 0x01, 0x04, 0x08,
                                  0x0E,                    // first value zigzag(7)
                                  0x03,                    // min delta zigzag(-2)
                                  0x02, 0x00, 0x00, 0x00,  // widths: 2, then unused zeros
                                  0xC0,                    // 0,0,0,3 (LSB first)
                                  0x3F,                    // 3,3,3,0 (0 = padding)
                                  0x00, 0x00, 0x00, 0x00, 0x00, 0x00}));  // 32 * 2 bits
}

TEST(DeltaBinaryPacked, EmptyAndOneValue) {
  EXPECT_EQ(Encode(std::vector<int64_t>{}), (std::vector<uint8_t>{0x80, 0x01, 0x04, 0x00, 0x00}));
  // One value: header only, no block at all.
  EXPECT_EQ(Encode(std::vector<int64_t>{-1}), (std::vector<uint8_t>{0x80, 0x01, 0x04, 0x01, 0x01}));
  ExpectRoundTrip(std::vector<int64_t>{INT64_MIN});
  ExpectRoundTrip(std::vector<int32_t>{INT32_MAX});
}

TEST(DeltaBinaryPacked, ExtremesWrapAround) {
  // INT64_MIN -> INT64_MAX is the delta -1 after wrapping; so is MAX -> MIN + ... etc.
  ExpectRoundTrip(std::vector<int64_t>{INT64_MIN, INT64_MAX, INT64_MIN, 0, INT64_MAX, -1, 1});
  ExpectRoundTrip(std::vector<int32_t>{INT32_MIN, INT32_MAX, INT32_MIN, 0, INT32_MAX, -1});
  // Deltas spanning the whole range: min delta near INT64_MIN, widths of 64 bits.
  std::vector<int64_t> v;
  v.reserve(300);
  for (int i = 0; i < 300; ++i) v.push_back(i % 3 == 0 ? INT64_MIN : (i % 3 == 1 ? INT64_MAX : 0));
  ExpectRoundTrip(v);
}

TEST(DeltaBinaryPacked, BlockBoundaries) {
  std::mt19937_64 rng(3);
  for (size_t n : {2u, 31u, 32u, 33u, 128u, 129u, 130u, 160u, 257u, 258u, 1000u}) {
    std::vector<int64_t> a;
    std::vector<int32_t> b;
    int64_t x = 1'700'000'000;
    for (size_t i = 0; i < n; ++i) {
      x += static_cast<int64_t>(rng() % 1000) - 300;
      a.push_back(x);
      b.push_back(static_cast<int32_t>(rng()));
    }
    ExpectRoundTrip(a);
    ExpectRoundTrip(b);
  }
}

TEST(DeltaBinaryPacked, RandomFullRange) {
  std::mt19937_64 rng(11);
  std::vector<int64_t> v(777);
  for (int64_t& x : v) x = static_cast<int64_t>(rng());
  ExpectRoundTrip(v);
}

TEST(DeltaBinaryPacked, UnusedMiniblocksStillHaveWidthBytes) {
  // 34 values = 33 deltas: miniblocks 0 and 1 hold values, 2 and 3 are unused.
  std::vector<int64_t> v;
  v.reserve(34);
  for (int i = 0; i < 34; ++i) v.push_back(i * i);
  const std::vector<uint8_t> bytes = Encode(v);
  // header (5 bytes: 80 01 04 22 00), min delta zigzag(1) = 02, then four width bytes.
  ASSERT_GT(bytes.size(), 10u);
  EXPECT_EQ(bytes[5], 0x02);
  EXPECT_EQ(bytes[8], 0x00);
  EXPECT_EQ(bytes[9], 0x00);
  // Bodies only for the two used miniblocks, each a full 32 values wide.
  EXPECT_EQ(bytes.size(), 10u + 4u * bytes[6] + 4u * bytes[7]);
}

TEST(DeltaBinaryPacked, RangeBitWidth) {
  EXPECT_EQ(DeltaRangeBitWidth(std::span<const int64_t>()), 0);
  const std::vector<int64_t> same = {5, 6, 7, 8};
  EXPECT_EQ(DeltaRangeBitWidth(std::span<const int64_t>(same)), 0);  // deltas all 1
  const std::vector<int64_t> mixed = {0, 10, 5};                     // deltas 10, -5 -> range 15
  EXPECT_EQ(DeltaRangeBitWidth(std::span<const int64_t>(mixed)), 4);
  const std::vector<int64_t> wrap = {INT64_MIN, INT64_MAX};  // one delta (-1): range 0
  EXPECT_EQ(DeltaRangeBitWidth(std::span<const int64_t>(wrap)), 0);
  const std::vector<int32_t> wide = {0, INT32_MAX, 0};
  EXPECT_EQ(DeltaRangeBitWidth(std::span<const int32_t>(wide)), 32);
}

}  // namespace
}  // namespace sscan::parquet
