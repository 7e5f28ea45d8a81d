// resume_ledger.h — which directory listings the accepted rows cover, exactly.
//
// The walker registers every directory with the segment that holds its row (ChildDir) and then
// delivers its listing as segments in order. The ledger follows along, row by row: a directory
// is pending from its registration until its last segment is accepted, and a pending directory
// records the getdents position (cookie) just after its last accepted entry. A snapshot of the
// ledger taken when a chunk is cut therefore describes precisely the work that chunk and its
// predecessors do NOT contain — which is what a resumed scan must do, no more (nothing
// duplicated) and no less (nothing lost). A chunk may end in the middle of a segment: Apply()
// takes a range of entries, and the errors and exclusions met inside that range come with it.
//
// Thread safety: none; the owning sink calls it under its mutex.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "output/manifest.h"
#include "walk/segment.h"

namespace sscan::output {

class ResumeLedger {
 public:
  // `track_visited`: record every directory's (device, inode) for --follow-symlinks resume.
  ResumeLedger(std::string root, bool track_visited);

  // Continues from a resumed manifest's state.
  void Restore(const Manifest& m);

  // What a range of a segment contributes besides rows.
  struct Applied {
    std::vector<const walk::WalkError*> errors;
    uint64_t excluded = 0;
    uint64_t mount_points_skipped = 0;
  };
  // Accounts for entries [first, end) of `seg`. `end == seg.entries.size()` completes the
  // segment (its trailing errors included). REQUIRES: the ranges of one segment are applied in
  // order and cover it.
  void Apply(const walk::Segment& seg, size_t first, size_t end, Applied* out);

  // The resume state as of now, written into `m`.
  void Snapshot(Manifest* m) const;
  // (device, inode) pairs registered since the last call (--follow-symlinks only).
  std::vector<std::pair<uint64_t, uint64_t>> TakeVisited();

  size_t pending_directories() const { return dirs_.size(); }
  bool finished() const {
    return (root_row_done_ || !includes_root_row_) && dirs_.empty() && links_.empty();
  }

 private:
  std::string Relative(std::string_view absolute) const;
  void Register(PendingDir dir);
  void Complete(uint64_t id);
  void CountTop(const std::string& rel, int delta);

  const std::string root_;
  const bool track_visited_;
  bool root_row_done_ = false;
  bool includes_root_row_ = true;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, PendingDir> dirs_;
  std::unordered_map<std::string, PendingLink> links_;
  std::unordered_map<std::string, uint64_t> pending_by_top_;
  std::vector<std::string> completed_tops_;
  std::vector<std::pair<uint64_t, uint64_t>> visited_;
};

}  // namespace sscan::output
