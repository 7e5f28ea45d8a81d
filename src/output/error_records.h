// error_records.h — the error sidecar's lines, and the rate-limited log of problems.
//
// Every problem met during a scan (permission denied, an entry that vanished, a loop, ...)
// becomes one JSON line in STEM_errors.jsonl:
//   {"path": "/abs/path", "op": "open", "errno": 13, "error": "Permission denied"}
// plus "path_bytes_b64" (the exact bytes, base64) when the path is not valid UTF-8. The op is
// one of open, getdents, statx, readlink, stat_target, loop, root; errno is 0 for a loop.
// The sidecar is what tells an administrator exactly what a snapshot misses.
//
// Thread safety: FormatErrorRecord is pure; ErrorLogger may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "walk/segment.h"

namespace sscan::output {

// Appends the record's JSON line (ending in '\n') to `out`.
void AppendErrorRecord(const walk::WalkError& error, std::string* out);

// Logs problems on stderr without flooding it: the first few one by one, then one summary
// line at most every few seconds ("N more problems; see the sidecar").
class ErrorLogger {
 public:
  explicit ErrorLogger(std::string sidecar_path, unsigned first_n = 10,
                       std::chrono::seconds interval = std::chrono::seconds(10));
  void Log(const walk::WalkError& error);
  // Logs the count not yet reported, if any.
  void Flush();

 private:
  const std::string sidecar_;
  const unsigned first_n_;
  const std::chrono::seconds interval_;
  std::mutex mutex_;
  uint64_t seen_ = 0;
  uint64_t unreported_ = 0;
  std::chrono::steady_clock::time_point last_summary_;
};

}  // namespace sscan::output
