#include "common/path_util.h"

#include <unistd.h>

#include <climits>
#include <vector>

namespace sscan {

std::string AbsoluteNormalized(const std::string& path) {
  std::string full = path;
  if (full.empty() || full.front() != '/') {
    char cwd[PATH_MAX];
    std::string base = getcwd(cwd, sizeof cwd) != nullptr ? cwd : "/";
    full = base + "/" + full;
  }
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= full.size()) {
    size_t slash = full.find('/', i);
    if (slash == std::string::npos) slash = full.size();
    std::string part = full.substr(i, slash - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(std::move(part));
    }
    i = slash + 1;
  }
  std::string out;
  for (const auto& p : parts) {
    out.push_back('/');
    out += p;
  }
  return out.empty() ? "/" : out;
}

std::string ParentDirectory(const std::string& absolute_path) {
  size_t slash = absolute_path.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return "/";
  return absolute_path.substr(0, slash);
}

}  // namespace sscan
