#include "shard/plan_builder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "synthetic_tree.h"

namespace sscan::shard {
namespace {

ShardPlan PlanFor(const ExploredTree& t, uint32_t shards) {
  ShardPlan p;
  p.root = "/data";
  p.shards = shards;
  BuildAssignments(t, &p);
  SealPlan(&p);
  return p;
}

std::pair<uint64_t, uint64_t> MinMax(const ShardPlan& p) {
  uint64_t lo = UINT64_MAX, hi = 0;
  for (const ShardAssignment& a : p.assignments) {
    lo = std::min(lo, a.estimate);
    hi = std::max(hi, a.estimate);
  }
  return {lo, hi};
}

// One top-level directory with 90% of the files, spread over many subdirectories — the tree
// that one-task-per-top-level-directory handles worst.
ExploredTree SkewedTree() {
  TreeBuilder b;
  uint32_t big = b.Dir(0, "big", 0);
  for (int i = 0; i < 60; ++i) {
    uint32_t d = b.Dir(big, Named("d", i), 100);
    for (int j = 0; j < 5; ++j) b.Dir(d, Named("s", j), 40);
  }
  for (int i = 0; i < 9; ++i) b.Dir(0, Named("small", i), 330);
  return b.Build();
}

TEST(PlanBuilderTest, OneShardIsTheWholeTreeAsOneUnit) {
  ExploredTree t = SkewedTree();
  ShardPlan p = PlanFor(t, 1);
  ASSERT_EQ(p.assignments.size(), 1u);
  ASSERT_EQ(p.assignments[0].units.size(), 1u);
  EXPECT_EQ(p.assignments[0].units[0].path, "");
  EXPECT_EQ(p.assignments[0].units[0].kind, UnitKind::kSubtree);
  EXPECT_TRUE(p.assignments[0].root_row);
  EXPECT_EQ(p.total_estimate, t.dirs[0].subtree + 1);
  EXPECT_TRUE(p.exact);
  EXPECT_EQ(ValidatePlan(p), "");
}

TEST(PlanBuilderTest, ASkewedTreeIsBalancedWithinAFewPercent) {
  ExploredTree t = SkewedTree();
  for (uint32_t n : {2u, 3u, 4u, 7u, 16u}) {
    ShardPlan p = PlanFor(t, n);
    EXPECT_EQ(ValidatePlan(p), "") << n;
    EXPECT_TRUE(CoverageErrors(t, p).empty()) << n;
    auto [lo, hi] = MinMax(p);
    ASSERT_GT(lo, 0u) << n;
    EXPECT_LE(static_cast<double>(hi) / static_cast<double>(lo), 1.5) << n << " shards";
    EXPECT_EQ(p.total_estimate, t.dirs[0].subtree + 1) << n;
  }
}

TEST(PlanBuilderTest, EqualUnitsAreDealtEvenlyAndSortedByPath) {
  TreeBuilder b;
  for (int i = 0; i < 12; ++i) b.Dir(0, Named("u", 10 + i), 99);
  ExploredTree t = b.Build();
  ShardPlan p = PlanFor(t, 4);
  for (const ShardAssignment& a : p.assignments) {
    EXPECT_EQ(std::count_if(a.units.begin(), a.units.end(),
                            [](const PlanUnit& u) { return u.estimate == 99; }),
              3)
        << a.shard;
    EXPECT_TRUE(
        std::is_sorted(a.units.begin(), a.units.end(),
                       [](const PlanUnit& x, const PlanUnit& y) { return x.path < y.path; }));
  }
  // The root's own entries: a flat unit, wherever LPT put it.
  int flats = 0;
  for (const ShardAssignment& a : p.assignments) {
    for (const PlanUnit& u : a.units) flats += u.kind == UnitKind::kFlat ? 1 : 0;
  }
  EXPECT_EQ(flats, 1);
}

TEST(PlanBuilderTest, UnlistedDirectoriesAreNotSplitAndSayTheyAreEstimates) {
  TreeBuilder b;
  b.Dir(0, "seen", 1000);
  b.Dir(0, "unseen", 0, DirState::kUnlisted);
  ExploredTree t = b.Build();
  ShardPlan p = PlanFor(t, 2);
  EXPECT_EQ(ValidatePlan(p), "");
  EXPECT_FALSE(p.exact);
  bool found = false;
  for (const ShardAssignment& a : p.assignments) {
    for (const PlanUnit& u : a.units) {
      if (u.path == "unseen") {
        found = true;
        EXPECT_EQ(u.kind, UnitKind::kSubtree);
        EXPECT_FALSE(u.exact);
        EXPECT_FALSE(a.exact);
      }
    }
  }
  EXPECT_TRUE(found);
}

TEST(PlanBuilderTest, DirectoriesTheScanDoesNotEnterAreNeverUnits) {
  TreeBuilder b;
  b.Dir(0, "mnt", 0, DirState::kNotEntered);
  uint32_t a = b.Dir(0, "a", 500);
  b.Dir(a, "loop", 0, DirState::kNotEntered);
  b.Dir(a, "b", 500);
  ExploredTree t = b.Build();
  ShardPlan p = PlanFor(t, 3);
  for (const ShardAssignment& s : p.assignments) {
    for (const PlanUnit& u : s.units) {
      EXPECT_NE(u.path, "mnt");
      EXPECT_NE(u.path, "a/loop");
    }
  }
  EXPECT_TRUE(CoverageErrors(t, p).empty());
}

TEST(PlanBuilderTest, AFlatHugeDirectoryStaysOneUnit) {
  TreeBuilder b;
  b.Files(0, 100000);
  ExploredTree t = b.Build();
  ShardPlan p = PlanFor(t, 4);
  EXPECT_EQ(ValidatePlan(p), "");
  size_t units = 0;
  for (const ShardAssignment& a : p.assignments) units += a.units.size();
  EXPECT_EQ(units, 1u);  // nothing to split: no subdirectory
}

TEST(PlanBuilderTest, ADeepChainIsSplitAlongTheChain) {
  TreeBuilder b;
  uint32_t d = 0;
  for (int i = 0; i < 50; ++i) {
    b.Files(d, 20);
    d = b.Dir(d, "c", 0);
  }
  ExploredTree t = b.Build();
  ShardPlan p = PlanFor(t, 3);
  EXPECT_EQ(ValidatePlan(p), "");
  EXPECT_TRUE(CoverageErrors(t, p).empty());
  auto [lo, hi] = MinMax(p);
  EXPECT_LE(static_cast<double>(hi) / static_cast<double>(std::max<uint64_t>(lo, 1)), 1.5);
}

TEST(PlanBuilderTest, AFileAsTheRootHasOnlyTheRootRow) {
  ExploredTree t;
  t.root_is_directory = false;
  ExploredDir root;
  root.state = DirState::kNotEntered;
  t.dirs.push_back(root);
  EstimateSubtrees(&t);
  ShardPlan p;
  p.root = "/data/file";
  p.root_is_directory = false;
  p.shards = 2;
  BuildAssignments(t, &p);
  EXPECT_EQ(ValidatePlan(p), "");
  EXPECT_EQ(p.total_estimate, 1u);
  EXPECT_TRUE(p.assignments[0].units.empty());
  EXPECT_TRUE(p.assignments[1].units.empty());
}

TEST(PlanBuilderTest, RandomTreesAreCoveredExactlyOnceAtEveryShardCount) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 30; ++trial) {
    TreeBuilder b;
    std::vector<uint32_t> dirs = {0};
    const int n = 1 + static_cast<int>(rng() % 300);
    for (int i = 0; i < n; ++i) {
      uint32_t parent = dirs[rng() % dirs.size()];
      DirState state = rng() % 10 == 0 ? DirState::kUnlisted : DirState::kListed;
      dirs.push_back(b.Dir(parent, Named("d", i), rng() % (rng() % 5 == 0 ? 5000 : 50), state));
      if (state == DirState::kUnlisted) dirs.pop_back();  // nothing listed below it
    }
    ExploredTree t = b.Build();
    for (uint32_t shards : {1u, 2u, 3u, 7u, 50u}) {
      ShardPlan p = PlanFor(t, shards);
      ASSERT_EQ(ValidatePlan(p), "") << trial << "/" << shards;
      auto errors = CoverageErrors(t, p);
      ASSERT_TRUE(errors.empty()) << trial << "/" << shards << ": " << errors.front();
      uint64_t sum = 0;
      for (const ShardAssignment& a : p.assignments) sum += a.estimate;
      EXPECT_EQ(sum, p.total_estimate);
    }
  }
}

TEST(PlanBuilderTest, ThePlanDoesNotDependOnAnythingButTheTree) {
  ExploredTree t = SkewedTree();
  ShardPlan a = PlanFor(t, 5);
  ShardPlan b = PlanFor(t, 5);
  EXPECT_EQ(FormatPlan(a), FormatPlan(b));
}

}  // namespace
}  // namespace sscan::shard
