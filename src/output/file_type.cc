#include "output/file_type.h"

#include <sys/stat.h>

namespace sscan::output {
namespace {

// A regular file's extension by the rules of file_type.h: the text after the last dot, when
// that dot is neither the name's first nor its last character; "" otherwise.
std::string_view ExtensionOf(std::string_view name) {
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size()) return {};
  return name.substr(dot + 1);
}

bool IsUpperAscii(char c) { return c >= 'A' && c <= 'Z'; }
char LowerAscii(char c) { return IsUpperAscii(c) ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::string_view FileType(uint32_t mode, std::string_view name, std::string* scratch) {
  switch (mode & S_IFMT) {
    case S_IFREG: {
      const std::string_view ext = ExtensionOf(name);
      bool upper = false;
      for (char c : ext) upper |= IsUpperAscii(c);
      if (!upper) return ext;  // the common case: no copy
      scratch->clear();
      for (char c : ext) scratch->push_back(LowerAscii(c));
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
  const std::string_view ext = ExtensionOf(name);
  if (ext.size() > 8) return false;
  uint64_t packed = 0;
  for (size_t i = 0; i < ext.size(); ++i) {
    packed |= static_cast<uint64_t>(static_cast<unsigned char>(LowerAscii(ext[i]))) << (8 * i);
  }
  *key = {packed, static_cast<uint32_t>(ext.size())};  // "" is {0, 0}
  return true;
}

}  // namespace sscan::output
