#include "output/file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sscan::output {
namespace {

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(int fd, std::string path, uint64_t initial)
      : fd_(fd),
        path_(std::move(path)),
        size_(initial),
        written_(initial),
        writeback_from_(initial) {
    buffer_.reserve(kBufferSize);
  }
  ~PosixWritableFile() override { (void)Close(); }

  Status Write(const void* data, size_t n) override {
    if (fd_ < 0) return Status::Error("write " + path_ + ": file is closed", EBADF);
    size_ += n;
    if (buffer_.size() + n <= kBufferSize) {
      buffer_.append(static_cast<const char*>(data), n);
      return Status::Ok();
    }
    if (Status s = Flush(); !s.ok()) return s;
    if (n >= kBufferSize) return WriteAll(data, n);
    buffer_.append(static_cast<const char*>(data), n);
    return Status::Ok();
  }

  Status Sync() override {
    if (Status s = Flush(); !s.ok()) return s;
    if (fsync(fd_) != 0) return Status::FromErrno("fsync", path_, errno);
    return Status::Ok();
  }

  Status Close() override {
    if (fd_ < 0) return Status::Ok();
    Status s = Flush();
    if (close(fd_) != 0 && s.ok()) s = Status::FromErrno("close", path_, errno);
    fd_ = -1;
    return s;
  }

  uint64_t size() const override { return size_; }

 private:
  static constexpr size_t kBufferSize = 1 << 20;

  Status Flush() {
    if (buffer_.empty()) return Status::Ok();
    Status s = WriteAll(buffer_.data(), buffer_.size());
    buffer_.clear();
    return s;
  }

  Status WriteAll(const void* data, size_t n) {
    const char* p = static_cast<const char*>(data);
    while (n > 0) {
      ssize_t w = write(fd_, p, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        return Status::FromErrno("write", path_, errno);
      }
      p += w;
      n -= static_cast<size_t>(w);
      written_ += static_cast<uint64_t>(w);
    }
    StartWriteback();
    return Status::Ok();
  }

  // Every kWritebackBytes, asks the kernel to start writing what was written so far
  // (asynchronously: it does not wait for the disk). Sync() at the end of a scan then waits
  // for the last few MB instead of the whole file, and a scan writing gigabytes does not pile
  // them up as dirty pages. A hint: where the file system cannot take it (EINVAL, ESPIPE),
  // fsync still does all the work, so its errors are ignored.
  void StartWriteback() {
    if (written_ - writeback_from_ < kWritebackBytes) return;
    (void)sync_file_range(fd_, static_cast<off64_t>(writeback_from_),
                          static_cast<off64_t>(written_ - writeback_from_), SYNC_FILE_RANGE_WRITE);
    writeback_from_ = written_;
  }
  static constexpr uint64_t kWritebackBytes = 8 << 20;

  int fd_;
  std::string path_;
  uint64_t size_;
  std::string buffer_;
  // File offset after the last write(), and where the range not yet handed to writeback
  // starts.
  uint64_t written_;
  uint64_t writeback_from_;
};

class Posix final : public FileSystem {
 public:
  Result<std::unique_ptr<WritableFile>> Create(const std::string& path, unsigned mode) override {
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) return Status::FromErrno("cannot create", path, errno);
    // The umask may have taken bits away; the contract is the mode asked for, exactly.
    if (fchmod(fd, mode) != 0) {
      int err = errno;
      close(fd);
      unlink(path.c_str());
      return Status::FromErrno("cannot set mode of", path, err);
    }
    return std::unique_ptr<WritableFile>(new PosixWritableFile(fd, path, 0));
  }

  Result<std::unique_ptr<WritableFile>> OpenForAppend(const std::string& path, uint64_t keep,
                                                      unsigned mode) override {
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, mode);
    if (fd < 0) return Status::FromErrno("cannot open", path, errno);
    if (ftruncate(fd, static_cast<off_t>(keep)) != 0 ||
        lseek(fd, static_cast<off_t>(keep), SEEK_SET) < 0) {
      int err = errno;
      close(fd);
      return Status::FromErrno("cannot truncate", path, err);
    }
    return std::unique_ptr<WritableFile>(new PosixWritableFile(fd, path, keep));
  }

  Status Rename(const std::string& from, const std::string& to) override {
    if (rename(from.c_str(), to.c_str()) != 0) {
      return Status::FromErrno("cannot rename " + from + " to", to, errno);
    }
    return Status::Ok();
  }

  Status SyncDir(const std::string& dir) override {
    int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Status::FromErrno("cannot open directory", dir, errno);
    int rc = fsync(fd);
    int err = errno;
    close(fd);
    // Some filesystems refuse fsync on directories (EINVAL); the rename is then as durable
    // as that filesystem makes it.
    if (rc != 0 && err != EINVAL) return Status::FromErrno("fsync directory", dir, err);
    return Status::Ok();
  }

  Status Remove(const std::string& path) override {
    if (unlink(path.c_str()) != 0 && errno != ENOENT) {
      return Status::FromErrno("cannot remove", path, errno);
    }
    return Status::Ok();
  }

  Result<std::string> ReadFile(const std::string& path) override {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::FromErrno("cannot open", path, errno);
    std::string out;
    char buf[65536];
    for (;;) {
      ssize_t n = read(fd, buf, sizeof buf);
      if (n < 0) {
        if (errno == EINTR) continue;
        int err = errno;
        close(fd);
        return Status::FromErrno("cannot read", path, err);
      }
      if (n == 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    close(fd);
    return out;
  }

  bool Exists(const std::string& path) override {
    struct stat st;
    return lstat(path.c_str(), &st) == 0;
  }

  Result<uint64_t> FileSize(const std::string& path) override {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return Status::FromErrno("cannot stat", path, errno);
    return static_cast<uint64_t>(st.st_size);
  }

  Result<std::vector<std::string>> ListDir(const std::string& dir) override {
    DIR* d = opendir(dir.c_str());
    if (d == nullptr) return Status::FromErrno("cannot list", dir, errno);
    std::vector<std::string> names;
    while (struct dirent* e = readdir(d)) {
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
        names.emplace_back(e->d_name);
      }
    }
    closedir(d);
    return names;
  }
};

}  // namespace

FileSystem* PosixFileSystem() {
  static Posix fs;
  return &fs;
}

}  // namespace sscan::output
