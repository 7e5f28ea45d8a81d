// signal_watcher.h — SIGINT and SIGTERM become a clean stop, not a torn file.
//
// InstallHandlers() runs first thing in main(): a sigaction handler records the first signal
// and wakes the watcher through a self-pipe (async-signal-safe: one atomic store, one write).
// A handler, unlike a blocked signal mask, works whichever thread the kernel picks to deliver
// the signal — including threads that exist before main(), as sanitizer runtimes start.
// Install() starts the thread that turns the recorded signal into a stop request: the walk
// winds down, incremental mode publishes what it has, and the process exits 130 (SIGINT) or
// 143 (SIGTERM) so a Slurm script can tell "interrupted, resume me" from "broken". A second
// signal exits at once from the handler.
//
// Thread safety: InstallHandlers/Install/Uninstall from the main thread; received() from any.
#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace sscan::cli {

class SignalWatcher {
 public:
  SignalWatcher() = default;
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  // Records SIGINT/SIGTERM from now on instead of dying (idempotent).
  static void InstallHandlers();
  // Back to the default action (for commands that need no clean stop).
  static void RestoreDefaults();

  // Starts watching: `on_first_signal` runs on the watcher's thread, once, also for a signal
  // that arrived before Install().
  void Install(std::function<void()> on_first_signal);
  void Uninstall();
  // 0 when no signal arrived, else the signal number.
  static int received();

 private:
  std::thread thread_;
  std::atomic<bool> done_{false};
  std::function<void()> on_signal_;
};

}  // namespace sscan::cli
