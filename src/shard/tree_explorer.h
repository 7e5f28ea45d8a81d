// tree_explorer.h — the plan's pre-pass: a cheap, bounded, parallel look at the top of a tree.
//
// Lists directories breadth first with getdents64 only: the entry type comes from d_type
// (statx only for DT_UNKNOWN), nothing is stat'ed for its size or times, no symlink is ever
// followed (a symlink to a directory is an entry, not a directory), and with -x a directory
// on another filesystem than the root's is counted as an entry but not entered — what the
// scan itself will do. A directory that is its own ancestor (a bind-mount loop) or cannot be
// opened is not entered either; the scan meets it again and reports it.
//
// The exploration stops when `budget_entries` entries were counted or `budget_time` has
// passed, whichever comes first, or when the tree is exhausted. Breadth first means the
// budget is spent on the top levels, where the plan cuts. Memory: one ExploredDir per
// directory seen (listed or only named), bounded by the budget.
//
// Threads: `threads` workers share a FIFO queue of directories; one mutex guards the tree and
// the queue (a worker takes it once per directory, not per entry).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"
#include "shard/explored_tree.h"

namespace sscan::shard {

struct ExploreOptions {
  std::string root;  // absolute; a symlink given as the root is followed (like find -H)
  unsigned threads = 8;
  bool one_file_system = false;
  std::optional<uint32_t> max_depth;  // the scan's --max-depth: deeper directories are not listed
  uint64_t budget_entries = 5000000;
  std::chrono::milliseconds budget_time{60000};
};

// Explores and returns the tree with EstimateSubtrees() applied. Fails (naming the path and
// the reason) only when the root itself cannot be examined.
Result<ExploredTree> ExploreTree(const ExploreOptions& options);

}  // namespace sscan::shard
