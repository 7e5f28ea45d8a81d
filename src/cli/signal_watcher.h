// signal_watcher.h — SIGINT and SIGTERM become a clean stop, not a torn file.
//
// BlockStopSignals() must run before any other thread exists, so every thread inherits the
// mask and no signal can kill the process uncleanly; Install() then starts one thread that
// waits for them with sigtimedwait. The
// first signal calls the stop callback: the walk winds down, incremental mode publishes what it
// has and updates its manifest, and the process exits 130 (SIGINT) or 143 (SIGTERM) so a Slurm
// script can tell "interrupted, resume me" from "broken". A second signal exits at once.
//
// Thread safety: Install/Uninstall from the main thread; received() from any.
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

  static void BlockStopSignals();
  void Install(std::function<void()> on_first_signal);
  void Uninstall();
  // 0 when no signal arrived, else the signal number.
  int received() const { return received_.load(); }

 private:
  std::thread thread_;
  std::atomic<bool> done_{false};
  std::atomic<int> received_{0};
  std::function<void()> on_signal_;
};

}  // namespace sscan::cli
