// rate_limiter.h — --max-rate: an upper bound on metadata operations per second, all threads
// together, so a daytime scan leaves the metadata servers responsive.
//
// Each operation reserves the next slot on a shared schedule spaced 1/rate apart and sleeps
// until its slot comes. The schedule never runs more than a small burst ahead of real time
// after an idle spell, so any window of W seconds sees at most rate * W + burst operations.
// With no limit set the walker holds no RateLimiter at all: zero cost.
//
// Thread safety: Acquire() may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

namespace sscan::walk {

class RateLimiter {
 public:
  explicit RateLimiter(uint64_t operations_per_second);
  // Blocks until `n` more operations fit under the rate.
  void Acquire(uint32_t n);
  uint64_t rate() const { return rate_; }
  // Operations granted so far (counted when each one may start).
  uint64_t granted() const { return granted_.load(std::memory_order_relaxed); }

 private:
  using Clock = std::chrono::steady_clock;
  const uint64_t rate_;
  const Clock::duration interval_;  // time one operation occupies
  const Clock::duration burst_;     // how far the schedule may lag behind now
  std::mutex mutex_;
  Clock::time_point next_;  // when the next operation may start
  std::atomic<uint64_t> granted_{0};
};

}  // namespace sscan::walk
