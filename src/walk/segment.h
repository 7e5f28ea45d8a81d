// segment.h — what the walker hands to its consumer: one piece of one directory's listing.
//
// A directory is read with getdents64 one buffer at a time; each buffer's entries, stat'ed,
// form one Segment. Segments of a directory carry consecutive sequence numbers (0, 1, ...);
// the last one has `last` set. `resume_cookie` is the getdents position just after the
// segment's final entry, so a consumer that records it can later continue the listing with
// lseek(fd, cookie) instead of starting the directory again (exactly-once resume).
//
// A Segment is built by one worker, passed by const reference to SegmentSink::Accept, and
// reused for the worker's next buffer: a sink must copy whatever it keeps.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sscan::walk {

// The statx fields the schema needs, already converted to plain integers.
struct EntryStat {
  uint64_t size = 0;
  uint64_t inode = 0;
  uint64_t nlink = 0;
  uint64_t device = 0;  // makedev(major, minor), the same encoding as st_dev
  uint64_t blocks = 0;  // 512-byte units
  int64_t mtime = 0;    // whole seconds since the epoch (floor)
  int64_t atime = 0;
  int64_t ctime = 0;
  int64_t btime = 0;
  bool has_btime = false;
  uint32_t mode = 0;  // full st_mode (type and permission bits)
  uint32_t uid = 0;
  uint32_t gid = 0;
};

// A directory as the consumer sees it. Stable for the whole walk (owned by the walker).
struct DirInfo {
  uint64_t id = 0;             // unique within one walk (and its resume state)
  std::string_view path;       // absolute path, raw bytes, no trailing '/' (except "/")
  std::string_view top_level;  // first component below the root ('' for the root itself)
  uint32_t depth = 0;          // 0 for the root
  bool path_is_utf8 = true;    // whether `path` is valid UTF-8
};

struct Entry {
  // getdents position just after this entry: a consumer that publishes entries [0, i] can
  // resume the directory at entries[i].cookie.
  uint64_t cookie = 0;
  uint32_t name_offset = 0;  // into Segment::names
  uint32_t name_length = 0;
  uint32_t target_offset = 0;  // symlink target, into Segment::names
  uint32_t target_length = 0;
  bool has_target = false;     // readlink succeeded
  bool mount_skipped = false;  // a directory on another device, not entered (-x)
  EntryStat stat;
};

// A problem met while walking. The scan goes on; the consumer records it.
enum class ErrorOp : uint8_t { kOpen, kGetdents, kStatx, kReadlink, kStatTarget, kLoop, kRoot };
const char* ErrorOpName(ErrorOp op);

struct WalkError {
  std::string path;  // absolute path, raw bytes
  ErrorOp op = ErrorOp::kStatx;
  int error_number = 0;  // errno; 0 for a loop
  std::string detail;    // human-readable, e.g. the loop's target; empty for plain errno errors
  // How many of the segment's entries precede the problem: a consumer that publishes only the
  // first k entries of a segment publishes exactly the errors with entry_index <= k... those
  // met before entry k. Errors about the directory itself have entry_index 0.
  uint32_t entry_index = 0;
  bool vanished() const { return error_number == 2 /* ENOENT */ && op == ErrorOp::kStatx; }
};

// A subdirectory found in this segment that the walk will list later (its row is in this
// segment). Consumers that track resume state register it here.
struct ChildDir {
  uint64_t id = 0;
  uint32_t entry_index = 0;  // its row in `entries`
  uint64_t device = 0;
  uint64_t inode = 0;
};

// A symlink to a directory, deferred to a later round (only with --follow-symlinks).
struct DeferredLink {
  uint32_t entry_index = 0;
  uint64_t target_device = 0;
  uint64_t target_inode = 0;
};

struct Segment {
  enum class Kind : uint8_t {
    kRoot,     // exactly one entry: the scan root itself (dir = its parent, pseudo)
    kListing,  // entries of directory `dir`
    // --follow-symlinks: the decision on one symlink to a directory (`link_path`, an entry of
    // `dir`): either `children` holds the directory it leads to, or `errors` says why not.
    kLinkDecision,
  };
  Kind kind = Kind::kListing;
  DirInfo dir;
  uint32_t seq = 0;
  bool last = false;
  uint64_t resume_cookie = 0;
  uint32_t round = 0;     // --follow-symlinks round the directory belongs to
  std::string link_path;  // kLinkDecision only

  std::vector<Entry> entries;
  std::string names;  // name and symlink-target bytes of `entries`
  std::vector<WalkError> errors;
  std::vector<ChildDir> children;
  std::vector<DeferredLink> deferred_links;
  // Entries dropped by --exclude, each as the number of entries that precede it (see
  // WalkError::entry_index).
  std::vector<uint32_t> excluded_at;
  // Metadata system calls (open, getdents, statx, readlink) made for this segment: what
  // --max-rate limits and the progress log reports.
  uint32_t operations = 0;

  std::string_view name(const Entry& e) const {
    return {names.data() + e.name_offset, e.name_length};
  }
  std::string_view target(const Entry& e) const {
    return {names.data() + e.target_offset, e.target_length};
  }
  void Clear() {
    entries.clear();
    names.clear();
    errors.clear();
    children.clear();
    deferred_links.clear();
    excluded_at.clear();
    link_path.clear();
    operations = 0;
    last = false;
    resume_cookie = 0;
  }
};

}  // namespace sscan::walk
