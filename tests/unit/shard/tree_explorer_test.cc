#include "shard/tree_explorer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "synthetic_tree.h"

namespace sscan::shard {
namespace {

namespace fs = std::filesystem;

class TempTree {
 public:
  TempTree() {
    char tmpl[] = "/tmp/explorer_test.XXXXXX";
    root_ = mkdtemp(tmpl);
  }
  ~TempTree() { fs::remove_all(root_); }
  const std::string& root() const { return root_; }
  void Dir(const std::string& rel) { fs::create_directories(root_ + "/" + rel); }
  void Files(const std::string& dir, int n) {
    for (int i = 0; i < n; ++i) {
      int fd = open((root_ + "/" + dir + Named("/f", i)).c_str(), O_CREAT | O_WRONLY, 0644);
      ASSERT_GE(fd, 0);
      close(fd);
    }
  }
  void Link(const std::string& target, const std::string& rel) {
    ASSERT_EQ(symlink(target.c_str(), (root_ + "/" + rel).c_str()), 0);
  }

 private:
  std::string root_;
};

const ExploredDir* Find(const ExploredTree& t, const std::string& rel) {
  for (uint32_t i = 0; i < t.dirs.size(); ++i) {
    if (t.RelativePath(i) == rel) return &t.dirs[i];
  }
  return nullptr;
}

TEST(TreeExplorerTest, CountsEveryEntryOfASmallTreeExactly) {
  TempTree t;
  t.Dir("a/b");
  t.Dir("c");
  t.Files("a", 3);
  t.Files("a/b", 4);
  t.Files("", 2);
  t.Link("a", "link_to_a");  // an entry, never entered
  for (unsigned threads : {1u, 4u}) {
    ExploreOptions o;
    o.root = t.root();
    o.threads = threads;
    auto tree = ExploreTree(o);
    ASSERT_TRUE(tree.ok()) << tree.status().message();
    EXPECT_TRUE(tree->exhausted);
    // root: a, c, link, f0, f1 = 5; a: b + 3; b: 4; c: 0.
    EXPECT_EQ(tree->dirs[0].subtree, 5u + 4u + 4u);
    EXPECT_TRUE(tree->dirs[0].complete);
    EXPECT_EQ(tree->entries_listed, 13u);
    EXPECT_EQ(tree->directories_listed, 4u);
    ASSERT_NE(Find(*tree, "a/b"), nullptr);
    EXPECT_EQ(Find(*tree, "a/b")->entries, 4u);
    EXPECT_EQ(Find(*tree, "link_to_a"), nullptr);
  }
}

TEST(TreeExplorerTest, StopsAtTheBudgetAndEstimatesTheRest) {
  TempTree t;
  for (int i = 0; i < 40; ++i) {
    t.Dir(Named("d", i) + "/sub");
    t.Files(Named("d", i), 20);
  }
  ExploreOptions o;
  o.root = t.root();
  o.threads = 1;
  o.budget_entries = 200;
  auto tree = ExploreTree(o);
  ASSERT_TRUE(tree.ok());
  EXPECT_FALSE(tree->exhausted);
  EXPECT_LT(tree->entries_listed, 40u * 21u);
  EXPECT_FALSE(tree->dirs[0].complete);
  // The estimate is of the right size even though most of the tree was never listed.
  EXPECT_GT(tree->dirs[0].subtree, 400u);
  EXPECT_LT(tree->dirs[0].subtree, 2000u);
}

TEST(TreeExplorerTest, DoesNotListBeyondMaxDepth) {
  TempTree t;
  t.Dir("a/b/c");
  t.Files("a/b", 5);
  ExploreOptions o;
  o.root = t.root();
  o.max_depth = 2;  // rows: root, a, a/b; a/b is not listed
  auto tree = ExploreTree(o);
  ASSERT_TRUE(tree.ok());
  ASSERT_NE(Find(*tree, "a/b"), nullptr);
  EXPECT_EQ(Find(*tree, "a/b")->state, DirState::kNotEntered);
  EXPECT_EQ(tree->dirs[0].subtree, 2u);
  EXPECT_TRUE(tree->dirs[0].complete);
}

TEST(TreeExplorerTest, AMissingRootIsAnError) {
  ExploreOptions o;
  o.root = "/nonexistent/explorer/root";
  auto tree = ExploreTree(o);
  ASSERT_FALSE(tree.ok());
  EXPECT_NE(tree.status().message().find("/nonexistent/explorer/root"), std::string::npos);
}

TEST(TreeExplorerTest, AFileRootIsOneRow) {
  TempTree t;
  t.Files("", 1);
  ExploreOptions o;
  o.root = t.root() + "/f0";
  auto tree = ExploreTree(o);
  ASSERT_TRUE(tree.ok());
  EXPECT_FALSE(tree->root_is_directory);
  EXPECT_EQ(tree->dirs.size(), 1u);
}

}  // namespace
}  // namespace sscan::shard
