#include "output/file_type.h"

#include <sys/stat.h>

namespace sscan::output {

std::string_view FileType(uint32_t mode, std::string_view name, std::string* scratch) {
  switch (mode & S_IFMT) {
    case S_IFREG: {
      size_t dot = name.rfind('.');
      if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size()) return {};
      std::string_view ext = name.substr(dot + 1);
      bool upper = false;
      for (char c : ext) upper |= (c >= 'A' && c <= 'Z');
      if (!upper) return ext;  // the common case: no copy
      scratch->clear();
      for (char c : ext) {
        scratch->push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
      }
      return *scratch;
    }
    case S_IFDIR:
      return "directory";
    case S_IFLNK:
      return "symlink";
    case S_IFIFO:
      return "fifo";
    case S_IFSOCK:
      return "socket";
    case S_IFBLK:
      return "block_device";
    case S_IFCHR:
      return "char_device";
    default:
      return "unknown";
  }
}

}  // namespace sscan::output
