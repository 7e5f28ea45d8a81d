#include "output/error_records.h"

#include <spdlog/spdlog.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "common/utf8.h"

namespace sscan::output {
namespace {

std::string Describe(const walk::WalkError& e) {
  if (!e.detail.empty()) return e.detail;
  return std::strerror(e.error_number);
}

std::string Utf8Path(const std::string& raw) {
  if (IsValidUtf8(raw)) return raw;
  std::string s;
  AppendUtf8Replaced(&s, raw);
  return s;
}

}  // namespace

void AppendErrorRecord(const walk::WalkError& e, std::string* out) {
  nlohmann::ordered_json j;
  j["path"] = Utf8Path(e.path);
  if (!IsValidUtf8(e.path)) j["path_bytes_b64"] = Base64Encode(e.path);
  j["op"] = walk::ErrorOpName(e.op);
  j["errno"] = e.error_number;
  j["error"] = Describe(e);
  out->append(j.dump());
  out->push_back('\n');
}

ErrorLogger::ErrorLogger(std::string sidecar_path, unsigned first_n, std::chrono::seconds interval)
    : sidecar_(std::move(sidecar_path)), first_n_(first_n), interval_(interval) {}

void ErrorLogger::Log(const walk::WalkError& e) {
  std::lock_guard lock(mutex_);
  ++seen_;
  if (seen_ <= first_n_) {
    spdlog::warn("{} {}: {}", walk::ErrorOpName(e.op), Utf8Path(e.path), Describe(e));
    if (seen_ == first_n_) {
      spdlog::warn("further problems are counted and listed in {}", sidecar_);
      last_summary_ = std::chrono::steady_clock::now();
    }
    return;
  }
  ++unreported_;
  auto now = std::chrono::steady_clock::now();
  if (now - last_summary_ >= interval_) {
    spdlog::warn("{} more problems (listed in {})", unreported_, sidecar_);
    unreported_ = 0;
    last_summary_ = now;
  }
}

void ErrorLogger::Flush() {
  std::lock_guard lock(mutex_);
  if (unreported_ > 0) spdlog::warn("{} more problems (listed in {})", unreported_, sidecar_);
  unreported_ = 0;
}

}  // namespace sscan::output
