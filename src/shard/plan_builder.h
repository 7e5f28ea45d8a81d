// plan_builder.h — cuts an explored tree into units and deals them out to N shards.
//
// Splitting: the root starts as one subtree unit. While a subtree unit is larger than
// total / (2N) rows and its directory was listed completely, it is replaced by a flat unit
// (the directory's own entries) plus one subtree unit per subdirectory the scan will enter;
// largest first, until no unit is both too large and splittable (an unlisted directory, or
// one without subdirectories, cannot be split) or the number of units reaches
// max(100000, 4N) (each unit is a pending directory in its shard's manifest, rewritten with
// every chunk). With one shard nothing is split.
//
// Dealing: longest-processing-time first — units by decreasing estimate (ties by path), each
// to the shard with the least rows so far (ties to the lowest index; shard 0 starts with the
// root row). Every shard's units are then sorted by path. The difference between the largest
// and the smallest shard is at most about the largest unit, which splitting bounded.
//
// Thread safety: pure.
#pragma once

#include <cstdint>

#include "shard/explored_tree.h"
#include "shard/shard_plan.h"

namespace sscan::shard {

// Fills plan->assignments, total_estimate and exact from `tree` for plan->shards shards.
// REQUIRES: EstimateSubtrees(tree) was called; 1 <= plan->shards <= kMaxShards.
void BuildAssignments(const ExploredTree& tree, ShardPlan* plan);

}  // namespace sscan::shard
