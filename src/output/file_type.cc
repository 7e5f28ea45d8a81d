#include "output/file_type.h"

#include <sys/stat.h>

namespace sscan::output {

void AppendFileType(uint32_t mode, std::string_view name, std::string* out) {
  switch (mode & S_IFMT) {
    case S_IFREG: {
      size_t dot = name.rfind('.');
      if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size()) return;
      for (char c : name.substr(dot + 1)) {
        out->push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
      }
      return;
    }
    case S_IFDIR:
      out->append("directory");
      return;
    case S_IFLNK:
      out->append("symlink");
      return;
    case S_IFIFO:
      out->append("fifo");
      return;
    case S_IFSOCK:
      out->append("socket");
      return;
    case S_IFBLK:
      out->append("block_device");
      return;
    case S_IFCHR:
      out->append("char_device");
      return;
    default:
      out->append("unknown");
      return;
  }
}

}  // namespace sscan::output
