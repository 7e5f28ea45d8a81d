// The ledger must say exactly which work a chunk does not contain, also when the chunk ends in
// the middle of a getdents buffer.
#include "output/resume_ledger.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <optional>

namespace sscan::output {
namespace {

walk::Segment RootRow() {
  walk::Segment s;
  s.kind = walk::Segment::Kind::kRoot;
  s.dir.path = "/r";
  walk::Entry e;
  e.stat.mode = S_IFDIR;
  s.names = "r";
  e.name_length = 1;
  s.entries.push_back(e);
  s.children.push_back({0, 0, 1, 100});
  s.last = true;
  return s;
}

// The root's listing: entries a(dir) b c(dir) d e, with a problem before c and one after e.
walk::Segment RootListing() {
  walk::Segment s;
  s.kind = walk::Segment::Kind::kListing;
  s.dir.id = 0;
  s.dir.path = "/r";
  s.dir.depth = 0;
  const char* names[] = {"a", "b", "c", "d", "e"};
  for (int i = 0; i < 5; ++i) {
    walk::Entry e;
    e.name_offset = static_cast<uint32_t>(s.names.size());
    e.name_length = 1;
    s.names += names[i];
    e.cookie = 10 * (i + 1);
    e.stat.mode = (i == 0 || i == 2) ? S_IFDIR : S_IFREG;
    s.entries.push_back(e);
  }
  s.children.push_back({1, 0, 1, 101});
  s.children.push_back({2, 2, 1, 102});
  s.errors.push_back({"/r/x", walk::ErrorOp::kStatx, 13, {}, 2});
  s.errors.push_back({"/r", walk::ErrorOp::kGetdents, 5, {}, 5});
  s.excluded_at = {0, 4};
  s.resume_cookie = 50;
  s.last = true;
  return s;
}

std::optional<PendingDir> Find(const Manifest& m, uint64_t id) {
  for (const auto& d : m.pending_dirs) {
    if (d.id == id) return d;
  }
  return std::nullopt;
}

TEST(ResumeLedgerTest, ASplitSegmentResumesAfterTheLastPublishedEntry) {
  ResumeLedger ledger("/r", false);
  walk::Segment root = RootRow();
  ResumeLedger::Applied applied;
  ledger.Apply(root, 0, 1, &applied);

  walk::Segment listing = RootListing();
  ResumeLedger::Applied first;
  ledger.Apply(listing, 0, 2, &first);
  EXPECT_TRUE(first.errors.empty());  // the problem before "c" comes with "c"
  EXPECT_EQ(first.excluded, 1u);
  Manifest m;
  ledger.Snapshot(&m);
  EXPECT_TRUE(m.root_row_done);
  ASSERT_TRUE(Find(m, 0));
  EXPECT_EQ(Find(m, 0)->cookie, 20u);  // after "b"
  EXPECT_EQ(Find(m, 0)->next_seq, 0u);
  ASSERT_TRUE(Find(m, 1));
  EXPECT_EQ(Find(m, 1)->path, "a");
  EXPECT_FALSE(Find(m, 2));  // "c" is not published yet

  ResumeLedger::Applied rest;
  ledger.Apply(listing, 2, 5, &rest);
  EXPECT_EQ(rest.errors.size(), 2u);
  EXPECT_EQ(rest.excluded, 1u);
  ledger.Snapshot(&m);
  EXPECT_FALSE(Find(m, 0));  // the root's listing is complete
  ASSERT_TRUE(Find(m, 2));
  EXPECT_EQ(Find(m, 2)->path, "c");
  EXPECT_EQ(Find(m, 2)->depth, 1u);
  EXPECT_FALSE(ledger.finished());

  // "a" lists nothing and completes: its top-level directory is complete.
  walk::Segment a;
  a.kind = walk::Segment::Kind::kListing;
  a.dir.id = 1;
  a.dir.path = "/r/a";
  a.dir.depth = 1;
  a.last = true;
  ResumeLedger::Applied none;
  ledger.Apply(a, 0, 0, &none);
  ledger.Snapshot(&m);
  EXPECT_EQ(m.completed_dirs, std::vector<std::string>{"a"});
}

TEST(ResumeLedgerTest, RestoredStateContinues) {
  Manifest saved;
  saved.root_row_done = true;
  saved.next_id = 9;
  saved.pending_dirs.push_back({4, "x/y", 2, 1, 200, 77, 2, 0});
  ResumeLedger ledger("/r", false);
  ledger.Restore(saved);
  walk::Segment s;
  s.kind = walk::Segment::Kind::kListing;
  s.dir.id = 4;
  s.dir.path = "/r/x/y";
  s.dir.depth = 2;
  s.seq = 2;
  s.last = true;
  ResumeLedger::Applied applied;
  ledger.Apply(s, 0, 0, &applied);
  EXPECT_TRUE(ledger.finished());
  Manifest m;
  ledger.Snapshot(&m);
  EXPECT_EQ(m.completed_dirs, std::vector<std::string>{"x"});
}

}  // namespace
}  // namespace sscan::output
