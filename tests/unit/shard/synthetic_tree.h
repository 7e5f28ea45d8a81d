// synthetic_tree.h — explored trees built by hand, and a coverage checker for plans over them.
//
// The planner works on ExploredTree values, so its tests need no filesystem: TreeBuilder
// makes trees of any shape (listed, unlisted, not entered), and CoverageErrors() checks the
// property that matters most: every directory's direct entries belong to exactly one unit.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "shard/explored_tree.h"
#include "shard/shard_plan.h"

namespace sscan::shard {

// "d" + std::to_string(i), spelled so that GCC 12's -Wrestrict false positive on
// operator+(const char*, std::string&&) does not fire.
inline std::string Named(const char* prefix, long n) {
  std::string s(prefix);
  s += std::to_string(n);
  return s;
}

class TreeBuilder {
 public:
  TreeBuilder() {
    ExploredDir root;
    root.state = DirState::kListed;
    tree_.dirs.push_back(root);
  }
  // A subdirectory of `parent` with `files` plain entries of its own; returns its index.
  uint32_t Dir(uint32_t parent, const std::string& name, uint64_t files,
               DirState state = DirState::kListed) {
    ExploredDir d;
    d.parent = parent;
    d.name = name;
    d.depth = tree_.dirs[parent].depth + 1;
    d.state = state;
    d.entries = state == DirState::kListed || state == DirState::kPartial ? files : 0;
    const auto index = static_cast<uint32_t>(tree_.dirs.size());
    tree_.dirs.push_back(d);
    tree_.dirs[parent].subdirs.push_back(index);
    ++tree_.dirs[parent].entries;  // the subdirectory is an entry of its parent
    return index;
  }
  void Files(uint32_t dir, uint64_t n) { tree_.dirs[dir].entries += n; }
  ExploredTree Build() {
    ExploredTree t = tree_;
    t.exhausted = true;
    for (const ExploredDir& d : t.dirs) {
      if (d.state == DirState::kUnlisted || d.state == DirState::kPartial) t.exhausted = false;
    }
    EstimateSubtrees(&t);
    return t;
  }

 private:
  ExploredTree tree_;
};

// For a fully listed tree: how many units cover each directory's direct entries (a flat unit
// on it, or a subtree unit on it or an ancestor). Returns the paths covered != 1 times.
inline std::vector<std::string> CoverageErrors(const ExploredTree& t, const ShardPlan& plan) {
  std::map<std::string, UnitKind> units;
  for (const ShardAssignment& a : plan.assignments) {
    for (const PlanUnit& u : a.units) units[u.path] = u.kind;
  }
  std::vector<std::string> errors;
  for (uint32_t i = 0; i < t.dirs.size(); ++i) {
    if (t.dirs[i].state == DirState::kNotEntered) continue;
    const std::string path = t.RelativePath(i);
    int covered = 0;
    if (auto it = units.find(path); it != units.end()) ++covered;  // flat or subtree: its entries
    for (uint32_t a = t.dirs[i].parent; a != kNoParent; a = t.dirs[a].parent) {
      auto it = units.find(t.RelativePath(a));
      if (it != units.end() && it->second == UnitKind::kSubtree) ++covered;
    }
    if (covered != 1) errors.push_back("'" + path + "' x" + std::to_string(covered));
  }
  return errors;
}

}  // namespace sscan::shard
