// file_type.h — the file_type column: an extension for regular files, a kind for the rest.
//
// For a regular file: the text after the last dot of its name, ASCII-lower-cased, when that dot
// is neither the name's first nor its last character (a.tar.GZ -> "gz", .bashrc -> "",
// ..x -> "x", dot. -> "", noext -> ""). Otherwise "directory", "symlink", "fifo", "socket",
// "block_device", "char_device" (and "unknown" for a type Linux does not have).
// The result is raw bytes; the caller makes it valid UTF-8.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sscan::output {

// The file_type of an entry with st_mode `mode` and name `name`: a view into `name`, into a
// static string, or — only when the extension has upper-case letters — into `scratch`.
std::string_view FileType(uint32_t mode, std::string_view name, std::string* scratch);

// What FileType() depends on, as two integers, for a cache that must not compare strings per
// row: a kind other than a regular file, or a regular file's extension of at most 8 bytes
// (lower-cased, packed little-endian; names hold no NUL byte, so the packing is unambiguous).
// Equal keys give equal file types, and for the kinds Linux has, different keys different ones.
struct FileTypeKey {
  uint64_t extension = 0;
  uint32_t tag = 0;  // 0-8: a regular file's extension length; 16 + (mode >> 12): another kind
  bool operator==(const FileTypeKey&) const = default;
};

// False when `name` has an extension longer than 8 bytes: ask FileType() itself.
bool FileTypeKeyOf(uint32_t mode, std::string_view name, FileTypeKey* key);

}  // namespace sscan::output
