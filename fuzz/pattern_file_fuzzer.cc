// Fuzzes walk::ParsePatternFile, the reader of --exclude-from files.
//
// Properties, for any contents:
//   * every pattern it returns is one line of the input with trailing blanks (' ', '\t', '\r')
//     removed: non-empty, without '\n', not starting with '#', not ending in a blank;
//   * the patterns come in input order, one per line that is neither blank nor a comment, and
//     no such line is dropped (the reference below re-derives them independently).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "walk/exclude_filter.h"

namespace {

std::vector<std::string> Reference(std::string_view contents) {
  std::vector<std::string> out;
  std::string line;
  auto flush = [&] {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
      line.pop_back();
    }
    if (!line.empty() && line[0] != '#') out.push_back(line);
    line.clear();
  };
  for (char c : contents) {
    if (c == '\n') {
      flush();
    } else {
      line.push_back(c);
    }
  }
  flush();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view contents(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string> got = sscan::walk::ParsePatternFile(contents);
  for (const std::string& p : got) {
    if (p.empty() || p.find('\n') != std::string::npos || p[0] == '#' || p.back() == ' ' ||
        p.back() == '\t' || p.back() == '\r') {
      std::fprintf(stderr, "pattern_file_fuzzer: malformed pattern '%s'\n", p.c_str());
      std::abort();
    }
  }
  if (got != Reference(contents)) {
    std::fprintf(stderr, "pattern_file_fuzzer: %zu patterns, the reference finds %zu\n", got.size(),
                 Reference(contents).size());
    std::abort();
  }
  return 0;
}
