#include "common/adaptive_mutex.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace sscan {
namespace {

// More threads than cores, each taking the lock many times: spinning waiters and sleeping
// waiters must both see every other holder's writes (a lost increment = no exclusion).
TEST(AdaptiveMutexTest, ExcludesUnderContention) {
  AdaptiveMutex mu;
  int64_t counter = 0;  // guarded by mu; a plain int so a race would lose updates
  constexpr int kThreads = 16;
  constexpr int kIterations = 20'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIterations; ++i) {
        std::lock_guard lock(mu);
        ++counter;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(counter, int64_t{kThreads} * kIterations);
}

// A holder that keeps the lock far longer than the spin: the waiter gives up spinning, sleeps,
// and still gets the lock once it is released, not before.
TEST(AdaptiveMutexTest, WaiterSleepsPastTheSpinAndWakes) {
  AdaptiveMutex mu;
  std::atomic<bool> released{false};
  std::atomic<bool> acquired_early{false};
  mu.lock();
  std::thread waiter([&] {
    mu.lock();
    if (!released.load()) acquired_early = true;
    mu.unlock();
  });
  std::this_thread::sleep_for(std::chrono::nanoseconds(AdaptiveMutex::kSpinNanos) * 20);
  released = true;
  mu.unlock();
  waiter.join();
  EXPECT_FALSE(acquired_early.load());
}

// A waiter that finds the lock taken spins first only while spinning is on; with it off it
// sleeps at once, and either way it gets the lock once released. The lock is held until the
// waiter is about to take it and then until `until()` holds (at most 10 s): waiting for the
// spin itself, not for a fixed time, keeps a loaded machine (a waiter started late) from
// failing the test.
template <typename Until>
void WaitOnHeldLock(AdaptiveMutex* mu, Until until) {
  std::atomic<bool> released{false};
  std::atomic<bool> acquired_early{false};
  std::atomic<bool> locking{false};
  mu->lock();
  std::thread waiter([&] {
    locking = true;
    mu->lock();
    if (!released.load()) acquired_early = true;
    mu->unlock();
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!locking.load() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  std::this_thread::sleep_for(std::chrono::nanoseconds(AdaptiveMutex::kSpinNanos) * 4);
  while (!until() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  released = true;
  mu->unlock();
  waiter.join();
  EXPECT_FALSE(acquired_early.load());
}

TEST(AdaptiveMutexTest, SpinsOnlyWhileSpinningIsOn) {
  ASSERT_TRUE(AdaptiveMutex::spinning());  // the default
  AdaptiveMutex on;
  WaitOnHeldLock(&on, [&] { return on.spins() > 0; });
  EXPECT_EQ(on.spins(), 1U);

  AdaptiveMutex::SetSpinning(false);
  AdaptiveMutex off;
  WaitOnHeldLock(&off, [] { return true; });
  AdaptiveMutex::SetSpinning(true);
  EXPECT_EQ(off.spins(), 0U);

  AdaptiveMutex uncontended;
  uncontended.lock();
  uncontended.unlock();
  EXPECT_EQ(uncontended.spins(), 0U);
}

TEST(AdaptiveMutexTest, TryLockFailsWhileHeld) {
  AdaptiveMutex mu;
  ASSERT_TRUE(mu.try_lock());
  std::thread other([&] { EXPECT_FALSE(mu.try_lock()); });
  other.join();
  mu.unlock();
  EXPECT_TRUE(mu.try_lock());
  mu.unlock();
}

}  // namespace
}  // namespace sscan
