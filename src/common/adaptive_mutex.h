// adaptive_mutex.h — a mutex that spins before it sleeps, for short critical sections taken
// by many threads.
//
// The walker runs more threads than cores (cold and network filesystems want many requests in
// flight), so a thread that finds a std::mutex taken goes to sleep in futex() even when the
// holder is running on another core and will release it within a microsecond: a scan of 1M
// files made ~80,000 futex calls (and as many context switches), against ~2,000 for a plain
// walker.
//
// glibc's adaptive mutex spins too, but at most 100 tries by default, shorter than our
// critical sections: the sink's holds a directory's rows being appended (~60 ns a row). On a
// cached tree only as many workers as cores take tasks (walker.cc, "concurrency"); the others
// are parked, so a worker that sleeps on the lock leaves its core idle until the holder wakes
// it. On a warm 1.1M-entry scan on 2 cores, ~700 such sleeps kept a core idle ~4% of the time
// (ref_walk: under 1%). lock() therefore retries for up to kSpinNanos, pausing between tries,
// before it sleeps: long enough for a typical directory's append, short enough that a holder
// descheduled on a busy machine costs its waiters little.
//
// Spinning pays only while waiters would otherwise leave cores idle. While the walker runs all
// its workers (a cold tree: more threads than cores, most asleep in I/O), a waiter that sleeps
// hands its core to another worker, and a holder is often the thread descheduled: a cold
// 1.1M-entry scan on 2 cores spun ~90 ms of CPU, a fifth of the spins running the full 50 µs
// and sleeping anyway. The walker therefore turns spinning off for the process while all its
// workers are active (SetSpinning), and on again when only as many as cores run.
//
// Thread safety: it is a mutex. Meets BasicLockable/Lockable (std::lock_guard,
// std::unique_lock); not usable with std::condition_variable (use condition_variable_any).
#pragma once

#include <pthread.h>
#include <time.h>

#include <atomic>
#include <cstdint>

namespace sscan {

class AdaptiveMutex {
 public:
  // How long lock() spins before it sleeps.
  static constexpr int64_t kSpinNanos = 50'000;

  // Whether lock() spins before it sleeps, for every AdaptiveMutex of the process (on until
  // turned off). Either way it is a mutex; only the waiting differs.
  static void SetSpinning(bool on) { spinning_.store(on, std::memory_order_relaxed); }
  static bool spinning() { return spinning_.load(std::memory_order_relaxed); }

  AdaptiveMutex() {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
    pthread_mutex_init(&mutex_, &attr);
    pthread_mutexattr_destroy(&attr);
  }
  ~AdaptiveMutex() { pthread_mutex_destroy(&mutex_); }
  AdaptiveMutex(const AdaptiveMutex&) = delete;
  AdaptiveMutex& operator=(const AdaptiveMutex&) = delete;

  void lock() {
    if (pthread_mutex_trylock(&mutex_) == 0) return;
    if (spinning()) {
      spins_.fetch_add(1, std::memory_order_relaxed);
      if (SpinUntilLocked()) return;
    }
    pthread_mutex_lock(&mutex_);
  }
  bool try_lock() { return pthread_mutex_trylock(&mutex_) == 0; }
  void unlock() { pthread_mutex_unlock(&mutex_); }
  // How many lock() calls found it taken and spun (for tests and diagnostics).
  uint64_t spins() const { return spins_.load(std::memory_order_relaxed); }

 private:
  static int64_t NowNanos() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
  }
  static void Pause() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
  }
  // Retries the lock for up to kSpinNanos; true once it is held.
  bool SpinUntilLocked() {
    const int64_t deadline = NowNanos() + kSpinNanos;
    while (true) {
      for (int i = 0; i < 32; ++i) Pause();  // a few hundred ns between tries and clock reads
      if (pthread_mutex_trylock(&mutex_) == 0) return true;
      if (NowNanos() >= deadline) return false;
    }
  }

  static inline std::atomic<bool> spinning_{true};
  pthread_mutex_t mutex_;
  std::atomic<uint64_t> spins_{0};
};

}  // namespace sscan
