#include "walk/exclude_filter.h"

namespace sscan::walk {
namespace {

bool HasGlobCharacters(std::string_view p) {
  return p.find_first_of("*?[") != std::string_view::npos;
}

// Matches a set starting at pattern[i] == '[' against character c. Returns the index just past
// the closing ']' and whether c is in the set. REQUIRES: the set is terminated.
size_t MatchSet(std::string_view p, size_t i, unsigned char c, bool* matched) {
  ++i;  // '['
  bool negate = false;
  if (i < p.size() && p[i] == '!') {
    negate = true;
    ++i;
  }
  bool found = false;
  bool first = true;
  while (i < p.size() && (first || p[i] != ']')) {
    first = false;
    unsigned char lo = static_cast<unsigned char>(p[i]);
    if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
      unsigned char hi = static_cast<unsigned char>(p[i + 2]);
      if (lo <= c && c <= hi) found = true;
      i += 3;
    } else {
      if (lo == c) found = true;
      ++i;
    }
  }
  *matched = found != negate;
  return i + 1;  // past ']'
}

// Index just past the set starting at p[i] == '[', or npos when it is not terminated.
size_t SetEnd(std::string_view p, size_t i) {
  ++i;
  if (i < p.size() && p[i] == '!') ++i;
  if (i < p.size() && p[i] == ']') ++i;  // a leading ']' is a member
  size_t close = p.find(']', i);
  return close == std::string_view::npos ? close : close + 1;
}

}  // namespace

bool GlobMatch(std::string_view p, std::string_view t) {
  // Iterative matcher with single-star backtracking: linear in practice, no recursion depth.
  size_t pi = 0, ti = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (ti < t.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star_p = ++pi;
      star_t = ti;
      continue;
    }
    if (pi < p.size()) {
      if (p[pi] == '?') {
        ++pi;
        ++ti;
        continue;
      }
      if (p[pi] == '[') {
        bool in = false;
        size_t next = MatchSet(p, pi, static_cast<unsigned char>(t[ti]), &in);
        if (in) {
          pi = next;
          ++ti;
          continue;
        }
      } else if (p[pi] == t[ti]) {
        ++pi;
        ++ti;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p;
    ti = ++star_t;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

Status ValidatePattern(std::string_view p) {
  if (p.empty()) return Status::Error("empty --exclude pattern");
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] != '[') continue;
    size_t end = SetEnd(p, i);
    if (end == std::string_view::npos) {
      return Status::Error("--exclude pattern '" + std::string(p) +
                           "' has a '[' without its ']' (write [[] for a literal '[')");
    }
    i = end - 1;
  }
  return Status::Ok();
}

std::vector<std::string> ParsePatternFile(std::string_view contents) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= contents.size()) {
    size_t nl = contents.find('\n', start);
    if (nl == std::string_view::npos) nl = contents.size();
    std::string_view line = contents.substr(start, nl - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.remove_suffix(1);
    }
    if (!line.empty() && line.front() != '#') out.emplace_back(line);
    start = nl + 1;
  }
  return out;
}

Result<ExcludeFilter> ExcludeFilter::Create(const std::vector<std::string>& patterns) {
  ExcludeFilter f;
  for (const std::string& p : patterns) {
    if (Status s = ValidatePattern(p); !s.ok()) return s;
    if (p.find('/') != std::string::npos) {
      f.path_patterns_.push_back(p);
    } else if (!HasGlobCharacters(p)) {
      f.literal_names_.insert(p);
    } else {
      f.name_patterns_.push_back(p);
    }
  }
  return f;
}

bool ExcludeFilter::Excluded(std::string_view name, std::string_view relative_path) const {
  if (!literal_names_.empty() && literal_names_.count(std::string(name))) return true;
  for (const std::string& p : name_patterns_) {
    if (GlobMatch(p, name)) return true;
  }
  for (const std::string& p : path_patterns_) {
    if (GlobMatch(p, relative_path)) return true;
  }
  return false;
}

}  // namespace sscan::walk
