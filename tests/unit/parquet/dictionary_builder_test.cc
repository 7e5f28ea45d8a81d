// Dictionary builders: entries in first-seen order, one index per value, and the budget that
// abandons a dictionary that cannot pay.
#include "parquet/dictionary_builder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sscan::parquet {
namespace {

TEST(IntDictionary, FirstSeenOrder) {
  IntDictionaryBuilder<int64_t> d;
  const std::vector<int64_t> v = {5, 5, 7, 5, 9, INT64_MIN, 7};
  std::vector<uint32_t> idx;
  ASSERT_TRUE(d.Build(std::span<const int64_t>(v), 1 << 20, &idx));
  EXPECT_EQ(std::vector<int64_t>(d.entries().begin(), d.entries().end()),
            (std::vector<int64_t>{5, 7, 9, INT64_MIN}));
  EXPECT_EQ(idx, (std::vector<uint32_t>{0, 0, 1, 0, 2, 3, 1}));
}

TEST(IntDictionary, ManyValuesAndRehash) {
  IntDictionaryBuilder<int32_t> d;
  std::vector<int32_t> v;
  v.reserve(50000);
  for (int i = 0; i < 50000; ++i) v.push_back((i * 7919) % 2003);
  std::vector<uint32_t> idx;
  ASSERT_TRUE(d.Build(std::span<const int32_t>(v), 1 << 20, &idx));
  for (size_t i = 0; i < v.size(); ++i) ASSERT_EQ(d.entries()[idx[i]], v[i]);
  EXPECT_EQ(d.entries().size(), 2003u);
  // Mostly new values past the first 4096: abandoned, whatever the budget.
  std::vector<int32_t> unique(10000);
  for (size_t i = 0; i < unique.size(); ++i) unique[i] = static_cast<int32_t>(i);
  EXPECT_FALSE(d.Build(std::span<const int32_t>(unique), 1 << 30, &idx));
}

TEST(IntDictionary, BudgetStopsUniqueColumns) {
  IntDictionaryBuilder<int64_t> d;
  std::vector<int64_t> v(1000);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int64_t>(i);
  std::vector<uint32_t> idx;
  EXPECT_FALSE(d.Build(std::span<const int64_t>(v), 800, &idx));  // 100 entries max
  EXPECT_TRUE(d.Build(std::span<const int64_t>(v), 8000, &idx));  // reusable after failing
}

TEST(ByteArrayDictionary, FirstSeenOrderAndIndices) {
  using namespace std::literals;
  const std::string_view v[] = {"a"sv, ""sv, "bb"sv, "a"sv, ""sv, "\xff\x00"sv};
  ByteArrayDictionaryBuilder d;
  std::vector<uint32_t> idx;
  ASSERT_TRUE(d.Build(
      std::size(v), [&](size_t i) { return v[i]; }, 1 << 20, &idx));
  ASSERT_EQ(d.entries().size(), 4u);
  EXPECT_EQ(d.entries()[0], "a");
  EXPECT_EQ(d.entries()[1], "");
  EXPECT_EQ(idx, (std::vector<uint32_t>{0, 1, 2, 0, 1, 3}));
  EXPECT_EQ(d.plain_bytes(), 4u * 4 + 1 + 0 + 2 + 2);
}

TEST(ByteArrayDictionary, SharedPrefixesAndBudget) {
  std::vector<std::string> v;
  v.reserve(20000);
  for (int i = 0; i < 20000; ++i) {
    v.push_back("/gpfs/projects/a/very/long/shared/prefix/" + std::to_string(i % 1000));
  }
  ByteArrayDictionaryBuilder d;
  std::vector<uint32_t> idx;
  auto at = [&](size_t i) { return std::string_view(v[i]); };
  ASSERT_TRUE(d.Build(v.size(), at, 1 << 20, &idx));
  EXPECT_EQ(d.entries().size(), 1000u);
  for (size_t i = 0; i < v.size(); ++i) ASSERT_EQ(d.entries()[idx[i]], v[i]);
  EXPECT_FALSE(d.Build(v.size(), at, 10000, &idx));
}

}  // namespace
}  // namespace sscan::parquet
