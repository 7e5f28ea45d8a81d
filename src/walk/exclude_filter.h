// exclude_filter.h — --exclude / --exclude-from: leave entries out of the scan by glob.
//
// A pattern without '/' is matched against the entry's name; a pattern with '/' against its
// path relative to the scan root ("a/b/name"). An excluded directory is neither listed nor
// entered. Glob syntax is that of Python's fnmatch.fnmatchcase, so an analyst can check a
// snapshot with a few lines of Python: '*' any run of characters (also '/'), '?' one
// character, '[seq]' / '[!seq]' a set (ranges allowed, ']' first is literal); no backslash
// escapes — write [*], [?] or [[] for a literal *, ? or [. Matching is on raw bytes.
//
// Thread safety: immutable after Create; Excluded() may be called from any thread.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/status.h"
#include "walk/walk_options.h"

namespace sscan::walk {

// Whether `text` matches `pattern` (REQUIRES: ValidatePattern(pattern) succeeded).
bool GlobMatch(std::string_view pattern, std::string_view text);
// Refuses an empty pattern or an unterminated '[' set; the message names the pattern.
Status ValidatePattern(std::string_view pattern);
// Patterns of an --exclude-from file: one per line; blank lines and lines starting with '#'
// are skipped, trailing whitespace (and a '\r' of CRLF files) is dropped.
std::vector<std::string> ParsePatternFile(std::string_view contents);

class ExcludeFilter final : public EntryFilter {
 public:
  static Result<ExcludeFilter> Create(const std::vector<std::string>& patterns);

  bool Excluded(std::string_view name, std::string_view relative_path) const override;
  bool needs_relative_path() const override { return !path_patterns_.empty(); }

 private:
  std::unordered_set<std::string> literal_names_;  // no glob characters: one hash lookup
  std::vector<std::string> name_patterns_;
  std::vector<std::string> path_patterns_;
};

}  // namespace sscan::walk
