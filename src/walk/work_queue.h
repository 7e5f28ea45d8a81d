// work_queue.h — the walk's shared work: directories to list, and listings to continue.
//
// Two lists behind one mutex:
//   * new directories, taken last-in first-out, so the walk goes depth-first and the frontier
//     (the directories known but not yet listed) stays small on any tree;
//   * continuations of directories already being read (their descriptor is open and
//     positioned), taken first, so one enormous directory is read by one worker while the
//     statx calls of its buffers spread over all the others, and its descriptor is not held
//     open longer than needed.
// `outstanding` counts tasks queued or running; the walk is idle when it drops to zero.
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
};

class WorkQueue {
 public:
  void Push(Task task);
  void PushContinuation(Task task);
  // Blocks until a task is available (true) or the queue is closed (false).
  bool Pop(Task* task);
  // Marks one popped task as finished.
  void Done();
  // Blocks until no task is queued or running, or the queue is closed.
  void WaitIdle();
  // Wakes every waiter; Pop returns false from now on. Idempotent.
  void Close();
  // After Close() and once no worker runs: the tasks that were still queued (or pushed since).
  std::vector<Task> TakeRemaining();

  size_t queued() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable work_available_;
  std::condition_variable idle_;
  std::vector<Task> stack_;
  std::deque<Task> continuations_;
  size_t outstanding_ = 0;
  bool closed_ = false;
};

}  // namespace sscan::walk
