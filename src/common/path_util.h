// path_util.h — lexical path handling for command-line arguments.
// Thread safety: pure functions.
#pragma once

#include <string>

namespace sscan {

// An absolute, lexically normalised form of `path`, like Python's os.path.abspath: relative
// paths are joined to the working directory, then "//", "." and ".." are collapsed without
// looking at the filesystem (so a path through a symlink keeps the name the user gave).
std::string AbsoluteNormalized(const std::string& path);

// Directory part of an absolute path ("/" for "/x" and for "/").
std::string ParentDirectory(const std::string& absolute_path);

}  // namespace sscan
