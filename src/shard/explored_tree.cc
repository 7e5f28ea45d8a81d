#include "shard/explored_tree.h"

#include <algorithm>
#include <cmath>

namespace sscan::shard {

std::string ExploredTree::RelativePath(uint32_t index) const {
  std::vector<uint32_t> chain;
  for (uint32_t i = index; i != kNoParent && dirs[i].parent != kNoParent; i = dirs[i].parent) {
    chain.push_back(i);
  }
  std::reverse(chain.begin(), chain.end());
  std::string path;
  for (uint32_t i : chain) {
    if (!path.empty()) path.push_back('/');
    path += dirs[i].name;
  }
  return path;
}

void EstimateSubtrees(ExploredTree* tree) {
  std::vector<ExploredDir>& dirs = tree->dirs;
  if (dirs.empty()) return;
  uint32_t deepest = 0;
  uint64_t listed = 0;
  uint64_t listed_entries = 0;
  for (const ExploredDir& d : dirs) {
    deepest = std::max(deepest, d.depth);
    if (d.state == DirState::kListed) {
      ++listed;
      listed_entries += d.entries;
    }
  }
  std::vector<std::vector<uint32_t>> by_depth(deepest + 1);
  for (uint32_t i = 0; i < dirs.size(); ++i) by_depth[dirs[i].depth].push_back(i);

  // For a depth where nothing was listed (the budget ran out just above it) the only evidence
  // left is how large a directory is on average.
  const double fallback =
      listed > 0 ? std::max(1.0, static_cast<double>(listed_entries) / static_cast<double>(listed))
                 : 1.0;

  // Deepest level first: a directory's sum needs its subdirectories' figures, and an
  // unlisted directory's estimate needs the listed ones of its own depth.
  for (uint32_t depth = deepest + 1; depth-- > 0;) {
    double sum = 0;
    uint64_t samples = 0;
    for (uint32_t i : by_depth[depth]) {
      ExploredDir& d = dirs[i];
      if (d.state == DirState::kNotEntered) {
        d.subtree = 0;
        d.complete = true;
        continue;
      }
      if (d.state == DirState::kUnlisted) continue;
      uint64_t s = d.entries;
      bool complete = d.state == DirState::kListed;
      for (uint32_t c : d.subdirs) {
        s += dirs[c].subtree;
        complete = complete && dirs[c].complete;
      }
      d.subtree = s;
      d.complete = complete;
      if (d.state == DirState::kListed) {
        sum += static_cast<double>(s);
        ++samples;
      }
    }
    const double mean = samples > 0 ? sum / static_cast<double>(samples) : fallback;
    const uint64_t estimate = static_cast<uint64_t>(std::llround(mean));
    for (uint32_t i : by_depth[depth]) {
      ExploredDir& d = dirs[i];
      if (d.state == DirState::kUnlisted) {
        d.subtree = estimate;
        d.complete = false;
      } else if (d.state == DirState::kPartial) {
        // What was seen is a lower bound; the rest is unknown, so at least a typical directory.
        d.subtree = std::max(d.subtree, estimate);
      }
    }
  }
}

}  // namespace sscan::shard
