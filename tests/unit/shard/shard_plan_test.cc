#include "shard/shard_plan.h"

#include <gtest/gtest.h>

#include "shard/plan_builder.h"
#include "synthetic_tree.h"

namespace sscan::shard {
namespace {

ShardPlan Sample() {
  TreeBuilder b;
  uint32_t a = b.Dir(0, "a", 10);
  b.Dir(a, "x", 400);
  b.Dir(a, "y", 400);
  b.Dir(0, "\xff\xfe-not-utf8", 300);
  b.Dir(0, "z", 0, DirState::kUnlisted);
  ExploredTree t = b.Build();
  ShardPlan p;
  p.scanner_version = "0.1.0";
  p.root = "/data/\x80raw";
  p.created_at = "2026-11-25T00:00:00Z";
  p.host = "node1";
  p.shards = 3;
  p.options.max_depth = 9;
  p.options.one_file_system = true;
  p.submit_args = "--export=ALL,SSCAN_PLAN=/x/plan.json /x/slurm_scan.sh";
  p.exploration.entries_listed = 1234;
  BuildAssignments(t, &p);
  SealPlan(&p);
  return p;
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(ShardPlanTest, RoundTripsEveryField) {
  ShardPlan p = Sample();
  ASSERT_EQ(ValidatePlan(p), "");
  auto back = ParsePlan(FormatPlan(p));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->plan_id, p.plan_id);
  EXPECT_EQ(back->root, p.root);
  EXPECT_EQ(back->options, p.options);
  EXPECT_EQ(back->shards, 3u);
  EXPECT_EQ(back->submit_args, p.submit_args);
  EXPECT_EQ(back->exploration.entries_listed, 1234u);
  EXPECT_EQ(back->total_estimate, p.total_estimate);
  EXPECT_EQ(back->exact, p.exact);
  ASSERT_EQ(back->assignments.size(), 3u);
  for (uint32_t i = 0; i < 3; ++i) {
    const ShardAssignment& x = p.assignments[i];
    const ShardAssignment& y = back->assignments[i];
    EXPECT_EQ(y.estimate, x.estimate);
    EXPECT_EQ(y.root_row, x.root_row);
    ASSERT_EQ(y.units.size(), x.units.size());
    for (size_t u = 0; u < x.units.size(); ++u) {
      EXPECT_EQ(y.units[u].path, x.units[u].path);  // raw bytes, through path_b64
      EXPECT_EQ(y.units[u].kind, x.units[u].kind);
      EXPECT_EQ(y.units[u].depth, x.units[u].depth);
      EXPECT_EQ(y.units[u].estimate, x.units[u].estimate);
      EXPECT_EQ(y.units[u].exact, x.units[u].exact);
    }
  }
  // Formatting the parsed plan gives the same bytes: the id survives a round trip.
  EXPECT_EQ(FormatPlan(*back), FormatPlan(p));
}

TEST(ShardPlanTest, TheIdDependsOnTheContent) {
  ShardPlan a = Sample();
  ShardPlan b = Sample();
  EXPECT_EQ(a.plan_id, b.plan_id);
  b.created_at = "2026-11-26T00:00:00Z";
  SealPlan(&b);
  EXPECT_NE(a.plan_id, b.plan_id);
  EXPECT_EQ(a.plan_id.size(), 16u);
}

TEST(ShardPlanTest, SurvivesReformattingThatKeepsKeyOrder) {
  ShardPlan p = Sample();
  std::string text = FormatPlan(p);
  std::string compact;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {  // drop the indentation, as a minifier would
    char c = text[i];
    if (c == '"' && (i == 0 || text[i - 1] != '\\')) in_string = !in_string;
    if (!in_string && (c == ' ' || c == '\n')) continue;
    compact.push_back(c);
  }
  auto back = ParsePlan(compact);
  ASSERT_TRUE(back.ok()) << back.status().message();
}

TEST(ShardPlanTest, RefusesDamagedPlansWithAReason) {
  const ShardPlan p = Sample();
  const std::string good = FormatPlan(p);
  struct Bad {
    std::string text;
    std::string reason;
  };
  std::vector<Bad> bad = {
      {"", "not valid JSON"},
      {good.substr(0, good.size() / 2), "not valid JSON"},
      {"[1,2]", "not a JSON object"},
      {Replace(good, "\"version\": 1", "\"version\": 2"), "unsupported plan version"},
      {Replace(good, "\"host\": \"node1\"", "\"host\": \"node2\""), "does not match its content"},
      {Replace(good, "\"shards\": 3", "\"shards\": 4"), "does not match its content"},
      {Replace(good, "\"plan_id\": \"" + p.plan_id + "\",", ""), "missing field 'plan_id'"},
  };
  for (const Bad& b : bad) {
    auto r = ParsePlan(b.text);
    ASSERT_FALSE(r.ok()) << b.reason;
    EXPECT_NE(r.status().message().find(b.reason), std::string::npos)
        << r.status().message() << " / expected: " << b.reason;
  }
}

// A structurally wrong plan, sealed so that only the structure is wrong.
std::string Resealed(ShardPlan p) {
  SealPlan(&p);
  return FormatPlan(p);
}

TEST(ShardPlanTest, RefusesPlansThatWouldLoseOrDuplicateRows) {
  const ShardPlan good = Sample();
  auto refused = [](const std::string& text, const std::string& reason) {
    auto r = ParsePlan(text);
    ASSERT_FALSE(r.ok()) << reason;
    EXPECT_NE(r.status().message().find(reason), std::string::npos) << r.status().message();
  };
  {
    ShardPlan p = good;  // the same unit twice
    p.assignments[1].units.push_back(p.assignments[0].units.front());
    refused(Resealed(p), "assigned twice");
  }
  {
    ShardPlan p = good;  // a unit inside a subtree unit: its rows twice
    p.assignments[2].units.push_back({"a/x/deeper", UnitKind::kSubtree, 3, 1, true});
    refused(Resealed(p), "not directly inside a flat unit");
  }
  {
    ShardPlan p = good;  // the root row twice
    p.assignments[1].root_row = true;
    refused(Resealed(p), "claims the root row");
  }
  {
    ShardPlan p = good;  // the root's entries in no unit
    for (ShardAssignment& a : p.assignments) {
      std::erase_if(a.units, [](const PlanUnit& u) { return u.path.empty(); });
    }
    refused(Resealed(p), "not directly inside a flat unit");
  }
  {
    ShardPlan p = good;
    p.assignments[0].units.push_back({"../etc", UnitKind::kSubtree, 2, 1, true});
    refused(Resealed(p), "is not a relative path");
  }
  {
    ShardPlan p = good;
    p.assignments[0].units.push_back({"q", UnitKind::kSubtree, 2, 1, true});
    refused(Resealed(p), "has depth 2, its path 1");
  }
  {
    ShardPlan p = good;
    p.options.max_depth = 1;
    refused(Resealed(p), "beyond --max-depth");
  }
  {
    ShardPlan p = good;
    p.assignments.pop_back();
    refused(Resealed(p), "names 3 shards but assigns 2");
  }
}

}  // namespace
}  // namespace sscan::shard
