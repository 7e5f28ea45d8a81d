#include "walk/work_queue.h"

#include <algorithm>
#include <utility>

namespace sscan::walk {

void WorkQueue::Push(Task task) {
  {
    std::lock_guard lock(mutex_);
    stack_.push_back(std::move(task));
    peak_frontier_ = std::max(peak_frontier_, stack_.size());
    ++outstanding_;
  }
  work_available_.notify_one();
}

void WorkQueue::PushContinuation(Task task) {
  {
    std::lock_guard lock(mutex_);
    ++outstanding_;
    if (task.adds_directories && stack_.size() > frontier_budget_ && held_.size() < kMaxHeld) {
      held_.push_back(std::move(task));
      return;  // nothing new to take
    }
    continuations_.push_back(std::move(task));
  }
  work_available_.notify_one();
}

void WorkQueue::ReleaseHeld() {
  // One at a time: each released continuation adds up to a buffer's worth of directories.
  if (!held_.empty() && stack_.size() <= frontier_budget_) {
    continuations_.push_back(std::move(held_.front()));
    held_.pop_front();
  }
}

bool WorkQueue::Pop(Task* task, unsigned worker) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (closed_) return false;
    if (worker >= active_limit_) {
      // Not this worker's turn. If a push woke it, wake another in its place: one below the
      // limit may be waiting for that very task.
      if (!stack_.empty() || !continuations_.empty()) work_available_.notify_one();
      parked_.wait(lock);
      continue;
    }
    if (!continuations_.empty()) {
      *task = std::move(continuations_.front());
      continuations_.pop_front();
      return true;
    }
    if (!stack_.empty()) {
      *task = std::move(stack_.back());
      stack_.pop_back();
      ReleaseHeld();
      if (!continuations_.empty()) work_available_.notify_one();
      return true;
    }
    if (!held_.empty()) {
      ReleaseHeld();  // the frontier is empty: nothing left to hold it for
      continue;
    }
    work_available_.wait(lock);
  }
}

void WorkQueue::Done() {
  std::lock_guard lock(mutex_);
  if (--outstanding_ == 0) idle_.notify_all();
}

void WorkQueue::WaitIdle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return closed_ || outstanding_ == 0; });
}

void WorkQueue::SetActiveLimit(unsigned limit) {
  limit = std::max(1U, limit);
  {
    std::lock_guard lock(mutex_);
    if (limit == active_limit_) return;
    active_limit_ = limit;
  }
  // Raised: parked workers may start. Lowered: waiting workers above it move to parked_.
  parked_.notify_all();
  work_available_.notify_all();
}

unsigned WorkQueue::active_limit() const {
  std::lock_guard lock(mutex_);
  return active_limit_;
}

void WorkQueue::Close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  work_available_.notify_all();
  parked_.notify_all();
  idle_.notify_all();
}

std::vector<Task> WorkQueue::TakeRemaining() {
  std::lock_guard lock(mutex_);
  std::vector<Task> left = std::move(stack_);
  stack_.clear();
  for (auto& t : continuations_) left.push_back(std::move(t));
  continuations_.clear();
  for (auto& t : held_) left.push_back(std::move(t));
  held_.clear();
  outstanding_ = 0;
  return left;
}

size_t WorkQueue::queued() const {
  std::lock_guard lock(mutex_);
  return stack_.size() + continuations_.size() + held_.size();
}

size_t WorkQueue::frontier() const {
  std::lock_guard lock(mutex_);
  return stack_.size();
}

size_t WorkQueue::peak_frontier() const {
  std::lock_guard lock(mutex_);
  return peak_frontier_;
}

size_t WorkQueue::held() const {
  std::lock_guard lock(mutex_);
  return held_.size();
}

}  // namespace sscan::walk
