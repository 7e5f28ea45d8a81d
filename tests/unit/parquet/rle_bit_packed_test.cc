// RLE/bit-packed hybrid: hand-computed streams, then round trips through a reference decoder
// for every bit width 0..32, run boundaries and group padding.
#include "parquet/rle_bit_packed.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "test_decoders.h"

namespace sscan::parquet {
namespace {

std::vector<uint8_t> Encode(const std::vector<uint32_t>& values, int width) {
  ByteBuffer b;
  RleBitPackedEncoder e(&b, width);
  for (uint32_t v : values) e.Put(v);
  e.Finish();
  return {b.data(), b.data() + b.size()};
}

TEST(RleBitPacked, SpecExampleBitPacked) {
  // Encodings.md: 0..7 at width 3 packs to 10001000 11000110 11111010.
  EXPECT_EQ(Encode({0, 1, 2, 3, 4, 5, 6, 7}, 3),
            (std::vector<uint8_t>{0x03, 0x88, 0xC6, 0xFA}));  // header: 1 group << 1 | 1
}

TEST(RleBitPacked, RunOfTen) {
  // header 10 << 1 = 0x14, then the value in ceil(3 / 8) = 1 byte.
  EXPECT_EQ(Encode(std::vector<uint32_t>(10, 5), 3), (std::vector<uint8_t>{0x14, 0x05}));
}

TEST(RleBitPacked, WidthZeroIsHeaderOnly) {
  EXPECT_EQ(Encode(std::vector<uint32_t>(100, 0), 0),
            (std::vector<uint8_t>{0xC8, 0x01}));  // 200 as a varint, no value bytes
}

TEST(RleBitPacked, ShortTailOfOneValueIsARun) {
  EXPECT_EQ(Encode({1, 1, 1}, 1), (std::vector<uint8_t>{0x06, 0x01}));
}

TEST(RleBitPacked, PartialGroupIsPaddedToEight) {
  // 1 | 2 << 2 | 3 << 4 = 0x39; values 4..7 are padding zeros.
  EXPECT_EQ(Encode({1, 2, 3}, 2), (std::vector<uint8_t>{0x03, 0x39, 0x00}));
}

TEST(RleBitPacked, WideValuesUseFourBytes) {
  EXPECT_EQ(Encode(std::vector<uint32_t>(8, 0xDEADBEEF), 32),
            (std::vector<uint8_t>{0x10, 0xEF, 0xBE, 0xAD, 0xDE}));
}

TEST(RleBitPacked, RoundTripEveryWidth) {
  std::mt19937_64 rng(7);
  for (int width = 0; width <= 32; ++width) {
    const uint64_t limit = width == 32 ? UINT32_MAX : (uint64_t{1} << width) - 1;
    for (size_t n : {1u, 7u, 8u, 9u, 15u, 16u, 17u, 503u, 504u, 505u, 1000u, 5000u}) {
      std::vector<uint32_t> values;
      while (values.size() < n) {
        const uint32_t v = static_cast<uint32_t>(limit == 0 ? 0 : rng() % (limit + 1));
        const size_t run = rng() % 4 == 0 ? rng() % 40 : 1;  // some runs cross group edges
        for (size_t i = 0; i < run && values.size() < n; ++i) values.push_back(v);
      }
      const std::vector<uint8_t> bytes = Encode(values, width);
      bool exact = false;
      EXPECT_EQ(testing::DecodeRle(bytes, width, n, &exact), values) << width << " " << n;
      EXPECT_TRUE(exact) << "trailing bytes, width " << width << " n " << n;
    }
  }
}

TEST(RleBitPacked, RunBoundaries) {
  // Runs of 7, 8 and 9 next to literals, and a run starting mid-group.
  for (size_t run : {7u, 8u, 9u, 16u, 63u, 64u}) {
    for (size_t lead : {0u, 1u, 3u, 7u, 8u}) {
      std::vector<uint32_t> v;
      for (size_t i = 0; i < lead; ++i) v.push_back(static_cast<uint32_t>(i % 3 + 1));
      v.insert(v.end(), run, 9);
      v.push_back(2);
      v.push_back(5);
      bool exact = false;
      EXPECT_EQ(testing::DecodeRle(Encode(v, 4), 4, v.size(), &exact), v);
      EXPECT_TRUE(exact);
    }
  }
}

TEST(RleBitPacked, LongLiteralRunsSplitAt63Groups) {
  std::vector<uint32_t> v;
  for (uint32_t i = 0; i < 2000; ++i) v.push_back(i % 1000);
  const std::vector<uint8_t> bytes = Encode(v, 10);
  EXPECT_EQ(bytes[0], (63 << 1) | 1);  // the first bit-packed run is capped
  EXPECT_EQ(testing::DecodeRle(bytes, 10, v.size()), v);
}

TEST(RleBitPacked, PutRepeatedMatchesPut) {
  for (uint64_t count : {1u, 5u, 8u, 9u, 100u, 100000u}) {
    ByteBuffer a;
    ByteBuffer b;
    RleBitPackedEncoder ea(&a, 1);
    RleBitPackedEncoder eb(&b, 1);
    ea.Put(0);
    eb.Put(0);
    for (uint64_t i = 0; i < count; ++i) ea.Put(1);
    eb.PutRepeated(1, count);
    ea.Put(0);
    eb.Put(0);
    ea.Finish();
    eb.Finish();
    ASSERT_EQ(a.view(), b.view()) << count;
  }
}

}  // namespace
}  // namespace sscan::parquet
