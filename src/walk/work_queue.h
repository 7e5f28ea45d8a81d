// work_queue.h — the walk's shared work: directories to list, and listings to continue.
//
// Two lists behind one mutex:
//   * new directories (the frontier: found, not yet started), taken last-in first-out, so the
//     walk goes depth-first and the frontier stays small on any tree;
//   * continuations of directories already being read (their descriptor is open and
//     positioned), taken first, so one enormous directory is read by one worker while the
//     statx calls of its buffers spread over all the others, and its descriptor is not held
//     open longer than needed.
// Depth-first order alone does not keep the frontier small under one very wide directory:
// reading it to the end first would make every one of its subdirectories a frontier entry at
// once (a directory of a million subdirectories, a million nodes). So a continuation whose
// buffer holds subdirectories is held back while the frontier is above its budget, and let go
// as workers drain the frontier: the frontier stays near the budget plus what the buffers in
// hand add, whatever the width of the tree. A continuation that adds no directory (a huge
// flat directory) is never held.
// `outstanding` counts tasks queued, held or running; the walk is idle when it drops to zero.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

namespace sscan::walk {

struct DirNode;

struct DirentBuffer {
  std::unique_ptr<char[]> bytes;
  size_t capacity = 0;
  size_t length = 0;  // bytes of records read into it
  explicit DirentBuffer(size_t size) : bytes(new char[size]), capacity(size) {}
};

struct Task {
  DirNode* dir = nullptr;  // holds one reference
  uint32_t seq = 0;
  // A continuation holds a pin on dir's descriptor and the records already read from it.
  bool continuation = false;
  std::unique_ptr<DirentBuffer> lookahead;
  // A continuation whose records include subdirectories the walk will enter: running it
  // grows the frontier, so it waits while the frontier is over budget.
  bool adds_directories = false;
};

class WorkQueue {
 public:
  // `frontier_budget`: directories in the frontier above which continuations that add
  // directories are held (WalkOptions::frontier_budget). A few thousand keep every worker
  // busy and cost about a megabyte of DirNodes.
  // At most this many continuations are held at once (each pins a descriptor and a buffer):
  // one wide directory needs one; beyond it, depth-first order bounds the frontier anyway.
  static constexpr size_t kMaxHeld = 4;
  explicit WorkQueue(size_t frontier_budget) : frontier_budget_(frontier_budget) {}

  void Push(Task task);
  // Held back (but counted as outstanding) when task.adds_directories and the frontier is
  // over budget; released by Pop as the frontier drains.
  void PushContinuation(Task task);
  // Blocks until a task is available (true) or the queue is closed (false). Worker number
  // `worker` (0, 1, ...) waits without taking tasks while it is at or above the active limit.
  bool Pop(Task* task, unsigned worker = 0);
  // How many workers (the lowest-numbered) take tasks; the others wait in Pop. Unlimited by
  // default. The walker lowers it to the number of cores while its system calls do not block
  // (cached metadata: more workers than cores only take turns), and raises it again when they
  // do (I/O: more requests in flight are what makes it faster).
  void SetActiveLimit(unsigned limit);
  unsigned active_limit() const;
  // Marks one popped task as finished.
  void Done();
  // Blocks until no task is queued or running, or the queue is closed.
  void WaitIdle();
  // Wakes every waiter; Pop returns false from now on. Idempotent.
  void Close();
  // After Close() and once no worker runs: the tasks that were still queued (or pushed since).
  std::vector<Task> TakeRemaining();

  size_t queued() const;
  size_t frontier() const;       // directories waiting to be started
  size_t peak_frontier() const;  // the most there ever were
  size_t held() const;           // continuations held back for the frontier's sake

 private:
  void ReleaseHeld();  // REQUIRES: mutex_ held

  const size_t frontier_budget_;
  mutable std::mutex mutex_;
  std::condition_variable work_available_;
  std::condition_variable parked_;  // workers at or above the active limit
  unsigned active_limit_ = ~0U;
  std::condition_variable idle_;
  std::vector<Task> stack_;
  std::deque<Task> continuations_;
  std::deque<Task> held_;
  size_t outstanding_ = 0;
  size_t peak_frontier_ = 0;
  bool closed_ = false;
};

}  // namespace sscan::walk
