#include "shard/shard_manifest.h"

namespace sscan::shard {

output::Manifest FirstShardManifest(const ShardPlan& plan, uint32_t shard,
                                    const std::string& plan_path) {
  const ShardAssignment& a = plan.assignments[shard];
  output::Manifest m;
  m.root = plan.root;
  m.identity.follow_symlinks = false;
  m.identity.max_depth = plan.options.max_depth;
  m.identity.one_file_system = plan.options.one_file_system;
  m.identity.excludes = plan.options.excludes;
  m.walk_from_root = false;
  m.includes_root_row = a.root_row;
  m.root_row_done = false;
  uint64_t id = 1;
  for (const PlanUnit& u : a.units) {
    output::PendingDir d;
    d.id = id++;
    d.path = u.path;
    d.depth = u.depth;
    // Not verified: the plan saw the directory by name only (no statx), and a directory
    // replaced since is still the one the snapshot must describe.
    d.device = 0;
    d.inode = 0;
    d.flat = u.kind == UnitKind::kFlat;
    m.pending_dirs.push_back(std::move(d));
  }
  m.next_id = id;
  m.plan_id = plan.plan_id;
  m.shard = shard;
  m.shards = plan.shards;
  m.plan_path = plan_path;
  return m;
}

std::string CheckShardManifest(const output::Manifest& m, const ShardPlan& plan, uint32_t shard) {
  if (m.plan_id.empty()) return "it is not the manifest of a shard (no plan_id)";
  if (m.plan_id != plan.plan_id) {
    return "it belongs to plan " + m.plan_id + ", not to plan " + plan.plan_id;
  }
  if (m.shard != shard || m.shards != plan.shards) {
    return "it is shard " + std::to_string(m.shard) + " of " + std::to_string(m.shards) +
           ", not shard " + std::to_string(shard) + " of " + std::to_string(plan.shards);
  }
  return "";
}

std::unordered_set<std::string> ClaimedDirectories(const ShardPlan& plan) {
  std::unordered_set<std::string> out;
  for (const ShardAssignment& a : plan.assignments) {
    for (const PlanUnit& u : a.units) out.insert(u.path);
  }
  return out;
}

}  // namespace sscan::shard
