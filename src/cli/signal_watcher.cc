#include "cli/signal_watcher.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <ctime>

#include "cli/exit_codes.h"

namespace sscan::cli {
namespace {

sigset_t StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

SignalWatcher::~SignalWatcher() { Uninstall(); }

void SignalWatcher::BlockStopSignals() {
  sigset_t set = StopSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void SignalWatcher::Install(std::function<void()> on_first_signal) {
  on_signal_ = std::move(on_first_signal);
  sigset_t set = StopSignals();
  thread_ = std::thread([this, set] {
    const timespec tick{0, 200 * 1000 * 1000};
    while (!done_.load()) {
      int sig = sigtimedwait(&set, nullptr, &tick);
      if (sig <= 0) continue;
      if (received_.load() != 0) {
        // A second signal: the user means it. Temporary files are left under hidden names and
        // removed by the next run; published chunks and the manifest are always consistent.
        _exit(sig == SIGINT ? kExitInterrupted : kExitTerminated);
      }
      received_.store(sig);
      spdlog::warn("{} received: stopping (a second signal stops at once)",
                   sig == SIGINT ? "SIGINT" : "SIGTERM");
      if (on_signal_) on_signal_();
    }
  });
}

void SignalWatcher::Uninstall() {
  if (!thread_.joinable()) return;
  done_.store(true);
  thread_.join();
}

}  // namespace sscan::cli
