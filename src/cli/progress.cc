#include "cli/progress.h"

#include <spdlog/spdlog.h>

#include <cstdio>

namespace sscan::cli {

ProgressReporter::ProgressReporter(std::function<std::string(double)> line, bool terminal,
                                   std::chrono::milliseconds log_interval)
    : line_(std::move(line)),
      terminal_(terminal),
      interval_(terminal ? std::chrono::milliseconds(250) : log_interval) {}

ProgressReporter::~ProgressReporter() { Stop(); }

void ProgressReporter::Start() {
  start_ = std::chrono::steady_clock::now();
  thread_ = std::thread([this] { Run(); });
}

void ProgressReporter::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stop_ || !thread_.joinable()) return;
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  if (terminal_) std::fputs("\r\x1b[K", stderr);
}

void ProgressReporter::Run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stop_; })) {
    double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::string text = line_(elapsed);
    if (terminal_) {
      std::fprintf(stderr, "\r\x1b[K%s", text.c_str());
      std::fflush(stderr);
    } else {
      spdlog::info("progress: {}", text);
    }
  }
}

std::string WithThousands(uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    // A separator before every group of three counted from the right.
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string HumanBytes(uint64_t n) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 6) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, kUnits[u]);
  return buf;
}

std::string HumanDuration(double seconds) {
  auto s = static_cast<uint64_t>(seconds);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%llu:%02llu:%02llu", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned long long>(s / 60 % 60),
                  static_cast<unsigned long long>(s % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%llu:%02llu", static_cast<unsigned long long>(s / 60),
                  static_cast<unsigned long long>(s % 60));
  }
  return buf;
}

}  // namespace sscan::cli
