#include "walk/rate_limiter.h"

#include <algorithm>
#include <thread>

namespace sscan::walk {

RateLimiter::RateLimiter(uint64_t operations_per_second)
    : rate_(std::max<uint64_t>(operations_per_second, 1)),
      interval_(std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(1000000000) /
                                                            rate_)),
      // 10 ms worth of operations: enough to absorb scheduling jitter, far below the 10%
      // tolerance of any window of a second or more.
      burst_(std::chrono::milliseconds(10)),
      next_(Clock::now()) {}

void RateLimiter::Acquire(uint32_t n) {
  Clock::time_point slot;
  {
    std::lock_guard lock(mutex_);
    Clock::time_point now = Clock::now();
    // After an idle spell do not bank more than `burst_` of unused capacity.
    if (next_ < now - burst_) next_ = now - burst_;
    slot = next_;
    next_ += interval_ * n;
  }
  if (slot > Clock::now()) std::this_thread::sleep_until(slot);
  granted_.fetch_add(n, std::memory_order_relaxed);
}

}  // namespace sscan::walk
