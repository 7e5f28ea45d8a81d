#include "shard/explored_tree.h"

#include <gtest/gtest.h>

#include "synthetic_tree.h"

namespace sscan::shard {
namespace {

TEST(ExploredTreeTest, AFullyListedTreeIsCountedExactly) {
  TreeBuilder b;
  uint32_t a = b.Dir(0, "a", 10);
  b.Dir(a, "b", 5);
  b.Files(0, 3);
  ExploredTree t = b.Build();
  // root: a + 3 files; a: b + 10 files; b: 5 files.
  EXPECT_EQ(t.dirs[0].subtree, 4u + 11u + 5u);
  EXPECT_TRUE(t.dirs[0].complete);
  EXPECT_EQ(t.dirs[a].subtree, 16u);
  EXPECT_EQ(t.RelativePath(2), "a/b");
  EXPECT_EQ(t.RelativePath(0), "");
}

TEST(ExploredTreeTest, AnUnlistedDirectoryIsTheMeanOfItsListedPeers) {
  TreeBuilder b;
  uint32_t x = b.Dir(0, "x", 10);  // depth 1, listed: 10 rows below
  uint32_t y = b.Dir(0, "y", 30);  // depth 1, listed: 30 rows below
  uint32_t z = b.Dir(0, "z", 0, DirState::kUnlisted);
  ExploredTree t = b.Build();
  EXPECT_EQ(t.dirs[x].subtree, 10u);
  EXPECT_EQ(t.dirs[y].subtree, 30u);
  EXPECT_EQ(t.dirs[z].subtree, 20u);
  EXPECT_FALSE(t.dirs[z].complete);
  EXPECT_FALSE(t.dirs[0].complete);
  EXPECT_EQ(t.dirs[0].subtree, 3u + 10u + 30u + 20u);
}

TEST(ExploredTreeTest, EstimatesPropagateUpwardsThroughListedDirectories) {
  TreeBuilder b;
  uint32_t a = b.Dir(0, "a", 0);
  uint32_t a1 = b.Dir(a, "1", 100);
  uint32_t a2 = b.Dir(a, "2", 0, DirState::kUnlisted);
  ExploredTree t = b.Build();
  EXPECT_EQ(t.dirs[a2].subtree, 100u);  // like a1, the only listed directory at depth 2
  EXPECT_EQ(t.dirs[a].subtree, 2u + 100u + 100u);
  EXPECT_TRUE(t.dirs[a1].complete);
  EXPECT_FALSE(t.dirs[a].complete);
}

TEST(ExploredTreeTest, APartialListingIsALowerBound) {
  TreeBuilder b;
  b.Dir(0, "p", 1000, DirState::kPartial);
  b.Dir(0, "q", 4);
  ExploredTree t = b.Build();
  EXPECT_EQ(t.dirs[1].subtree, 1000u);
  EXPECT_FALSE(t.dirs[1].complete);
}

TEST(ExploredTreeTest, NotEnteredDirectoriesHaveNothingBelowThem) {
  TreeBuilder b;
  uint32_t m = b.Dir(0, "mnt", 0, DirState::kNotEntered);
  ExploredTree t = b.Build();
  EXPECT_EQ(t.dirs[m].subtree, 0u);
  EXPECT_TRUE(t.dirs[m].complete);
  EXPECT_TRUE(t.dirs[0].complete);
  EXPECT_EQ(t.dirs[0].subtree, 1u);  // its row, as an entry of the root
}

TEST(ExploredTreeTest, ADepthWithNothingListedFallsBackToTheMeanDirectory) {
  TreeBuilder b;
  uint32_t a = b.Dir(0, "a", 9);
  uint32_t u = b.Dir(a, "u", 0, DirState::kUnlisted);
  ExploredTree t = b.Build();
  // Listed: root (1 entry) and a (10 entries): a directory holds 5.5 entries on average.
  EXPECT_EQ(t.dirs[u].subtree, 6u);
}

}  // namespace
}  // namespace sscan::shard
