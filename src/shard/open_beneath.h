// open_beneath.h — open a directory below the scan root by its relative path, never through
// a symlink.
//
// The plan's explorer keeps one descriptor (the root's) and opens every directory by its path
// relative to it, so it needs no descriptor cache. openat2(RESOLVE_NO_SYMLINKS) does that in
// one system call and refuses a symlink anywhere in the path (ELOOP), the same promise the
// walker keeps with O_NOFOLLOW at every step. Kernels before 5.6 (RHEL 8) lack openat2: there
// the path is opened one component at a time with O_NOFOLLOW.
//
// Thread safety: thread-safe (the fallback decision is an atomic flag).
#pragma once

#include <string>

namespace sscan::shard {

// Returns a descriptor of the directory `relative_path` below `root_fd` ("a/b", no leading
// slash, never empty), opened for reading entries, or -errno. `noatime` asks for O_NOATIME
// (retried without it on EPERM). The caller closes the descriptor.
int OpenDirectoryBeneath(int root_fd, const std::string& relative_path, bool noatime);

}  // namespace sscan::shard
