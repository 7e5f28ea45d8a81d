// explored_tree.h — what the plan's pre-pass learned about the top of a tree, and the sizes
// it infers for the parts it did not see.
//
// The explorer (tree_explorer.h) lists directories top-down, breadth first, until a budget is
// spent. Every directory it saw as an entry is one ExploredDir: listed (its direct entries
// counted, its subdirectories known), partly listed (the budget ran out inside it), not
// listed (the budget ran out before it), or not entered (the scan itself will not descend
// into it: another filesystem with -x, a loop, beyond --max-depth, or unreadable).
//
// EstimateSubtrees() then gives every directory `subtree`: the number of rows strictly below
// it (its own row not included). It is exact when the whole subtree was listed (`complete`),
// else an estimate: an unlisted directory is taken to be as large as the mean listed
// directory at its depth, counted the same way (its entries plus its subdirectories'
// estimates). Breadth-first listing makes the listed directories of a depth a fair sample of
// that depth, unlike the fully listed subtrees, which are biased towards the small ones.
//
// Thread safety: plain data; EstimateSubtrees is pure over the tree it is given.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace sscan::shard {

enum class DirState : uint8_t {
  kUnlisted,    // seen as an entry, never opened (budget)
  kListed,      // every entry counted, every subdirectory known
  kPartial,     // listing stopped by the budget: `entries` is a lower bound
  kNotEntered,  // the scan will not list it either (-x mount point, loop, depth, unreadable)
};

inline constexpr uint32_t kNoParent = std::numeric_limits<uint32_t>::max();

struct ExploredDir {
  uint32_t parent = kNoParent;  // index in ExploredTree::dirs; kNoParent for the root
  std::string name;             // raw bytes; "" for the root
  uint32_t depth = 0;           // 0 for the root
  DirState state = DirState::kUnlisted;
  uint64_t entries = 0;           // direct entries (files and directories, not . and ..)
  std::vector<uint32_t> subdirs;  // indices of the subdirectories among those entries
  // Filled by EstimateSubtrees():
  uint64_t subtree = 0;   // rows strictly below this directory
  bool complete = false;  // `subtree` is exact
};

struct ExploredTree {
  // dirs[0] is the root; a parent always comes before its subdirectories.
  std::vector<ExploredDir> dirs;
  bool root_is_directory = true;
  // What the exploration cost and whether it saw everything.
  uint64_t entries_listed = 0;
  uint64_t directories_listed = 0;
  double seconds = 0;
  bool exhausted = false;  // the whole tree was listed: every figure is exact

  // The path of dirs[i] relative to the root ("" for the root), raw bytes.
  std::string RelativePath(uint32_t index) const;
};

// Fills `subtree` and `complete` of every directory (see the file comment).
// REQUIRES: parents come before their subdirectories in `tree->dirs`.
void EstimateSubtrees(ExploredTree* tree);

}  // namespace sscan::shard
