#include "common/id_index_map.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <unordered_map>

namespace sscan {
namespace {

TEST(IdIndexMapTest, KeepsTheFirstIndexOfEachId) {
  IdIndexMap m;
  EXPECT_EQ(m.FindOrInsert(7, 0), std::make_pair(0u, true));
  EXPECT_EQ(m.FindOrInsert(UINT64_MAX, 1), std::make_pair(1u, true));
  EXPECT_EQ(m.FindOrInsert(7, 2), std::make_pair(0u, false));
  EXPECT_EQ(m.FindOrInsert(UINT64_MAX, 3), std::make_pair(1u, false));
  EXPECT_EQ(m.FindOrInsert(0, 4), std::make_pair(4u, true));
  EXPECT_EQ(m.size(), 3u);
}

// Against std::unordered_map over growth, colliding ids and clears.
TEST(IdIndexMapTest, AgreesWithUnorderedMapAcrossGrowthAndClears) {
  IdIndexMap m;
  std::mt19937_64 rng(42);
  for (int round = 0; round < 3; ++round) {
    std::unordered_map<uint64_t, uint32_t> ref;
    for (uint32_t i = 0; i < 20000; ++i) {
      // Sequential ids, ids that differ only in high bits, and random ones.
      const uint64_t id = i % 3 == 0 ? i : i % 3 == 1 ? (uint64_t{i} << 40) : rng() % 5000;
      auto [it, inserted] = ref.try_emplace(id, static_cast<uint32_t>(ref.size()));
      const auto [index, was_inserted] = m.FindOrInsert(id, static_cast<uint32_t>(m.size()));
      ASSERT_EQ(index, it->second) << id;
      ASSERT_EQ(was_inserted, inserted) << id;
    }
    EXPECT_EQ(m.size(), ref.size());
    m.Clear();
    EXPECT_EQ(m.size(), 0u);
  }
}

}  // namespace
}  // namespace sscan
