// syscalls.h — the few system calls the walker makes, wrapped without hiding what they do.
//
// Everything here is a thin, allocation-free wrapper: one call, errno returned instead of
// -1, results converted to the walker's plain types. Thread-safe (no shared state).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>

#include "walk/segment.h"

namespace sscan::walk {

// The statx fields the schema needs. Asking for no more lets network filesystems skip work.
unsigned StatxMask();

// statx(dirfd, name) without following a final symlink and without triggering automounts.
// Returns 0 or an errno.
int StatEntry(int dirfd, const char* name, EntryStat* out);
// The same, following symlinks (for --follow-symlinks and the scan root).
int StatFollow(int dirfd, const char* name, EntryStat* out);

// openat(dirfd, name) of a directory for reading its entries: O_DIRECTORY | O_NOFOLLOW, so a
// directory swapped for a symlink while the scan runs is refused (ELOOP/ENOTDIR), never
// followed. `noatime` asks for O_NOATIME (kept access times), which the kernel allows only to
// the owner or CAP_FOWNER; on EPERM it is retried without. Returns fd >= 0 or -errno.
int OpenDirectoryAt(int dirfd, const char* name, bool noatime, bool follow = false);
// open() of the scan root itself; follows a symlink given on the command line (like find -H).
int OpenRoot(const char* path, bool noatime);

// getdents64 into `buffer`; returns bytes read, 0 at the end, or -errno.
ssize_t ReadDirents(int fd, void* buffer, size_t size);

// The fields of one linux_dirent64 record, read without assuming alignment.
struct DirentView {
  uint64_t next_offset;  // d_off: the position just after this entry (a seek cookie)
  uint8_t type;          // d_type
  const char* name;      // NUL-terminated
  uint16_t record_length;
};
DirentView ViewDirent(const char* record);

}  // namespace sscan::walk
