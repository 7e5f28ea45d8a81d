// Tests of the walker against a sink that records every segment: the entries found, the
// ordering guarantees the resume logic depends on, and behaviour under a tiny descriptor
// budget, small getdents buffers, links and resume cookies.
#include "walk/walker.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace sscan::walk {
namespace {

namespace fs = std::filesystem;

class TempTree {
 public:
  TempTree() {
    char tmpl[] = "/tmp/walker_test.XXXXXX";
    root_ = mkdtemp(tmpl);
  }
  ~TempTree() { fs::remove_all(root_); }
  const std::string& root() const { return root_; }
  void Dir(const std::string& rel) { fs::create_directories(root_ + "/" + rel); }
  void File(const std::string& rel) {
    int fd = open((root_ + "/" + rel).c_str(), O_CREAT | O_WRONLY, 0644);
    ASSERT_GE(fd, 0) << rel;
    close(fd);
  }
  void Link(const std::string& target, const std::string& rel) {
    ASSERT_EQ(symlink(target.c_str(), (root_ + "/" + rel).c_str()), 0) << rel;
  }

 private:
  std::string root_;
};

// Records everything and checks the sink-side guarantees as segments arrive.
class RecordingSink : public SegmentSink {
 public:
  bool Accept(const Segment& seg) override {
    std::lock_guard lock(mutex_);
    if (seg.kind == Segment::Kind::kListing) {
      // A directory's segments come in order, after the segment that registered it.
      EXPECT_TRUE(known_.count(seg.dir.id)) << "segment before registration: " << seg.dir.path;
      EXPECT_EQ(seg.seq, next_seq_[seg.dir.id]) << seg.dir.path;
      EXPECT_FALSE(finished_.count(seg.dir.id)) << "segment after last: " << seg.dir.path;
      next_seq_[seg.dir.id] = seg.seq + 1;
      if (seg.last) finished_.insert(seg.dir.id);
      for (const Entry& e : seg.entries) {
        std::string p(seg.dir.path);
        if (p != "/") p += "/";
        p += seg.name(e);
        paths_.push_back(p);
        depth_[p] = seg.dir.depth + 1;
        cookies_.push_back(e.cookie);
      }
    } else if (seg.kind == Segment::Kind::kRoot) {
      paths_.push_back(std::string(seg.dir.path));
      depth_[std::string(seg.dir.path)] = 0;
    }
    for (const ChildDir& c : seg.children) {
      EXPECT_TRUE(known_.insert(c.id).second) << "id registered twice";
    }
    for (const WalkError& e : seg.errors) errors_.push_back(e);
    segments_.push_back({seg.dir.id, seg.seq, seg.last, seg.resume_cookie, seg.entries.size()});
    return true;
  }

  struct SegInfo {
    uint64_t dir;
    uint32_t seq;
    bool last;
    uint64_t cookie;
    size_t entries;
  };

  std::vector<std::string> SortedPaths() const {
    auto v = paths_;
    std::sort(v.begin(), v.end());
    return v;
  }
  void ExpectAllFinished() const {
    for (uint64_t id : known_) EXPECT_TRUE(finished_.count(id)) << "dir " << id << " unfinished";
  }
  void Preregister(uint64_t id, uint32_t next_seq) {
    known_.insert(id);
    next_seq_[id] = next_seq;
  }

