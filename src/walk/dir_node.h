// dir_node.h — a directory the walk knows about and has not finished with.
//
// A DirNode exists from the moment its row is produced (as a child of its parent's listing)
// until it has been listed and every child directory has been opened. It keeps its parent
// alive (children open themselves relative to the parent's descriptor, and a descriptor that
// was evicted is reopened from the nearest open ancestor), so the nodes alive at any moment
// are the frontier plus its ancestors: small on any tree, never the whole tree.
//
// Ownership: reference counted. References are held by the node's pending task(s) and by each
// live child. The walker's Release() destroys a node (closing its descriptor through the
// FdCache) when the count reaches zero.
//
// Thread safety: immutable fields are set before the node is shared. `fd`, `pins` and the LRU
// links belong to FdCache and are guarded by its mutex. The emit fields are guarded by
// `emit_mutex`.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "walk/segment.h"
#include "walk/work_queue.h"

namespace sscan::walk {

struct DirNode;

// A finished segment waiting for an earlier segment of the same directory to be emitted first
// (consumers see each directory's segments in order; see Walker::EmitInOrder).
struct ParkedSegment {
  std::unique_ptr<Segment> segment;
  std::vector<DirNode*> children;  // nodes to schedule once the segment is emitted
};

struct DirNode {
  // --- immutable after creation ---
  DirNode* parent = nullptr;  // null for the root
  std::string path;           // absolute path, raw bytes
  uint32_t name_offset = 0;   // the last component is path.substr(name_offset)
  uint32_t depth = 0;
  uint64_t id = 0;
  uint64_t device = 0;
  uint64_t inode = 0;
  uint32_t uid = 0;    // owner, to decide whether O_NOATIME can be asked for
  uint32_t round = 0;  // --follow-symlinks round
  std::string top_level;
  bool path_is_utf8 = true;
  bool is_root = false;
  bool via_symlink = false;  // reached through a followed symlink: opened without O_NOFOLLOW
  bool flat = false;         // enter no subdirectory the plan claims (see ResumeDir::flat)
  // Where listing starts (resume): seek cookie and first sequence number.
  uint64_t start_cookie = 0;
  uint32_t start_seq = 0;

  std::atomic<uint32_t> refs{1};

  // --- FdCache state (guarded by FdCache's mutex) ---
  int fd = -1;
  uint32_t pins = 0;
  DirNode* lru_prev = nullptr;
  DirNode* lru_next = nullptr;
  bool in_lru = false;
  bool opened_before = false;

  // --- in-order emission (guarded by emit_mutex) ---
  std::mutex emit_mutex;
  uint32_t next_emit_seq = 0;
  std::map<uint32_t, ParkedSegment> parked;
  // Segments of this directory being stat'ed or parked. An enormous directory is read ahead
  // only while this stays under a limit; the next continuation waits here until a segment
  // is emitted, so parked segments (and their memory) stay bounded per directory.
  uint32_t in_flight = 0;
  std::unique_ptr<Task> held_continuation;

  std::string_view name() const { return std::string_view(path).substr(name_offset); }
  DirInfo info() const {
    DirInfo d;
    d.id = id;
    d.path = path;
    d.top_level = top_level;
    d.depth = depth;
    d.path_is_utf8 = path_is_utf8;
    return d;
  }
};

}  // namespace sscan::walk
