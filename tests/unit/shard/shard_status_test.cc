#include "shard/shard_status.h"

#include <gtest/gtest.h>

#include "output/fake_file_system.h"
#include "shard/plan_builder.h"
#include "shard/shard_manifest.h"
#include "synthetic_tree.h"

namespace sscan::shard {
namespace {

constexpr std::time_t kNow = 1795000000;  // 2026-11-18T...Z

std::string Iso(std::time_t t) {
  char buf[32];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Liveness Fixed(std::vector<int64_t> alive = {}) {
  Liveness l;
  l.now = kNow;
  l.this_host = "here";
  l.pid_alive = [alive](int64_t pid) {
    return std::find(alive.begin(), alive.end(), pid) != alive.end();
  };
  return l;
}

output::Manifest Partial(const std::string& host, int64_t pid, std::time_t updated) {
  output::Manifest m;
  m.host = host;
  m.pid = pid;
  m.heartbeat_secs = 60;
  m.updated_at = Iso(updated);
  return m;
}

TEST(ShardStatusTest, CompactRangesUsesSbatchSyntax) {
  EXPECT_EQ(CompactRanges({}), "");
  EXPECT_EQ(CompactRanges({7}), "7");
  EXPECT_EQ(CompactRanges({3, 1, 2, 7, 9, 10, 9}), "1-3,7,9-10");
  EXPECT_EQ(CompactRanges({0, 2, 4}), "0,2,4");
}

TEST(ShardStatusTest, ClassifiesByCompletionHeartbeatAndProcess) {
  output::Manifest done;
  done.completed = true;
  EXPECT_EQ(Classify(done, Fixed()), ShardState::kComplete);
  // Another host, updated within 2 heartbeats + 60 s: running; older: partial.
  EXPECT_EQ(Classify(Partial("node7", 1, kNow - 170), Fixed()), ShardState::kRunning);
  EXPECT_EQ(Classify(Partial("node7", 1, kNow - 200), Fixed()), ShardState::kPartial);
  // This host: only while the process lives.
  EXPECT_EQ(Classify(Partial("here", 42, kNow - 5), Fixed({42})), ShardState::kRunning);
  EXPECT_EQ(Classify(Partial("here", 42, kNow - 5), Fixed({})), ShardState::kPartial);
  // A manifest with no readable time is not evidence of life.
  output::Manifest odd = Partial("node7", 1, kNow);
  odd.updated_at = "yesterday";
  EXPECT_EQ(Classify(odd, Fixed()), ShardState::kPartial);
}

class StatusDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TreeBuilder b;
    for (int i = 0; i < 8; ++i) b.Dir(0, Named("d", i), 100);
    tree_ = b.Build();
    plan_.root = "/data";
    plan_.shards = 4;
    plan_.submit_args = "--export=ALL,SSCAN_PLAN=/out/plan.json slurm_scan.sh";
    BuildAssignments(tree_, &plan_);
    SealPlan(&plan_);
  }
  void Put(const std::string& name, const std::string& text) {
    auto f = fs_.Create("/out/" + name, 0600);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Write(text.data(), text.size()).ok());
    ASSERT_TRUE((*f)->Close().ok());
  }
  output::Manifest ShardManifest(uint32_t shard) {
    output::Manifest m = FirstShardManifest(plan_, shard, "/out/plan.json");
    m.host = "node1";
    m.heartbeat_secs = 60;
    m.updated_at = Iso(kNow - 3600);
    return m;
  }
  Result<std::vector<StatusGroup>> Collect(bool with_plan, std::optional<std::string> stem = {}) {
    StatusQuery q;
    q.dir = "/out";
    q.stem = std::move(stem);
    if (with_plan) {
      q.plan = &plan_;
      q.plan_path = "/out/plan.json";
    }
    return CollectStatus(&fs_, q, Fixed(), [this](const std::string& path) {
      return path == "/out/plan.json" ? std::optional<ShardPlan>(plan_) : std::nullopt;
    });
  }

  ExploredTree tree_;
  ShardPlan plan_;
  output::FakeFileSystem fs_;
};

