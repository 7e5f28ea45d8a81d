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

bool FileTypeKeyOf(uint32_t mode, std::string_view name, FileTypeKey* key) {
  const uint32_t kind = mode & S_IFMT;
  if (kind != S_IFREG) {
    *key = {0, 16 + (kind >> 12)};
    return true;
  }
  // The last dot, looked for among the last 9 bytes only: a longer extension has no key.
  const size_t n = name.size();
  size_t len = 0;
  while (len < n && len <= 8 && name[n - 1 - len] != '.') ++len;
  if (len > 8) {
    if (name.rfind('.', n - 1 - len) != std::string_view::npos) return false;
    len = n;  // no dot at all
  }
  if (len == n || len == 0 || len + 1 == n) {  // no dot, "dot.", ".bashrc": FileType's ""
    *key = {0, 0};
    return true;
  }
  const size_t dot = n - 1 - len;
  uint64_t packed = 0;
  for (size_t i = 0; i < len; ++i) {
    auto c = static_cast<unsigned char>(name[dot + 1 + i]);
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
    packed |= static_cast<uint64_t>(c) << (8 * i);
  }
  *key = {packed, static_cast<uint32_t>(len)};
  return true;
}

}  // namespace sscan::output
