// fd_cache.h — open directory descriptors under a budget.
//
// Every directory is opened relative to its parent's descriptor (openat + O_NOFOLLOW), never by
// a path string: that is what keeps a symlink swapped in for a directory from leading the scan
// out of its root, and what makes paths longer than PATH_MAX work. So a parent's descriptor
// must be available when a child is opened — but keeping every one open would exhaust
// RLIMIT_NOFILE on a wide tree. The cache keeps descriptors of unpinned directories in LRU
// order and closes the oldest when more than `budget` are open; a directory needed again is
// reopened one component at a time from its nearest open ancestor and checked (device, inode)
// to be the directory it was.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <cstddef>
#include <mutex>

#include "common/adaptive_mutex.h"
#include "walk/dir_node.h"

namespace sscan::walk {

class FdCache {
 public:
  FdCache(size_t budget, bool noatime_as_root);
  ~FdCache();
  FdCache(const FdCache&) = delete;
  FdCache& operator=(const FdCache&) = delete;

  // Returns an open descriptor of `node`, pinned (not closed) until Release(node); or -errno.
  // ENOENT/ENOTDIR/ELOOP mean the directory vanished or was replaced since it was seen;
  // ESTALE that a reopened directory is no longer the same one.
  int Acquire(DirNode* node);
  void Release(DirNode* node);
  // Closes the node's descriptor, if any. REQUIRES: not pinned; the node is being destroyed.
  void Forget(DirNode* node);

  size_t open_count() const;
  size_t budget() const { return budget_; }

 private:
  int OpenOne(DirNode* node, int parent_fd, bool verify);
  void Install(DirNode* node, int fd);  // REQUIRES: mutex_ held
  void LruRemove(DirNode* node);        // REQUIRES: mutex_ held
  void LruPushFront(DirNode* node);     // REQUIRES: mutex_ held
  // Takes descriptors over the budget out of the cache; the caller closes them once the
  // mutex is released (CloseAll).
  struct Closing {
    int fds[8];
    int count = 0;
  };
  void EvictOverBudget(Closing* out);  // REQUIRES: mutex_ held
  static void CloseAll(const Closing& c);

  const size_t budget_;
  const bool privileged_;  // O_NOATIME allowed for every directory (root / CAP_FOWNER)
  const unsigned euid_;
  mutable AdaptiveMutex mutex_;  // held for list updates only: every close() is outside it
  size_t open_ = 0;
  DirNode* lru_head_ = nullptr;  // most recently released
  DirNode* lru_tail_ = nullptr;
};

// The descriptor budget derived from RLIMIT_NOFILE (raised to its hard limit first).
size_t DefaultFdBudget(unsigned threads);

}  // namespace sscan::walk
