#include "walk/syscalls.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

namespace sscan::walk {
namespace {

void ConvertStatx(const struct statx& sx, EntryStat* out) {
  out->size = sx.stx_size;
  out->inode = sx.stx_ino;
  out->nlink = sx.stx_nlink;
  out->device = makedev(sx.stx_dev_major, sx.stx_dev_minor);
  out->blocks = sx.stx_blocks;
  // statx timestamps are {signed seconds, nanoseconds in [0, 1e9)}: tv_sec is already the floor,
  // also before 1970, which is what "whole seconds" means for the schema.
  out->mtime = sx.stx_mtime.tv_sec;
  out->atime = sx.stx_atime.tv_sec;
  out->ctime = sx.stx_ctime.tv_sec;
  // Birth time only where the filesystem reports it (ext4, xfs, btrfs; not tmpfs before 5.x,
  // not NFS): the kernel clears STATX_BTIME from stx_mask when it has none.
  out->has_btime = (sx.stx_mask & STATX_BTIME) != 0;
  out->btime = out->has_btime ? sx.stx_btime.tv_sec : 0;
  out->mode = sx.stx_mode;
  out->uid = sx.stx_uid;
  out->gid = sx.stx_gid;
}

int DoStatx(int dirfd, const char* name, int flags, EntryStat* out) {
  struct statx sx;
  // glibc's statx() falls back to fstatat() on kernels without the system call (< 4.11) and
  // in containers whose seccomp profile predates it.
  if (statx(dirfd, name, flags | AT_NO_AUTOMOUNT, StatxMask(), &sx) != 0) return errno;
  ConvertStatx(sx, out);
  return 0;
}

int OpenWithOptionalNoatime(int dirfd, const char* name, int flags, bool noatime) {
  for (;;) {
    int fd = openat(dirfd, name, flags | (noatime ? O_NOATIME : 0));
    if (fd >= 0) return fd;
    if (errno == EINTR) continue;
    // O_NOATIME is refused with EPERM unless we own the directory or have CAP_FOWNER.
    if (errno == EPERM && noatime) {
      noatime = false;
      continue;
    }
    return -errno;
  }
}

}  // namespace

unsigned StatxMask() {
  return STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_UID | STATX_GID | STATX_ATIME | STATX_MTIME |
         STATX_CTIME | STATX_INO | STATX_SIZE | STATX_BLOCKS | STATX_BTIME;
}

int StatEntry(int dirfd, const char* name, EntryStat* out) {
  return DoStatx(dirfd, name, AT_SYMLINK_NOFOLLOW, out);
}

int StatFollow(int dirfd, const char* name, EntryStat* out) { return DoStatx(dirfd, name, 0, out); }

int OpenDirectoryAt(int dirfd, const char* name, bool noatime, bool follow) {
  return OpenWithOptionalNoatime(
      dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW), noatime);
}

int OpenRoot(const char* path, bool noatime) {
  return OpenWithOptionalNoatime(AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, noatime);
}

ssize_t ReadDirents(int fd, void* buffer, size_t size) {
  for (;;) {
    // Raw system call: glibc gained a getdents64() wrapper only in 2.30 and we run on 2.28.
    long n = syscall(SYS_getdents64, fd, buffer, size);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    return -errno;
  }
}

DirentView ViewDirent(const char* record) {
  // struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
  DirentView v;
  std::memcpy(&v.next_offset, record + 8, sizeof v.next_offset);
  std::memcpy(&v.record_length, record + 16, sizeof v.record_length);
  v.type = static_cast<uint8_t>(record[18]);
  v.name = record + 19;
  return v;
}

const char* ErrorOpName(ErrorOp op) {
  switch (op) {
    case ErrorOp::kOpen:
      return "open";
    case ErrorOp::kGetdents:
      return "getdents";
    case ErrorOp::kStatx:
      return "statx";
    case ErrorOp::kReadlink:
      return "readlink";
    case ErrorOp::kStatTarget:
      return "stat_target";
    case ErrorOp::kLoop:
      return "loop";
    case ErrorOp::kRoot:
      return "root";
  }
  return "unknown";
}

}  // namespace sscan::walk