  std::mutex mutex_;
  std::vector<std::string> paths_;
  std::map<std::string, uint32_t> depth_;
  std::vector<uint64_t> cookies_;
  std::vector<WalkError> errors_;
  std::vector<SegInfo> segments_;
  std::set<uint64_t> known_;
  std::set<uint64_t> finished_;
  std::map<uint64_t, uint32_t> next_seq_;
};

// An independent walk with std::filesystem (which never follows links here).
std::vector<std::string> ReferenceWalk(const std::string& root) {
  std::vector<std::string> out{root};
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Walk(const WalkOptions& opts, RecordingSink* sink,
                              const WalkStart& start = WalkStart()) {
  Walker w(opts, sink);
  EXPECT_TRUE(w.Prepare().ok());
  w.Run(start);
  return sink->SortedPaths();
}

void MakeMixedTree(TempTree* t) {
  t->Dir("a/b/c/d");
  t->Dir("e");
  t->Dir("empty");
  t->File("top.txt");
  t->File(".hidden");
  t->File("a/one.py");
  t->File("a/b/two.tar.gz");
  t->File("a/b/c/d/deep");
  for (int i = 0; i < 300; ++i) t->File("e/f" + std::to_string(i));
  t->Link("a", "link_to_a");
  t->Link("missing", "broken");
}

TEST(WalkerTest, FindsEveryEntryAtEveryThreadCount) {
  TempTree t;
  MakeMixedTree(&t);
  auto expected = ReferenceWalk(t.root());
  for (unsigned threads : {1u, 2u, 3u, 8u, 16u}) {
    RecordingSink sink;
    WalkOptions o;
    o.root = t.root();
    o.threads = threads;
    EXPECT_EQ(Walk(o, &sink), expected) << threads << " threads";
    sink.ExpectAllFinished();
    EXPECT_TRUE(sink.errors_.empty());
  }
}

TEST(WalkerTest, SmallBuffersSplitLargeDirectoriesIntoOrderedSegments) {
  TempTree t;
  t.Dir("big");
  for (int i = 0; i < 5000; ++i) t.File("big/entry_with_a_longish_name_" + std::to_string(i));
  auto expected = ReferenceWalk(t.root());
  for (unsigned threads : {1u, 4u}) {
    RecordingSink sink;
    WalkOptions o;
    o.root = t.root();
    o.threads = threads;
    o.getdents_buffer_size = 1024;  // ~20 entries a buffer: hundreds of segments
    EXPECT_EQ(Walk(o, &sink), expected);
    sink.ExpectAllFinished();
    size_t big_segments = 0;
    for (const auto& s : sink.segments_) big_segments += s.entries > 0 ? 1 : 0;
    EXPECT_GT(big_segments, 100u);
  }
}

TEST(WalkerTest, AWideDirectoryKeepsTheFrontierNearItsBudget) {
  // 2,000 subdirectories in one directory, read 1 KiB (~25 entries) at a time: without the
  // budget, reading it to the end would put all of them in the frontier at once.
  TempTree t;
  for (int i = 0; i < 2000; ++i) {
    t.Dir("wide/sub_" + std::to_string(i));
    if (i % 3 == 0) t.File("wide/sub_" + std::to_string(i) + "/f");
  }
  auto expected = ReferenceWalk(t.root());
  for (unsigned threads : {1u, 4u}) {
    for (size_t budget : {size_t{16}, size_t{1} << 30}) {
      RecordingSink sink;
      WalkOptions o;
      o.root = t.root();
      o.threads = threads;
      o.getdents_buffer_size = 1024;
      o.frontier_budget = budget;
      Walker w(o, &sink);
      ASSERT_TRUE(w.Prepare().ok());
      w.Run(WalkStart());
      EXPECT_EQ(sink.SortedPaths(), expected) << threads << " threads, budget " << budget;
      sink.ExpectAllFinished();
      const uint64_t peak = w.stats().peak_frontier;
      if (budget == 16) {
        // The budget plus what the buffers in hand add (a few dozen entries each).
        EXPECT_LT(peak, 600u) << threads << " threads";
      } else if (threads == 1) {
        // Continuations go first: one worker reads the whole directory before entering it.
        EXPECT_GT(peak, 1900u) << "without a budget (or the test would show nothing)";
      }
    }
  }
}

TEST(WalkerTest, MaxDepthKeepsEntriesUpToTheLimit) {
  TempTree t;
  MakeMixedTree(&t);
  for (uint32_t limit = 0; limit <= 5; ++limit) {
    RecordingSink sink;
    WalkOptions o;
    o.root = t.root();
    o.threads = 2;
    o.max_depth = limit;
    Walk(o, &sink);
    size_t expected = 0;
    for (const auto& p : ReferenceWalk(t.root())) {
      std::string rel = p.substr(t.root().size());
      uint32_t depth = static_cast<uint32_t>(std::count(rel.begin(), rel.end(), '/'));
      if (depth <= limit) ++expected;
    }
    EXPECT_EQ(sink.paths_.size(), expected) << "max depth " << limit;
    for (const auto& [path, depth] : sink.depth_) EXPECT_LE(depth, limit) << path;
  }
}

TEST(WalkerTest, DeepTreeUnderATinyDescriptorBudget) {
  TempTree t;
  std::string rel;
  for (int i = 0; i < 60; ++i) {
    if (i > 0) rel.push_back('/');
    rel.append("d").append(std::to_string(i));
    t.Dir(rel);
    t.File(rel + "/f");
    t.Dir(rel + "/side");
    t.File(rel + "/side/g");
  }
  auto expected = ReferenceWalk(t.root());
  RecordingSink sink;
  WalkOptions o;
  o.root = t.root();
  o.threads = 4;
  o.fd_budget = 4;  // far fewer descriptors than the depth: ancestors are reopened
  EXPECT_EQ(Walk(o, &sink), expected);
  sink.ExpectAllFinished();
  EXPECT_TRUE(sink.errors_.empty());
}

TEST(WalkerTest, SymlinksAreNotFollowedByDefault) {
  TempTree t;
  MakeMixedTree(&t);
  RecordingSink sink;
  WalkOptions o;
  o.root = t.root();
  o.threads = 2;
  auto paths = Walk(o, &sink);
  EXPECT_TRUE(std::count(paths.begin(), paths.end(), t.root() + "/link_to_a"));
  EXPECT_FALSE(std::count(paths.begin(), paths.end(), t.root() + "/link_to_a/one.py"));
}

TEST(WalkerTest, FollowSymlinksEntersEachDirectoryOnce) {
  TempTree outside;
  outside.Dir("x");
  outside.File("x/out.txt");
  TempTree t;
  t.Dir("real/sub");
  t.File("real/sub/f");
  t.Link("real", "alias1");         // a second path to a directory already scanned
  t.Link(outside.root(), "ext_a");  // a directory outside the root: entered once...
  t.Link(outside.root(), "ext_b");  // ...through the first link in byte order only
  t.Link("..", "real/sub/up");      // a loop to an ancestor
  for (unsigned threads : {1u, 4u}) {
    RecordingSink sink;
    WalkOptions o;
    o.root = t.root();
    o.threads = threads;
    o.follow_symlinks = true;
    auto paths = Walk(o, &sink);
    auto has = [&](const std::string& rel) {
      return std::count(paths.begin(), paths.end(), t.root() + "/" + rel) == 1;
    };
    EXPECT_TRUE(has("ext_a/x/out.txt"));
    EXPECT_FALSE(has("ext_b/x/out.txt"));
    EXPECT_TRUE(has("ext_b"));
    EXPECT_FALSE(has("alias1/sub"));
    EXPECT_FALSE(has("real/sub/up/sub"));
    size_t loops = 0;
    for (const auto& e : sink.errors_) loops += e.op == ErrorOp::kLoop ? 1 : 0;
    EXPECT_EQ(loops, 3u);  // alias1, ext_b, up
    sink.ExpectAllFinished();
  }
}

TEST(WalkerTest, OwnOutputIsNeverListed) {
  TempTree t;
  t.Dir("out");
  t.File("out/scan.parquet");
  t.File("out/keep.txt");
  struct stat st;
  ASSERT_EQ(stat((t.root() + "/out").c_str(), &st), 0);
  RecordingSink sink;
  WalkOptions o;
  o.root = t.root();
  o.output_dir = std::pair<uint64_t, uint64_t>(st.st_dev, st.st_ino);
  o.is_own_output = [](std::string_view n) { return n == "scan.parquet"; };
  auto paths = Walk(o, &sink);
  EXPECT_FALSE(std::count(paths.begin(), paths.end(), t.root() + "/out/scan.parquet"));
  EXPECT_TRUE(std::count(paths.begin(), paths.end(), t.root() + "/out/keep.txt"));
}

TEST(WalkerTest, ResumeFromACookieListsExactlyTheRest) {
  TempTree t;
  t.Dir("big");
  for (int i = 0; i < 2000; ++i) t.File("big/n" + std::to_string(i));
  struct stat st;
  ASSERT_EQ(stat((t.root() + "/big").c_str(), &st), 0);

  WalkOptions o;
  o.root = t.root();
  o.threads = 1;
  o.getdents_buffer_size = 2048;
  RecordingSink full;
  Walk(o, &full);
  // Listing entries in order (paths_[0] is the root row, which has no cookie), and the
  // cookie just after the 700th entry of "big".
  std::vector<std::string> listing_paths(full.paths_.begin() + 1, full.paths_.end());
  std::vector<uint64_t> listing_cookies = full.cookies_;
  size_t first_big = 0;
  while (listing_paths[first_big].find("/big/") == std::string::npos) ++first_big;
  ASSERT_EQ(listing_paths.size() - first_big, 2000u);
  const size_t cut = 700;
  uint64_t cookie = listing_cookies[first_big + cut - 1];

  RecordingSink rest;
  rest.Preregister(7, 3);
  WalkStart start;
  start.fresh = false;
  start.emit_root_row = false;
  start.next_id = 100;
  start.dirs.push_back({7, "big", 1, st.st_dev, st.st_ino, cookie, 3, 0});
  Walk(o, &rest, start);
  std::vector<std::string> expected(listing_paths.begin() + first_big + cut,
                                    listing_paths.begin() + first_big + 2000);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(rest.SortedPaths(), expected);
  EXPECT_TRUE(rest.finished_.count(7));
}

TEST(WalkerTest, ResumedDirectoryThatVanishedEndsWithAnError) {
  TempTree t;
  t.Dir("keep");
  RecordingSink sink;
  sink.Preregister(5, 0);
  WalkOptions o;
  o.root = t.root();
  WalkStart start;
  start.fresh = false;
  start.emit_root_row = false;
  start.dirs.push_back({5, "gone", 1, 1, 1, 0, 0, 0});
  Walk(o, &sink, start);
  EXPECT_TRUE(sink.finished_.count(5));
  ASSERT_EQ(sink.errors_.size(), 1u);
  EXPECT_EQ(sink.errors_[0].error_number, ENOENT);
}

TEST(WalkerTest, AFlatStartListsEntriesButEntersNoSubdirectory) {
  TempTree t;
  t.Dir("top/sub");
  t.File("top/f");
  t.File("top/sub/deep");
  RecordingSink sink;
  sink.Preregister(3, 0);
  WalkOptions o;
  o.root = t.root();
  WalkStart start;
  start.fresh = false;
  start.emit_root_row = true;  // a shard that owns the root row
  start.next_id = 10;
  start.dirs.push_back({3, "top", 1, 0, 0, 0, 0, 0, /*flat=*/true});
  auto paths = Walk(o, &sink, start);
  std::vector<std::string> expected = {t.root(), t.root() + "/top/f", t.root() + "/top/sub"};
  EXPECT_EQ(paths, expected);
  EXPECT_TRUE(sink.finished_.count(3));
}

TEST(WalkerTest, AFlatStartEntersTheSubdirectoriesThePlanDidNotGiveOut) {
  TempTree t;
  t.Dir("top/planned");
  t.Dir("top/created_later");
  t.File("top/planned/p");
  t.File("top/created_later/c");
  RecordingSink sink;
  sink.Preregister(3, 0);
  WalkOptions o;
  o.root = t.root();
  // The plan gave "top/planned" to some shard; "top/created_later" appeared afterwards.
  o.claimed_by_plan = [](std::string_view rel) { return rel == "top/planned"; };
  WalkStart start;
  start.fresh = false;
  start.emit_root_row = false;
  start.next_id = 10;
  start.dirs.push_back({3, "top", 1, 0, 0, 0, 0, 0, /*flat=*/true});
  auto paths = Walk(o, &sink, start);
  std::vector<std::string> expected = {t.root() + "/top/created_later",
                                       t.root() + "/top/created_later/c",
                                       t.root() + "/top/planned"};
  EXPECT_EQ(paths, expected);
}

TEST(WalkerTest, AStartDirectoryThatIsItsOwnAncestorEndsEmpty) {
  TempTree t;
  t.Dir("a");
  t.File("a/f");
  RecordingSink sink;
  sink.Preregister(4, 0);
  WalkOptions o;
  o.root = t.root();
  WalkStart start;
  start.fresh = false;
  start.emit_root_row = false;
  start.next_id = 10;
  // "a/.." resolves to the root itself: a second path to a directory already on the chain.
  start.dirs.push_back({4, "a/..", 2, 0, 0, 0, 0, 0, false});
  auto paths = Walk(o, &sink, start);
  EXPECT_TRUE(paths.empty());
  EXPECT_TRUE(sink.finished_.count(4));
}

TEST(WalkerTest, StopRequestEndsTheWalkEarly) {
  TempTree t;
  for (int d = 0; d < 50; ++d) {
    std::string dir = std::string("d").append(std::to_string(d));
    t.Dir(dir);
    for (int i = 0; i < 50; ++i) t.File(std::string(dir).append("/f").append(std::to_string(i)));
  }
  struct StoppingSink : RecordingSink {
    Walker* walker = nullptr;
    bool Accept(const Segment& seg) override {
      RecordingSink::Accept(seg);
      size_t seen;
      {
        std::lock_guard lock(mutex_);
        seen = paths_.size();
      }
      if (seen > 100) walker->RequestStop();
      return true;
    }
  } sink;
  WalkOptions o;
  o.root = t.root();
  o.threads = 4;
  Walker w(o, &sink);
  sink.walker = &w;
  ASSERT_TRUE(w.Prepare().ok());
  w.Run(WalkStart());
  EXPECT_LT(sink.paths_.size(), 2551u);
}

TEST(WalkerTest, RootThatIsAFileGivesOneRow) {
  TempTree t;
  t.File("only.txt");
  RecordingSink sink;
  WalkOptions o;
  o.root = t.root() + "/only.txt";
  auto paths = Walk(o, &sink);
  ASSERT_EQ(paths.size(), 1u);
  EXPECT_EQ(paths[0], o.root);
}

TEST(WalkerTest, MissingRootFailsPrepare) {
  RecordingSink sink;
  WalkOptions o;
  o.root = "/nonexistent/for/sure";
  Walker w(o, &sink);
  Status s = w.Prepare();
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.error_number(), ENOENT);
  EXPECT_NE(s.message().find("/nonexistent/for/sure"), std::string::npos);
}

}  // namespace
}  // namespace sscan::walk
