#include "output/output_paths.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>

namespace sscan::output {
namespace {

std::string Absolute(const std::string& p) {
  if (!p.empty() && p.front() == '/') return p;
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof cwd) == nullptr) return p;
  std::string out(cwd);
  if (out != "/") out.push_back('/');
  out += p;
  return out;
}

bool ConsumePrefix(std::string_view* s, std::string_view prefix) {
  if (s->substr(0, prefix.size()) != prefix) return false;
  s->remove_prefix(prefix.size());
  return true;
}

// Consumes at least `min` ASCII digits.
bool ConsumeDigits(std::string_view* s, size_t min) {
  size_t n = 0;
  while (n < s->size() && (*s)[n] >= '0' && (*s)[n] <= '9') ++n;
  if (n < min) return false;
  s->remove_prefix(n);
  return true;
}

}  // namespace

OutputPaths::OutputPaths(const std::string& output, std::optional<uint32_t> shard) {
  std::string abs = Absolute(output);
  while (abs.size() > 1 && abs.back() == '/') abs.pop_back();
  size_t slash = abs.find_last_of('/');
  dir_ = slash == 0 ? "/" : abs.substr(0, slash);
  base_ = abs.substr(slash + 1);
  data_file_ = abs;
  base_stem_ = base_;
  constexpr std::string_view kExt = ".parquet";
  if (base_stem_.size() > kExt.size() &&
      base_stem_.compare(base_stem_.size() - kExt.size(), kExt.size(), kExt) == 0) {
    base_stem_.resize(base_stem_.size() - kExt.size());
  }
  stem_ = base_stem_;
  if (shard) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "_shard%04u", *shard);
    stem_ += buf;
  }
}

std::string OutputPaths::chunk_name(uint64_t number) const {
  char buf[48];
  std::snprintf(buf, sizeof buf, "_chunk_%04llu.parquet", static_cast<unsigned long long>(number));
  return stem_ + buf;
}

std::string OutputPaths::chunk_file(uint64_t number) const {
  return dir_ + "/" + chunk_name(number);
}

std::string OutputPaths::TempFor(const std::string& final_path) {
  size_t slash = final_path.find_last_of('/');
  std::string dir = final_path.substr(0, slash + 1);
  return dir + "." + final_path.substr(slash + 1) + ".tmp-" + std::to_string(getpid());
}

bool OutputPaths::IsOwnOutput(std::string_view name) const {
  if (name == base_) return true;
  std::string_view s = name;
  if (ConsumePrefix(&s, ".")) {
    // .STEM<anything>.tmp-PID: a file some scan of this output is still writing (or left
    // behind when it was killed).
    size_t tmp = s.rfind(".tmp-");
    if (tmp == std::string_view::npos || s.substr(0, base_stem_.size()) != base_stem_) return false;
    std::string_view pid = s.substr(tmp + 5);
    return ConsumeDigits(&pid, 1) && pid.empty();
  }
  if (!ConsumePrefix(&s, base_stem_)) return false;
  if (ConsumePrefix(&s, "_shard") && !ConsumeDigits(&s, 4)) return false;
  if (ConsumePrefix(&s, "_chunk_")) return ConsumeDigits(&s, 4) && s == ".parquet";
  return s == "_manifest.json" || s == "_errors.jsonl" || s == "_state.bin";
}

bool OutputPaths::IsStaleTemp(std::string_view name) const {
  if (name.empty() || name.front() != '.' || !IsOwnOutput(name)) return false;
  size_t tmp = name.rfind(".tmp-");
  if (!IsOwnOutput(name.substr(1, tmp - 1))) return false;
  // Only this scan's (this shard's) own files: shards of one plan share a directory, possibly
  // from several nodes, where a process id says nothing.
  std::string_view inner = name.substr(1, tmp - 1);
  bool mine =
      inner == base_ || (inner.substr(0, stem_.size()) == stem_ && inner.size() > stem_.size() &&
                         (inner[stem_.size()] == '_') && inner.substr(stem_.size(), 7) != "_shard");
  if (!mine) return false;
  long pid = std::strtol(std::string(name.substr(tmp + 5)).c_str(), nullptr, 10);
  if (pid <= 0 || pid > INT_MAX) return true;
  if (pid == getpid()) return false;
  // A writer that still runs here (the same scan started twice) keeps its file.
  return kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

}  // namespace sscan::output
