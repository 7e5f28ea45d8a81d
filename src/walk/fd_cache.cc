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
  // Usually the chain is the node alone (a first open, its parent open): no allocation.
  struct Step {
    DirNode* node;
    bool verify;  // read under the mutex: opened_before is cache state
  };
  constexpr size_t kInline = 16;
  Step inline_chain[kInline];
  std::vector<Step> long_chain;
  size_t length = 0;
  DirNode* base = node;
  while (base != nullptr && base->fd < 0) {
    const Step step{base, base->opened_before || base->is_root};
    if (length < kInline) {
      inline_chain[length] = step;
    } else {
      if (long_chain.empty()) long_chain.assign(inline_chain, inline_chain + kInline);
      long_chain.push_back(step);
    }
    ++length;
    base = base->parent;
  }
  const Step* chain = length <= kInline ? inline_chain : long_chain.data();
  if (base != nullptr) {
    if (base->in_lru) LruRemove(base);
    ++base->pins;
  }
  lock.unlock();

  DirNode* held = base;                // pinned
  for (size_t i = length; i-- > 0;) {  // from the ancestor down
    DirNode* next = chain[i].node;
    int fd = OpenOne(next, held != nullptr ? held->fd : -1, chain[i].verify);
    Closing closing;
    lock.lock();
    if (held != nullptr && --held->pins == 0) LruPushFront(held);
    if (fd < 0) {
      lock.unlock();
      return fd;
    }
    if (next->fd >= 0) {  // another thread opened it meanwhile
      closing.fds[closing.count++] = fd;
      if (next->in_lru) LruRemove(next);
    } else {
      Install(next, fd);
    }
    ++next->pins;
    EvictOverBudget(&closing);
    lock.unlock();
    CloseAll(closing);
    held = next;
  }
  return node->fd;
}

void FdCache::Release(DirNode* node) {
  Closing closing;
  {
    std::lock_guard lock(mutex_);
    if (--node->pins == 0 && node->fd >= 0) {
      LruPushFront(node);
      EvictOverBudget(&closing);
    }
  }
  CloseAll(closing);
}

void FdCache::Forget(DirNode* node) {
  int fd;
  {
    std::lock_guard lock(mutex_);
    if (node->fd < 0) return;
    if (node->in_lru) LruRemove(node);
    fd = node->fd;
    node->fd = -1;
    --open_;
  }
  close(fd);
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

void FdCache::EvictOverBudget(Closing* out) {
  // A few at a time (one, as a rule: each Install adds one); the next call takes the rest.
  constexpr int kMax = static_cast<int>(sizeof out->fds / sizeof out->fds[0]);
  while (open_ > budget_ && lru_tail_ != nullptr && out->count < kMax) {
    DirNode* victim = lru_tail_;
    LruRemove(victim);
    out->fds[out->count++] = victim->fd;
    victim->fd = -1;
    --open_;
  }
}

void FdCache::CloseAll(const Closing& c) {
  for (int i = 0; i < c.count; ++i) close(c.fds[i]);
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
