// walker.h — the parallel directory walker: getdents64 + statx on N threads.
//
// The walker lists every entry below a root and hands them, stat'ed, to a SegmentSink, one
// Segment per getdents64 buffer. It knows nothing of Parquet or files: what happens to the
// entries is the sink's business.
//
// Guarantees to the sink (what exactly-once resume is built on):
//   * each directory's segments arrive in sequence order, the last one flagged `last`;
//   * a directory's first segment arrives only after the segment that listed it as a child
//     (or, with --follow-symlinks, the link decision that leads to it);
//   * every directory registered as a child gets exactly one `last` segment, even when it
//     cannot be opened (that segment then carries the error) — unless the walk is stopped.
//
// Safety: directories are opened relative to their parent's descriptor with O_NOFOLLOW, so a
// symlink swapped in for a directory mid-scan is never followed; nothing but directories is
// ever opened (FIFOs, devices and sockets are only stat'ed). Without --follow-symlinks a
// directory that is its own ancestor (a bind-mount loop) is listed but not entered; with it,
// every directory is entered once, real directories first, then links round by round in
// byte order of their paths, so the rows do not depend on the thread count.
//
// Thread safety: Run() is called once, from one thread; RequestStop() and stats() from any.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "walk/segment.h"
#include "walk/walk_options.h"

namespace sscan::walk {

class SegmentSink {
 public:
  virtual ~SegmentSink() = default;
  // Called concurrently from worker threads. Must copy what it keeps; may block (that is the
  // back-pressure that bounds memory). Returns false when output has failed: the walk stops.
  virtual bool Accept(const Segment& segment) = 0;
};

struct WalkStats {
  uint64_t entries = 0;  // rows produced
  uint64_t directories = 0;
  uint64_t bytes = 0;   // sum of apparent sizes
  uint64_t errors = 0;  // problems recorded, vanished entries included
  uint64_t vanished = 0;
  uint64_t loops = 0;
  uint64_t skipped_mounts = 0;
  uint64_t excluded = 0;
  uint64_t operations = 0;  // metadata system calls (what --max-rate limits)
  // The most directories ever found and not yet started at once (WalkOptions::frontier_budget
  // keeps it near the budget on any tree).
  uint64_t peak_frontier = 0;
};

// A directory whose listing a resumed walk must finish (or start), relative to the root.
// Also how a shard of a plan starts: with the directories the plan assigned to it.
struct ResumeDir {
  uint64_t id = 0;
  std::string relative_path;  // raw bytes, "" for the root
  uint32_t depth = 0;
  uint64_t device = 0;  // with inode: checked when reopened; 0 and 0 = not known, not checked
  uint64_t inode = 0;
  uint64_t cookie = 0;    // getdents position to continue from (0 = from the start)
  uint32_t next_seq = 0;  // sequence number of its next segment
  uint32_t round = 0;
  // List this directory's entries but do not enter the subdirectories the plan gave out as
  // units of their own (WalkOptions::claimed_by_plan): a shard plan's directory above its
  // split points. With -x a unit on another filesystem, and a unit that is its own ancestor,
  // end at once with no entries, as a whole-tree scan would not enter them either.
  bool flat = false;
};

// A symlink to a directory that a resumed --follow-symlinks walk has yet to decide on.
struct ResumeLink {
  std::string relative_path;
  uint32_t depth = 0;  // the link's own depth
  uint32_t round = 0;  // the round in which it is decided
};

struct WalkStart {
  bool fresh = true;  // list from the root (ignores the fields below but emit_root_row)
  // Emit the root's own row: a fresh walk registers the root directory with it; otherwise
  // (a shard owning the root row) it is just the row.
  bool emit_root_row = true;
  std::vector<ResumeDir> dirs;
  std::vector<ResumeLink> links;
  std::vector<std::pair<uint64_t, uint64_t>> visited;  // --follow-symlinks: already listed
  uint64_t next_id = 1;
};

class Walker {
 public:
  Walker(WalkOptions options, SegmentSink* sink);
  ~Walker();
  Walker(const Walker&) = delete;
  Walker& operator=(const Walker&) = delete;

  // Set before Run() when they are not known at construction (the output is opened only
  // after the root has been checked).
  void SetSink(SegmentSink* sink);
  void SetOutputDirectory(uint64_t device, uint64_t inode,
                          std::function<bool(std::string_view)> is_own_output);

  // Stats the root (following a symlink given as the root, like find -H). Fails when the
  // root cannot be scanned at all; the message names the path and the reason.
  Status Prepare();
  bool root_is_directory() const;
  uint64_t root_device() const;
  uint64_t root_inode() const;

  // Walks to the end, or until RequestStop() or a sink failure. REQUIRES: Prepare() succeeded.
  void Run(const WalkStart& start);
  void RequestStop();
  bool stop_requested() const { return stop_.load(std::memory_order_relaxed); }

  // A consistent-enough snapshot for progress lines (counters are updated per segment).
  WalkStats stats() const;
  // Worker threads Run() starts: --threads, unless the open-file limit allows fewer.
  unsigned effective_threads() const;
  // The highest directory id handed out so far (resume state continues after it).
  uint64_t last_id() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> stop_{false};
};

}  // namespace sscan::walk
