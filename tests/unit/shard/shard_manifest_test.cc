#include "shard/shard_manifest.h"

#include <gtest/gtest.h>

#include "output/resume_state.h"
#include "shard/plan_builder.h"
#include "synthetic_tree.h"

namespace sscan::shard {
namespace {

ShardPlan TwoShards() {
  TreeBuilder b;
  uint32_t a = b.Dir(0, "a", 10);
  b.Dir(a, "x", 300);
  b.Dir(a, "y", 300);
  b.Dir(0, "b", 300);
  ExploredTree t = b.Build();
  ShardPlan p;
  p.root = "/data";
  p.shards = 2;
  p.options.max_depth = 7;
  BuildAssignments(t, &p);
  SealPlan(&p);
  return p;
}

TEST(ShardManifestTest, AShardStartsWithItsUnitsPending) {
  ShardPlan p = TwoShards();
  for (uint32_t i = 0; i < 2; ++i) {
    output::Manifest m = FirstShardManifest(p, i, "/out/plan.json");
    const ShardAssignment& a = p.assignments[i];
    EXPECT_FALSE(m.walk_from_root);
    EXPECT_EQ(m.includes_root_row, i == 0);
    EXPECT_EQ(m.plan_id, p.plan_id);
    EXPECT_EQ(m.shard, i);
    EXPECT_EQ(m.shards, 2);
    EXPECT_EQ(m.identity.max_depth, 7);
    ASSERT_EQ(m.pending_dirs.size(), a.units.size());
    EXPECT_EQ(m.next_id, a.units.size() + 1);
    for (size_t u = 0; u < a.units.size(); ++u) {
      EXPECT_EQ(m.pending_dirs[u].id, u + 1);
      EXPECT_EQ(m.pending_dirs[u].path, a.units[u].path);
      EXPECT_EQ(m.pending_dirs[u].flat, a.units[u].kind == UnitKind::kFlat);
      EXPECT_EQ(m.pending_dirs[u].device, 0u);  // not verified
    }
    // It survives the manifest's own round trip, and the walk starts from the units.
    auto back = output::ParseManifest(output::FormatManifest(m));
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_EQ(back->plan_id, p.plan_id);
    walk::WalkStart start = output::StartFromManifest(*back, {});
    EXPECT_FALSE(start.fresh);
    EXPECT_EQ(start.emit_root_row, i == 0);
    EXPECT_EQ(start.dirs.size(), a.units.size());
    EXPECT_EQ(CheckShardManifest(*back, p, i), "");
    EXPECT_NE(CheckShardManifest(*back, p, 1 - i), "");
  }
}

TEST(ShardManifestTest, AnotherPlansManifestIsRefused) {
  ShardPlan p = TwoShards();
  ShardPlan q = p;
  q.created_at = "later";
  SealPlan(&q);
  output::Manifest m = FirstShardManifest(q, 0, "/out/plan.json");
  EXPECT_NE(CheckShardManifest(m, p, 0).find("belongs to plan " + q.plan_id), std::string::npos);
  output::Manifest plain;
  EXPECT_NE(CheckShardManifest(plain, p, 0), "");
}

TEST(ShardManifestTest, EveryUnitIsClaimed) {
  ShardPlan p = TwoShards();
  auto claimed = ClaimedDirectories(p);
  size_t units = 0;
  for (const ShardAssignment& a : p.assignments) units += a.units.size();
  EXPECT_EQ(claimed.size(), units);
  EXPECT_TRUE(claimed.count(""));
}

}  // namespace
}  // namespace sscan::shard
