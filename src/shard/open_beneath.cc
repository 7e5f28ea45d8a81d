#include "shard/open_beneath.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "walk/syscalls.h"

namespace sscan::shard {
namespace {

std::atomic<bool> openat2_missing{false};

int OpenAt2(int root_fd, const std::string& path, bool noatime) {
  for (;;) {
    struct open_how how = {};
    how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (noatime ? O_NOATIME : 0);
    how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    // Raw system call: glibc has no openat2() wrapper at all (we run on 2.28).
    long fd = syscall(SYS_openat2, root_fd, path.c_str(), &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    if (errno == EINTR) continue;
    if (errno == EPERM && noatime) {  // O_NOATIME: only the owner or CAP_FOWNER may ask
      noatime = false;
      continue;
    }
    return -errno;
  }
}

int OpenByComponents(int root_fd, const std::string& path, bool noatime) {
  int fd = root_fd;
  size_t start = 0;
  for (;;) {
    size_t slash = path.find('/', start);
    std::string name =
        path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    int next = walk::OpenDirectoryAt(fd, name.c_str(), noatime);
    if (fd != root_fd) close(fd);
    if (next < 0 || slash == std::string::npos) return next;
    fd = next;
    start = slash + 1;
  }
}

}  // namespace

int OpenDirectoryBeneath(int root_fd, const std::string& relative_path, bool noatime) {
  if (!openat2_missing.load(std::memory_order_relaxed)) {
    int fd = OpenAt2(root_fd, relative_path, noatime);
    // ENOSYS: kernel < 5.6; EPERM: a seccomp profile that predates openat2.
    if (fd != -ENOSYS && fd != -EPERM) return fd;
    openat2_missing.store(true, std::memory_order_relaxed);
  }
  return OpenByComponents(root_fd, relative_path, noatime);
}

}  // namespace sscan::shard
