#include "walk/work_queue.h"

#include <utility>

namespace sscan::walk {

void WorkQueue::Push(Task task) {
  {
    std::lock_guard lock(mutex_);
    stack_.push_back(std::move(task));
    ++outstanding_;
  }
  work_available_.notify_one();
}

void WorkQueue::PushContinuation(Task task) {
  {
    std::lock_guard lock(mutex_);
    continuations_.push_back(std::move(task));
    ++outstanding_;
  }
  work_available_.notify_one();
}

bool WorkQueue::Pop(Task* task) {
  std::unique_lock lock(mutex_);
  work_available_.wait(lock, [&] { return closed_ || !stack_.empty() || !continuations_.empty(); });
  if (closed_) return false;
  if (!continuations_.empty()) {
    *task = std::move(continuations_.front());
    continuations_.pop_front();
  } else {
    *task = std::move(stack_.back());
    stack_.pop_back();
  }
  return true;
}

void WorkQueue::Done() {
  std::lock_guard lock(mutex_);
  if (--outstanding_ == 0) idle_.notify_all();
}

void WorkQueue::WaitIdle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return closed_ || outstanding_ == 0; });
}

void WorkQueue::Close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  work_available_.notify_all();
  idle_.notify_all();
}

std::vector<Task> WorkQueue::TakeRemaining() {
  std::lock_guard lock(mutex_);
  std::vector<Task> left = std::move(stack_);
  stack_.clear();
  for (auto& t : continuations_) left.push_back(std::move(t));
  continuations_.clear();
  outstanding_ = 0;
  return left;
}

size_t WorkQueue::queued() const {
  std::lock_guard lock(mutex_);
  return stack_.size() + continuations_.size();
}

}  // namespace sscan::walk
