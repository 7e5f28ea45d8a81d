// progress.h — a live progress line on a terminal, a log line every few seconds otherwise.
//
// On a terminal the line on stderr is redrawn a few times a second; under Slurm (stderr is a
// file) one log line is written every `log_interval`, so a job's log shows how far it got and
// how fast. The line's text comes from a callback, so the reporter knows nothing of scans.
//
// Thread safety: Start/Stop from one thread; the callback runs on the reporter's thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace sscan::cli {

class ProgressReporter {
 public:
  // `line(elapsed_seconds)` returns the current progress text.
  ProgressReporter(std::function<std::string(double)> line, bool terminal,
                   std::chrono::milliseconds log_interval);
  ~ProgressReporter();
  void Start();
  void Stop();  // clears the terminal line

 private:
  void Run();
  std::function<std::string(double)> line_;
  const bool terminal_;
  const std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

// 1234567 -> "1,234,567"
std::string WithThousands(uint64_t n);
// 1536 -> "1.5 KiB"
std::string HumanBytes(uint64_t n);
// 75.5 -> "1:15"
std::string HumanDuration(double seconds);

}  // namespace sscan::cli
