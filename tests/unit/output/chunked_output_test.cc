// Crash safety of incremental mode, operation by operation (LevelDB's fault-injection idea):
// a scan into a fake filesystem fails at its n-th write/sync/rename, the power is cut (only
// what was fsynced survives), the scan is resumed from whatever manifest survived, and the
// published chunks must then hold every entry of the tree exactly once — for every n.
#include "output/chunked_output.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "fake_file_system.h"
#include "output/resume_state.h"
#include "walk/walker.h"

namespace sscan::output {
namespace {

namespace fs = std::filesystem;

class Tree {
 public:
  Tree() {
    char tmpl[] = "/tmp/chunked_test.XXXXXX";
    root_ = mkdtemp(tmpl);
    for (int d = 0; d < 4; ++d) {
      std::string dir = root_ + "/d" + std::to_string(d);
      fs::create_directories(dir + "/sub");
      for (int f = 0; f < 40; ++f) Touch(dir + "/file_" + std::to_string(f) + ".txt");
      for (int f = 0; f < 5; ++f) Touch(dir + "/sub/s" + std::to_string(f));
    }
    entries_ = 1;  // the root
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

struct Harness {
  explicit Harness(const Tree& t) : tree(t) {}
  const Tree& tree;
  FakeFileSystem fs;
  OutputPaths paths{"/out/scan.parquet"};
  NameResolver names{false};

  OutputConfig Config() {
    OutputConfig c;
    c.fs = &fs;
    c.root = tree.root();
    c.rows_per_group = 7;
    c.names = &names;
    return c;
  }

  // One run: fresh or resumed from the surviving manifest. Returns the Finish status (or the
  // refusal to start).
  Status Run() {
    Manifest manifest;
    manifest.root = tree.root();
    walk::WalkStart start;
    std::vector<std::string> orphans = UnlistedChunks(&fs, paths, nullptr);
    auto state = LoadResumeState(&fs, paths, tree.root(), ScanIdentity(), false);
    if (!state.ok()) return state.status();
    if (*state) {
      manifest = (*state)->manifest;
      orphans = (*state)->orphan_chunks;
      start = StartFromManifest(manifest, {});
    }
    if (Status s = RemoveFiles(&fs, paths, orphans); !s.ok()) return s;
    ChunkOptions co;
    co.rows_per_chunk = 23;
    auto out = ChunkedOutput::Open(paths, Config(), co, manifest, {});
    if (!out.ok()) return out.status();
    walk::WalkOptions wo;
    wo.root = tree.root();
    wo.threads = 3;
    walk::Walker walker(wo, out->get());
    EXPECT_TRUE(walker.Prepare().ok());
    walker.Run(start);
    return (*out)->Finish(!walker.stop_requested());
  }

  Manifest Final() {
    auto text = fs.ReadFile(paths.manifest_file());
    EXPECT_TRUE(text.ok());
    auto m = ParseManifest(text.ok() ? *text : "");
    EXPECT_TRUE(m.ok()) << m.status().message();
    return m.ok() ? *m : Manifest();
  }
};

void ExpectExactlyOnce(Harness& h, const std::string& context) {
  Manifest m = h.Final();
  EXPECT_TRUE(m.completed) << context;
  EXPECT_EQ(m.total_rows, h.tree.entries()) << context;
  uint64_t sum = 0;
  for (const ManifestChunk& c : m.chunks) {
    auto f = h.fs.Get(c.file_path);
    ASSERT_NE(f, nullptr) << context << ": listed chunk missing " << c.file_path;
    EXPECT_EQ(f->data.size(), c.bytes) << context;
    EXPECT_EQ(f->data.substr(0, 4), "PAR1") << context;
    sum += c.rows;
  }
  EXPECT_EQ(sum, h.tree.entries()) << context;
  EXPECT_TRUE(UnlistedChunks(&h.fs, h.paths, &m).empty()) << context;
  EXPECT_TRUE(m.pending_dirs.empty()) << context;
}

TEST(ChunkedOutputTest, CleanRunPublishesEveryEntryOnce) {
  Tree tree;
  Harness h(tree);
  ASSERT_TRUE(h.Run().ok());
  ExpectExactlyOnce(h, "clean run");
  EXPECT_GT(h.Final().chunks.size(), 3u);
}

TEST(ChunkedOutputTest, EveryFailurePointFollowedByPowerCutResumesExactlyOnce) {
  Tree tree;
  int operations;
  {
    Harness clean(tree);
    ASSERT_TRUE(clean.Run().ok());
    operations = clean.fs.operations();
  }
  ASSERT_GT(operations, 20);
  for (int n = 1; n <= operations; ++n) {
    Harness h(tree);
    h.fs.FailAt(n, n % 2 ? ENOSPC : EIO);
    Status first = h.Run();
    h.fs.Crash();
    Status resumed = h.Run();
    ASSERT_TRUE(resumed.ok()) << "failure at operation " << n << ": " << resumed.message();
    ExpectExactlyOnce(h,
                      "failure at operation " + std::to_string(n) + " (" + first.message() + ")");
  }
}

TEST(ChunkedOutputTest, HeartbeatRewritesTheManifestWhenNoChunkIsDue) {
  Tree tree;
  for (auto heartbeat : {std::chrono::milliseconds(100), std::chrono::milliseconds(3600 * 1000)}) {
    Harness h(tree);
    ChunkOptions co;
    co.interval = std::chrono::milliseconds(3600 * 1000);
    co.heartbeat = heartbeat;
    Manifest m;
    m.root = tree.root();
    auto out = ChunkedOutput::Open(h.paths, h.Config(), co, m, {});
    ASSERT_TRUE(out.ok());
    const int after_open = h.fs.operations();
    // No rows at all: a stalled filesystem. Only the heartbeat writes. Waiting for the writes
    // (10 s at most) rather than a fixed time: a loaded machine may run the heartbeat late.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    while (heartbeat.count() < 1000 && h.fs.operations() - after_open < 2 * 4 &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const int written = h.fs.operations() - after_open;
    if (heartbeat.count() < 1000) {
      EXPECT_GE(written, 2 * 4) << "at least two heartbeats (temp, write, sync, rename, ...)";
    } else {
      EXPECT_EQ(written, 0);
    }
    Manifest beat = h.Final();
    EXPECT_FALSE(beat.completed);
    EXPECT_EQ(beat.total_rows, 0u);
    EXPECT_EQ(beat.heartbeat_secs, heartbeat.count() < 1000 ? 1u : 3600u);
    ASSERT_TRUE((*out)->Finish(false).ok());
  }
}

TEST(ChunkedOutputTest, ResumeRefusesAManifestOfAnotherRoot) {
  Tree tree;
  Harness h(tree);
  ASSERT_TRUE(h.Run().ok());
  auto state = LoadResumeState(&h.fs, h.paths, "/some/other/root", ScanIdentity(), false);
  ASSERT_FALSE(state.ok());
  EXPECT_NE(state.status().message().find("belongs to a scan of"), std::string::npos);
}

TEST(ChunkedOutputTest, ResumeRefusesMissingChunksAndNamesThem) {
  Tree tree;
  Harness h(tree);
  ASSERT_TRUE(h.Run().ok());
  Manifest m = h.Final();
  ASSERT_FALSE(m.chunks.empty());
  ASSERT_TRUE(h.fs.Remove(m.chunks[0].file_path).ok());
  auto state = LoadResumeState(&h.fs, h.paths, tree.root(), ScanIdentity(), false);
  ASSERT_FALSE(state.ok());
  EXPECT_NE(state.status().message().find("scan_chunk_0001.parquet"), std::string::npos);
}

TEST(ChunkedOutputTest, ResumeRefusesChangedScanOptions) {
  Tree tree;
  Harness h(tree);
  ASSERT_TRUE(h.Run().ok());
  ScanIdentity other;
  other.follow_symlinks = true;
  auto state = LoadResumeState(&h.fs, h.paths, tree.root(), other, false);
  ASSERT_FALSE(state.ok());
  EXPECT_NE(state.status().message().find("--follow-symlinks"), std::string::npos);
}

}  // namespace
}  // namespace sscan::output
