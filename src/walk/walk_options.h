// walk_options.h — what a walk does, decided before it starts.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace sscan::walk {

class RateLimiter;

// Decides, per entry, whether it is left out of the walk entirely (no row, not descended).
// Called from worker threads concurrently: implementations must be thread-safe (const).
class EntryFilter {
 public:
  virtual ~EntryFilter() = default;
  // `relative_path` is the entry's path below the root ("a/b/name"), raw bytes.
  // `needs_relative_path()` false lets the walker skip building it.
  virtual bool Excluded(std::string_view name, std::string_view relative_path) const = 0;
  virtual bool needs_relative_path() const = 0;
};

struct WalkOptions {
  std::string root;                   // absolute, lexically normalised path of the scan root
  unsigned threads = 1;               // worker threads issuing syscalls
  std::optional<uint32_t> max_depth;  // keep entries with depth <= max_depth
  bool follow_symlinks = false;
  bool one_file_system = false;  // do not descend into other devices than the root's
  // 32 KiB (glibc's readdir buffer): ~800 entries a call, so a system call per buffer costs
  // nothing next to a statx per entry. Each worker holds two buffers and a segment of one
  // buffer's entries; 64 KiB measured no faster and cost ~0.1 MB more per thread.
  size_t getdents_buffer_size = 32 * 1024;
  // Directories found and not yet started above which the reading of a directory that adds
  // more waits (see work_queue.h): what keeps one very wide directory from holding all of its
  // subdirectories in memory at once.
  size_t frontier_budget = 4096;
  // Upper bound on open directory descriptors kept for later openat() calls; 0 = derive from
  // RLIMIT_NOFILE. Descriptors pinned by running work may exceed it briefly.
  unsigned fd_budget = 0;

  // The directory that will hold the output (device, inode) and a predicate on names in it:
  // the scanner never lists its own output or temporary files, even when they are inside the
  // scanned tree.
  std::optional<std::pair<uint64_t, uint64_t>> output_dir;
  std::function<bool(std::string_view name)> is_own_output;

  const EntryFilter* filter = nullptr;  // --exclude; may be null
  // Shard scans: whether a directory (path relative to the root, raw bytes) is a unit of the
  // shard plan, i.e. scanned by some shard on its own. A flat start directory
  // (ResumeDir::flat) lists such a subdirectory as a row and does not enter it; it enters
  // every other subdirectory (one created after the plan was made), so nothing is lost. Null:
  // a flat directory enters no subdirectory. Called from worker threads: must be thread-safe.
  std::function<bool(std::string_view relative_path)> claimed_by_plan;
  RateLimiter* rate_limiter = nullptr;  // --max-rate; may be null
};

}  // namespace sscan::walk
