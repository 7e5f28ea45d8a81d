#include "shard/plan_builder.h"

#include <algorithm>
#include <queue>
#include <utility>
#include <vector>

namespace sscan::shard {
namespace {

struct Unit {
  uint32_t dir = 0;
  UnitKind kind = UnitKind::kSubtree;
  uint64_t estimate = 0;
  bool exact = false;
  std::string path;
};

// Subdirectories the scan enters: those are the ones that become units when `d` is split.
// The others (-x mount points, loops, beyond --max-depth, unreadable) are rows of `d`'s flat
// unit, and that shard's walker decides about them exactly as a whole-tree scan would.
bool Enterable(const ExploredDir& d) { return d.state != DirState::kNotEntered; }

bool Splittable(const ExploredTree& tree, uint32_t dir) {
  const ExploredDir& d = tree.dirs[dir];
  if (d.state != DirState::kListed) return false;
  return std::any_of(d.subdirs.begin(), d.subdirs.end(),
                     [&](uint32_t c) { return Enterable(tree.dirs[c]); });
}

std::vector<Unit> Split(const ExploredTree& tree, uint32_t shards, uint64_t total) {
  std::vector<Unit> units;
  const ExploredDir& root = tree.dirs[0];
  if (!tree.root_is_directory || root.state == DirState::kNotEntered) return units;
  units.push_back({0, UnitKind::kSubtree, root.subtree, root.complete, ""});
  if (shards == 1) return units;

  const uint64_t threshold = std::max<uint64_t>(1, total / (2 * static_cast<uint64_t>(shards)));
  const size_t max_units = std::max<size_t>(100000, 4 * static_cast<size_t>(shards));
  // Largest first; ties by directory index (breadth-first order: shallower first).
  auto smaller = [&](size_t a, size_t b) {
    if (units[a].estimate != units[b].estimate) return units[a].estimate < units[b].estimate;
    return units[a].dir > units[b].dir;
  };
  std::priority_queue<size_t, std::vector<size_t>, decltype(smaller)> heap(smaller);
  auto consider = [&](size_t u) {
    if (units[u].estimate > threshold && Splittable(tree, units[u].dir)) heap.push(u);
  };
  consider(0);
  while (!heap.empty()) {
    const size_t u = heap.top();
    heap.pop();
    const ExploredDir& d = tree.dirs[units[u].dir];
    size_t children = 0;
    for (uint32_t c : d.subdirs) children += Enterable(tree.dirs[c]) ? 1 : 0;
    if (units.size() + children > max_units) continue;
    // The directory's own entries stay together: a flat unit, exact since it was listed.
    units[u].kind = UnitKind::kFlat;
    units[u].estimate = d.entries;
    units[u].exact = true;
    for (uint32_t c : d.subdirs) {
      const ExploredDir& cd = tree.dirs[c];
      if (!Enterable(cd)) continue;
      units.push_back({c, UnitKind::kSubtree, cd.subtree, cd.complete, ""});
      consider(units.size() - 1);
    }
  }
  return units;
}

}  // namespace

void BuildAssignments(const ExploredTree& tree, ShardPlan* plan) {
  const uint32_t shards = plan->shards;
  const ExploredDir& root = tree.dirs[0];
  const bool listed = tree.root_is_directory && root.state != DirState::kNotEntered;
  // Rows: the root's own plus everything below it.
  const uint64_t total = 1 + (listed ? root.subtree : 0);
  std::vector<Unit> units = Split(tree, shards, total);
  for (Unit& u : units) u.path = tree.RelativePath(u.dir);

  std::sort(units.begin(), units.end(), [](const Unit& a, const Unit& b) {
    if (a.estimate != b.estimate) return a.estimate > b.estimate;
    return a.path < b.path;
  });
  plan->assignments.assign(shards, ShardAssignment{});
  for (uint32_t i = 0; i < shards; ++i) {
    plan->assignments[i].shard = i;
    plan->assignments[i].exact = true;
  }
  plan->assignments[0].root_row = true;
  plan->assignments[0].estimate = 1;
  // Least-loaded shard on top; ties to the lowest index, so the plan does not depend on the
  // order in which equal loads were reached.
  using Load = std::pair<uint64_t, uint32_t>;
  std::priority_queue<Load, std::vector<Load>, std::greater<>> loads;
  for (uint32_t i = 0; i < shards; ++i) loads.emplace(plan->assignments[i].estimate, i);
  for (Unit& u : units) {
    auto [load, shard] = loads.top();
    loads.pop();
    ShardAssignment& a = plan->assignments[shard];
    a.estimate = load + u.estimate;
    a.exact = a.exact && u.exact;
    a.units.push_back({std::move(u.path), u.kind, tree.dirs[u.dir].depth, u.estimate, u.exact});
    loads.emplace(a.estimate, shard);
  }
  plan->total_estimate = 0;
  plan->exact = true;
  for (ShardAssignment& a : plan->assignments) {
    std::sort(a.units.begin(), a.units.end(),
              [](const PlanUnit& x, const PlanUnit& y) { return x.path < y.path; });
    plan->total_estimate += a.estimate;
    plan->exact = plan->exact && a.exact;
  }
}

}  // namespace sscan::shard
