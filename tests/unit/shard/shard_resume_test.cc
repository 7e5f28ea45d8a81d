// A shard is an incremental scan: the crash-safety test of ChunkedOutput, run per shard of a
// real plan. Each shard's scan fails at its n-th filesystem operation, the power is cut, the
// shard is resumed from the manifest that survived; all shards together must then hold every
// entry of the tree exactly once — for every n, and with flat units cut mid-listing.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "output/chunked_output.h"
#include "output/fake_file_system.h"
#include "output/resume_state.h"
#include "shard/plan_builder.h"
#include "shard/shard_manifest.h"
#include "shard/tree_explorer.h"
#include "synthetic_tree.h"
#include "walk/walker.h"

namespace sscan::shard {
namespace {

namespace fs = std::filesystem;

class Tree {
 public:
  Tree() {
    char tmpl[] = "/tmp/shard_resume_test.XXXXXX";
    root_ = mkdtemp(tmpl);
    for (int d = 0; d < 6; ++d) {
      const std::string dir = root_ + "/" + Named("d", d);
      for (int s = 0; s < 3; ++s) fs::create_directories(dir + "/" + Named("sub", s));
      for (int f = 0; f < 12 + 6 * d; ++f) Touch(dir + "/" + Named("file_", f));
      for (int f = 0; f < 5; ++f) Touch(dir + "/sub0/" + Named("s", f));
    }
    for (int f = 0; f < 9; ++f) Touch(root_ + "/" + Named("top", f));
    entries_ = 1;
    for (auto it = fs::recursive_directory_iterator(root_);
         it != fs::recursive_directory_iterator(); ++it) {
      ++entries_;
    }
  }
  ~Tree() { fs::remove_all(root_); }
  const std::string& root() const { return root_; }
  uint64_t entries() const { return entries_; }

 private:
  static void Touch(const std::string& p) { close(open(p.c_str(), O_CREAT | O_WRONLY, 0644)); }
  std::string root_;
  uint64_t entries_ = 0;
};

struct ShardRun {
  const ShardPlan& plan;
  uint32_t shard;
  output::FakeFileSystem* fs;
  output::OutputPaths paths;
  output::NameResolver names{false};
  std::unordered_set<std::string> claimed = ClaimedDirectories(plan);

  ShardRun(const ShardPlan& p, uint32_t i, output::FakeFileSystem* f)
      : plan(p), shard(i), fs(f), paths("/out/snap.parquet", i) {}

  Status Run() {
    output::Manifest manifest = FirstShardManifest(plan, shard, "/out/plan.json");
    std::vector<std::string> orphans = output::UnlistedChunks(fs, paths, nullptr);
    auto state = output::LoadResumeState(fs, paths, plan.root, manifest.identity, false);
    if (!state.ok()) return state.status();
    if (*state) {
      manifest = (*state)->manifest;
      orphans = (*state)->orphan_chunks;
      if (manifest.completed) return Status::Ok();
    }
    if (Status s = output::RemoveFiles(fs, paths, orphans); !s.ok()) return s;
    output::OutputConfig c;
    c.fs = fs;
    c.root = plan.root;
    c.rows_per_group = 5;
    c.names = &names;
    output::ChunkOptions co;
    co.rows_per_chunk = 11;
    auto out = output::ChunkedOutput::Open(paths, c, co, manifest, {});
    if (!out.ok()) return out.status();
    walk::WalkOptions wo;
    wo.root = plan.root;
    wo.threads = 2;
    wo.claimed_by_plan = [this](std::string_view rel) {
      return claimed.count(std::string(rel)) > 0;
    };
    walk::Walker walker(wo, out->get());
    EXPECT_TRUE(walker.Prepare().ok());
    walker.Run(output::StartFromManifest(manifest, {}));
    return (*out)->Finish(!walker.stop_requested());
  }

  output::Manifest Final() {
    auto text = fs->ReadFile(paths.manifest_file());
    auto m = output::ParseManifest(text.ok() ? *text : "");
    EXPECT_TRUE(m.ok());
    return m.ok() ? *m : output::Manifest();
  }
};

ShardPlan MakePlan(const Tree& tree, uint32_t shards) {
  ExploreOptions eo;
  eo.root = tree.root();
  auto explored = ExploreTree(eo);
  EXPECT_TRUE(explored.ok());
  ShardPlan plan;
  plan.root = tree.root();
  plan.shards = shards;
  BuildAssignments(*explored, &plan);
  SealPlan(&plan);
  EXPECT_EQ(ValidatePlan(plan), "");
  return plan;
}

TEST(ShardResumeTest, EveryShardAtEveryFailurePointResumesExactlyOnce) {
  Tree tree;
  const ShardPlan plan = MakePlan(tree, 3);
  bool any_flat = false;
  for (const ShardAssignment& a : plan.assignments) {
    for (const PlanUnit& u : a.units) any_flat = any_flat || u.kind == UnitKind::kFlat;
  }
  ASSERT_TRUE(any_flat);
  uint64_t total = 0;
  for (uint32_t shard = 0; shard < plan.shards; ++shard) {
    int operations;
    {
      output::FakeFileSystem clean_fs;
      ShardRun clean(plan, shard, &clean_fs);
      ASSERT_TRUE(clean.Run().ok());
      operations = clean_fs.operations();
      total += clean.Final().total_rows;
    }
    for (int n = 1; n <= operations; ++n) {
      output::FakeFileSystem fs;
      fs.FailAt(n, EIO);
      ShardRun first(plan, shard, &fs);
      (void)first.Run();
      fs.Crash();
      ShardRun resumed(plan, shard, &fs);
      Status s = resumed.Run();
      ASSERT_TRUE(s.ok()) << "shard " << shard << ", failure at " << n << ": " << s.message();
      output::Manifest m = resumed.Final();
      ASSERT_TRUE(m.completed) << "shard " << shard << ", failure at " << n;
      EXPECT_EQ(m.total_rows, plan.assignments[shard].estimate)
          << "shard " << shard << ", failure at " << n;
      EXPECT_EQ(m.plan_id, plan.plan_id);
    }
  }
  EXPECT_EQ(total, tree.entries());
}

}  // namespace
}  // namespace sscan::shard
