#include "output/manifest.h"

#include <gtest/gtest.h>

namespace sscan::output {
namespace {

Manifest Sample() {
  Manifest m;
  m.scanner_version = "0.1.0";
  m.root = "/data/\xff\xferaw";  // not UTF-8: stored as root + root_b64
  m.identity.max_depth = 3;
  m.identity.excludes = {".snapshot"};
  m.started_at = m.updated_at = "2026-11-25T00:00:00Z";
  m.chunks.push_back({"/out/s_chunk_0001.parquet", 10, 1234, "2026-11-25T00:01:00Z"});
  m.chunks.push_back({"/out/s_chunk_0002.parquet", 5, 999, "2026-11-25T00:02:00Z"});
  m.total_rows = 15;
  m.completed_dirs = {"a", "b"};
  m.errors = 2;
  m.root_device = 64769;
  m.root_inode = 2;
  m.root_row_done = true;
  m.next_id = 42;
  m.errors_bytes = 120;
  m.pending_dirs.push_back({7, "c/\x80name", 2, 64769, 99, 123456789, 3, 0});
  m.pending_links.push_back({"c/link", 2, 1});
  return m;
}

TEST(ManifestTest, RoundTripsEveryField) {
  Manifest m = Sample();
  auto back = ParseManifest(FormatManifest(m));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->root, m.root);
  EXPECT_EQ(back->identity, m.identity);
  ASSERT_EQ(back->chunks.size(), 2u);
  EXPECT_EQ(back->chunks[1].bytes, 999u);
  EXPECT_EQ(back->pending_dirs[0].path, m.pending_dirs[0].path);
  EXPECT_EQ(back->pending_dirs[0].cookie, 123456789u);
  EXPECT_EQ(back->pending_dirs[0].next_seq, 3u);
  EXPECT_EQ(back->pending_links[0].round, 1u);
  EXPECT_EQ(back->next_id, 42u);
  EXPECT_EQ(back->completed_dirs, m.completed_dirs);
}

TEST(ManifestTest, KeepsTheSeedsFieldNames) {
  std::string text = FormatManifest(Sample());
  for (const char* field : {"\"version\"", "\"root\"", "\"options\"", "\"started_at\"",
                            "\"updated_at\"", "\"finished_at\"", "\"completed\"", "\"total_rows\"",
                            "\"chunk_count\"", "\"chunks\"", "\"file_path\"", "\"rows\"",
                            "\"bytes\"", "\"created_at\"", "\"completed_dirs\"", "\"errors\""}) {
    EXPECT_NE(text.find(field), std::string::npos) << field;
  }
}

TEST(ManifestTest, RefusesDamagedContentWithAReason) {
  std::string good = FormatManifest(Sample());
  struct Bad {
    std::string text;
    std::string reason;
  } bad[] = {
      {good.substr(0, good.size() / 2), "not valid JSON"},
      {"[]", "not a JSON object"},
      {"{}", "missing field 'version'"},
      {"", "not valid JSON"},
  };
  for (const Bad& b : bad) {
    auto r = ParseManifest(b.text);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find(b.reason), std::string::npos) << r.status().message();
  }
  std::string wrong_type = good;
  wrong_type.replace(wrong_type.find("\"total_rows\": 15"), 16, "\"total_rows\": \"15\"");
  auto r = ParseManifest(wrong_type);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("total_rows"), std::string::npos);

  std::string inconsistent = good;
  inconsistent.replace(inconsistent.find("\"total_rows\": 15"), 16, "\"total_rows\": 16");
  r = ParseManifest(inconsistent);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("disagrees"), std::string::npos);

  std::string version = good;
  version.replace(version.find("\"version\": 1"), 12, "\"version\": 9");
  r = ParseManifest(version);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unsupported manifest version"), std::string::npos);
}

// Known bugs, reported to the lead; these tests fail (the first crashes) until they are fixed,
// hence DISABLED_. Run them with --gtest_also_run_disabled_tests --gtest_filter='*DISABLED_*'
// (build/release/tests/unit/output_tests).

// A manifest nested ~100,000 levels deep (here inside "options", which is kept and re-dumped)
// overflows the stack in nlohmann's recursive copy/dump: SIGSEGV instead of "damaged".
TEST(ManifestTest, RefusesDeeplyNestedJsonWithoutCrashing) {
  std::string text = FormatManifest(Sample());
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  text.replace(text.find("\"options\": {"), 12, "\"options\": {\"deep\": " + deep + ", ");
  auto r = ParseManifest(text);
  EXPECT_FALSE(r.ok());
}

// Pending paths are relative to the root and are reopened one component at a time: a ".."
// component (with device and inode 0, "not known", so nothing is verified) makes a resumed
// scan list the root's parent. Such a manifest is damaged and must be refused.
TEST(ManifestTest, RefusesPendingPathsThatLeaveTheRoot) {
  for (const char* bad : {"..", "../etc", "a/../..", "a/.."}) {
    Manifest m = Sample();
    m.pending_dirs[0].path = bad;
    EXPECT_FALSE(ParseManifest(FormatManifest(m)).ok()) << "pending dir " << bad;
    m = Sample();
    m.pending_links[0].path = bad;
    EXPECT_FALSE(ParseManifest(FormatManifest(m)).ok()) << "pending link " << bad;
  }
}

}  // namespace
}  // namespace sscan::output