TEST_F(StatusDirTest, ReportsEachShardAndTheResubmitList) {
  output::Manifest done = ShardManifest(0);
  done.completed = true;
  done.pending_dirs.clear();
  Put("scan_shard0000_manifest.json", output::FormatManifest(done));
  output::Manifest running = ShardManifest(2);
  running.updated_at = Iso(kNow - 10);
  Put("scan_shard0002_manifest.json", output::FormatManifest(running));
  Put("scan_shard0003_manifest.json", output::FormatManifest(ShardManifest(3)));  // stale
  Put("unrelated_manifest.json", "{}");

  auto groups = Collect(true);
  ASSERT_TRUE(groups.ok()) << groups.status().message();
  ASSERT_EQ(groups->size(), 1u);
  const StatusGroup& g = (*groups)[0];
  EXPECT_EQ(g.stem, "scan");
  ASSERT_EQ(g.reports.size(), 4u);
  EXPECT_EQ(g.reports[0].state, ShardState::kComplete);
  EXPECT_EQ(g.reports[1].state, ShardState::kNotStarted);
  EXPECT_EQ(g.reports[2].state, ShardState::kRunning);
  EXPECT_EQ(g.reports[3].state, ShardState::kPartial);
  EXPECT_EQ(g.ToResubmit(), (std::vector<uint32_t>{1, 3}));
  EXPECT_EQ(g.submit_args, plan_.submit_args);
  EXPECT_EQ(g.reports[1].estimate, plan_.assignments[1].estimate);
  EXPECT_EQ(StatusExitCode(*groups), kStatusNeedsWork);

  // The same directory without the plan: grouped by stem and plan id, the plan found by path.
  auto by_dir = Collect(false);
  ASSERT_TRUE(by_dir.ok());
  ASSERT_EQ(by_dir->size(), 1u);
  EXPECT_EQ((*by_dir)[0].shards, 4u);
  EXPECT_EQ((*by_dir)[0].ToResubmit(), (std::vector<uint32_t>{1, 3}));
  EXPECT_EQ((*by_dir)[0].submit_args, plan_.submit_args);
}

TEST_F(StatusDirTest, NothingStartedIsAllToSubmit) {
  auto groups = Collect(true);
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ((*groups)[0].ToResubmit(), (std::vector<uint32_t>{0, 1, 2, 3}));
  EXPECT_EQ(CompactRanges((*groups)[0].ToResubmit()), "0-3");
  // Without a plan there is nothing to report on.
  EXPECT_FALSE(Collect(false).ok());
}

TEST_F(StatusDirTest, AllCompleteExitsZeroAndRunningOnlyExitsFour) {
  for (uint32_t i = 0; i < 4; ++i) {
    output::Manifest m = ShardManifest(i);
    m.completed = i != 2;
    if (m.completed) m.pending_dirs.clear();
    if (i == 2) m.updated_at = Iso(kNow);
    char name[64];
    std::snprintf(name, sizeof name, "snap_shard%04u_manifest.json", i);
    Put(name, output::FormatManifest(m));
  }
  auto groups = Collect(true, "snap");
  ASSERT_TRUE(groups.ok());
  EXPECT_EQ(StatusExitCode(*groups), kStatusRunning);
  EXPECT_TRUE((*groups)[0].ToResubmit().empty());
}

TEST_F(StatusDirTest, DamagedAndForeignManifestsNeedAttentionNotResubmission) {
  Put("scan_shard0001_manifest.json", "{ truncated");
  output::Manifest other = ShardManifest(2);
  other.plan_id = "0123456789abcdef";
  Put("scan_shard0002_manifest.json", output::FormatManifest(other));
  Put("scan_shard0000_manifest.json", output::FormatManifest(ShardManifest(0)));
  auto groups = Collect(true, "scan");
  ASSERT_TRUE(groups.ok());
  const StatusGroup& g = (*groups)[0];
  EXPECT_EQ(g.reports[1].state, ShardState::kDamaged);
  EXPECT_EQ(g.reports[2].state, ShardState::kOtherPlan);
  EXPECT_EQ(g.ToResubmit(), (std::vector<uint32_t>{0, 3}));
  EXPECT_EQ(StatusExitCode(*groups), kStatusNeedsWork);
}

}  // namespace
}  // namespace sscan::shard
