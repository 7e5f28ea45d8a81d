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

// PutValues is a faster Put loop: the same bytes for any input, any split of it into calls,
// and any mix with Put. Inputs: runs of every length around 8 and 63-group literal limits,
// with values from a small alphabet so runs and near-runs (7 equal, then another) abound.
TEST(RleBitPacked, PutValuesMatchesPut) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 400; ++trial) {
    const int width = 1 + trial % 12;
    std::vector<uint32_t> v;
    const size_t target = 1 + rng() % 3000;
    while (v.size() < target) {
      const uint32_t value = rng() % std::min<uint32_t>(4, 1u << width);
      const size_t run = rng() % 4 == 0 ? 1 + rng() % 40 : 1 + rng() % 9;
      v.insert(v.end(), run, value);
    }
    ByteBuffer a;
    RleBitPackedEncoder ea(&a, width);
    for (uint32_t x : v) ea.Put(x);
    ea.Finish();

    ByteBuffer b;
    RleBitPackedEncoder eb(&b, width);
    for (size_t i = 0; i < v.size();) {
      const size_t n = std::min(v.size() - i, static_cast<size_t>(1 + rng() % 700));
      if (rng() % 5 == 0) {
        for (size_t k = 0; k < n; ++k) eb.Put(v[i + k]);
      } else {
        eb.PutValues(v.data() + i, n);
      }
      i += n;
    }
    eb.Finish();
    ASSERT_EQ(a.view(), b.view()) << "trial " << trial;
    EXPECT_EQ(
        testing::DecodeRle(std::vector<uint8_t>(b.data(), b.data() + b.size()), width, v.size()), v)
        << "trial " << trial;
  }
}

// The size the writer plans pages and picks encodings by is the size written, exactly: runs
// at the end, tails of one value after a run or after literals, 63-group literal runs, width 0.
TEST(RleBitPacked, SizeIsTheEncodedSize) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 600; ++trial) {
    const int width = trial % 14;
    const uint32_t alphabet = width == 0 ? 1 : std::min<uint32_t>(1u << width, 2 + trial % 5);
    std::vector<uint32_t> v;
    const size_t target = rng() % 1200;
    while (v.size() < target) {
      const size_t run = rng() % 3 == 0 ? 1 + rng() % 100 : 1 + rng() % 9;
      v.insert(v.end(), run, static_cast<uint32_t>(rng() % alphabet));
    }
    if (trial % 7 == 0) {  // long literal stretches: more than 63 groups without a run
      for (size_t i = 0; i < 1100; ++i) v.push_back(static_cast<uint32_t>(i % 2) % alphabet);
    }
    ByteBuffer b;
    RleBitPackedEncoder e(&b, width);
    e.PutValues(v.data(), v.size());
    e.Finish();
    ASSERT_EQ(RleBitPackedSize(v, width), b.size()) << "trial " << trial << " n " << v.size();
  }
  EXPECT_EQ(RleBitPackedSize({}, 3), 0u);
}

TEST(RleBitPacked, PutValuesLongLiteralRunsAndEmptyInput) {
  std::vector<uint32_t> v(2000);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint32_t>(i % 1000);
  ByteBuffer b;
  RleBitPackedEncoder e(&b, 10);
  e.PutValues(v.data(), 0);
  e.PutValues(v.data(), v.size());
  e.Finish();
  EXPECT_EQ(std::vector<uint8_t>(b.data(), b.data() + b.size()), Encode(v, 10));
}

// --- RLE runs only (EncodeRleRuns) ----------------------------------------------------------

std::vector<uint8_t> EncodeRuns(const std::vector<uint32_t>& values, int width) {
  ByteBuffer b;
  EncodeRleRuns(values, width, &b);
  return {b.data(), b.data() + b.size()};
}

TEST(RleRuns, EveryRunIsAnRleRunHoweverShort) {
  // 5 x1 | 6 x2 | 7 x1 at width 12 (two value bytes): headers 2, 4, 2.
  EXPECT_EQ(EncodeRuns({5, 6, 6, 7}, 12),
            (std::vector<uint8_t>{0x02, 0x05, 0x00, 0x04, 0x06, 0x00, 0x02, 0x07, 0x00}));
  // A run of 200: the header 400 takes a two-byte varint.
  EXPECT_EQ(EncodeRuns(std::vector<uint32_t>(200, 1), 1), (std::vector<uint8_t>{0x90, 0x03, 0x01}));
  EXPECT_EQ(EncodeRuns(std::vector<uint32_t>(3, 0), 0), (std::vector<uint8_t>{0x06}));
  EXPECT_TRUE(EncodeRuns({}, 5).empty());
}

// The reference decoder reads it back exactly, at every width, and RleRunsSize is its size.
TEST(RleRuns, RoundTripAndSizeEveryWidth) {
  std::mt19937_64 rng(13);
  for (int width = 0; width <= 32; ++width) {
    const uint64_t limit = width == 32 ? UINT32_MAX : (uint64_t{1} << width) - 1;
    for (size_t n : {1u, 2u, 7u, 8u, 9u, 100u, 5000u}) {
      std::vector<uint32_t> values;
      while (values.size() < n) {
        const uint32_t v = static_cast<uint32_t>(limit == 0 ? 0 : rng() % (limit + 1));
        const size_t run = rng() % 3 == 0 ? 1 + rng() % 300 : 1 + rng() % 3;
        for (size_t i = 0; i < run && values.size() < n; ++i) values.push_back(v);
      }
      const std::vector<uint8_t> bytes = EncodeRuns(values, width);
      bool exact = false;
      EXPECT_EQ(testing::DecodeRle(bytes, width, n, &exact), values) << width << " " << n;
      EXPECT_TRUE(exact) << "trailing bytes, width " << width << " n " << n;
      EXPECT_EQ(RleRunsSize(values, width), bytes.size()) << width << " " << n;
    }
  }
}

}  // namespace
}  // namespace sscan::parquet
