#include "walk/fd_cache.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "walk/syscalls.h"

namespace sscan::walk {

FdCache::FdCache(size_t budget, bool noatime_as_root)
    : budget_(budget), privileged_(noatime_as_root), euid_(geteuid()) {}

FdCache::~FdCache() {
  // Nodes are destroyed (Forget) before the cache; anything left is closed here.
  for (DirNode* n = lru_head_; n != nullptr; n = n->lru_next) {
    if (n->fd >= 0) close(n->fd);
  }
}

size_t FdCache::open_count() const {
  std::lock_guard lock(mutex_);
  return open_;
}

int FdCache::OpenOne(DirNode* node, int parent_fd, bool verify) {
  // O_NOATIME is only granted to the owner or CAP_FOWNER; asking for it elsewhere costs a
  // refused system call per directory, so ask only where it can succeed.
  bool noatime = privileged_ || node->uid == euid_;
  int fd = node->is_root ? OpenRoot(node->path.c_str(), noatime)
                         : OpenDirectoryAt(parent_fd, node->path.c_str() + node->name_offset,
                                           noatime, node->via_symlink);
  if (fd == -EMFILE || fd == -ENFILE) {
    // Over the process limit despite the budget (descriptors pinned by running work, or the
    // limit lowered behind our back): give back every unpinned descriptor and try once more.
    {
      std::lock_guard lock(mutex_);
      while (lru_tail_ != nullptr) {
        DirNode* victim = lru_tail_;
        LruRemove(victim);
        close(victim->fd);
        victim->fd = -1;
        --open_;
      }
    }
    fd = node->is_root ? OpenRoot(node->path.c_str(), noatime)
                       : OpenDirectoryAt(parent_fd, node->path.c_str() + node->name_offset, noatime,
                                         node->via_symlink);
  }
  if (fd < 0 || !verify) return fd;
  // A reopened directory must be the one whose entries we were listing: one renamed away and
  // replaced by another since its first open is not. (A first open needs no check: it is
  // relative to the parent and O_NOFOLLOW, so whatever it finds is inside the root.)
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_dev != node->device || st.st_ino != node->inode) {
    close(fd);
    return -ESTALE;
  }
  return fd;
}

int FdCache::Acquire(DirNode* node) {
  std::unique_lock lock(mutex_);
  if (node->fd >= 0) {
    if (node->in_lru) LruRemove(node);
    ++node->pins;
    return node->fd;
  }
  // Reopen from the nearest ancestor that still has a descriptor, one component at a time.
  struct Step {
    DirNode* node;
    bool verify;  // read under the mutex: opened_before is cache state
  };
  std::vector<Step> chain;
  DirNode* base = node;
  while (base != nullptr && base->fd < 0) {
    chain.push_back({base, base->opened_before || base->is_root});
    base = base->parent;
  }
  if (base != nullptr) {
    if (base->in_lru) LruRemove(base);
    ++base->pins;
  }
  lock.unlock();

  std::reverse(chain.begin(), chain.end());  // open from the ancestor down
  DirNode* held = base;                      // pinned
  for (const Step& step : chain) {
    DirNode* next = step.node;
    int fd = OpenOne(next, held != nullptr ? held->fd : -1, step.verify);
    lock.lock();
    if (held != nullptr && --held->pins == 0) LruPushFront(held);
    if (fd < 0) {
      lock.unlock();
      return fd;
    }
    if (next->fd >= 0) {  // another thread opened it meanwhile
      close(fd);
      if (next->in_lru) LruRemove(next);
    } else {
      Install(next, fd);
    }
    ++next->pins;
    EvictOverBudget();
    lock.unlock();
    held = next;
  }
  return node->fd;
}

void FdCache::Release(DirNode* node) {
  std::lock_guard lock(mutex_);
  if (--node->pins == 0 && node->fd >= 0) {
    LruPushFront(node);
    EvictOverBudget();
  }
}

void FdCache::Forget(DirNode* node) {
  std::lock_guard lock(mutex_);
  if (node->fd < 0) return;
  if (node->in_lru) LruRemove(node);
  close(node->fd);
  node->fd = -1;
  --open_;
}

void FdCache::Install(DirNode* node, int fd) {
  node->fd = fd;
  node->opened_before = true;
  ++open_;
}

void FdCache::LruRemove(DirNode* node) {
  (node->lru_prev != nullptr ? node->lru_prev->lru_next : lru_head_) = node->lru_next;
  (node->lru_next != nullptr ? node->lru_next->lru_prev : lru_tail_) = node->lru_prev;
  node->lru_prev = node->lru_next = nullptr;
  node->in_lru = false;
}

void FdCache::LruPushFront(DirNode* node) {
  node->lru_prev = nullptr;
  node->lru_next = lru_head_;
  (lru_head_ != nullptr ? lru_head_->lru_prev : lru_tail_) = node;
  lru_head_ = node;
  node->in_lru = true;
}

void FdCache::EvictOverBudget() {
  while (open_ > budget_ && lru_tail_ != nullptr) {
    DirNode* victim = lru_tail_;
    LruRemove(victim);
    close(victim->fd);
    victim->fd = -1;
    --open_;
  }
}

size_t DefaultFdBudget(unsigned threads) {
  struct rlimit rl;
  size_t soft = 1024;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    // Many distributions ship a soft limit of 1024 under a much higher hard limit; raising it
    // is allowed and is what find/bfs do too.
    if (rl.rlim_cur < rl.rlim_max) {
      struct rlimit raised = rl;
      raised.rlim_cur = rl.rlim_max;
      if (setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
    }
    soft = rl.rlim_cur == RLIM_INFINITY ? 1 << 20 : static_cast<size_t>(rl.rlim_cur);
  }
  // Leave room for the output files, logs and the descriptors pinned by running work.
  size_t reserve = 16 + 3 * static_cast<size_t>(threads);
  size_t budget = soft > 2 * reserve ? soft - reserve : soft / 2;
  return std::clamp<size_t>(budget, 4, 4096);
}

}  // namespace sscan::walk
