// fake_file_system.h — an in-memory FileSystem that records calls, fails on demand and can
// "lose power": Crash() keeps only what was made durable (file contents that were fsynced,
// names that a directory fsync made permanent), as a kernel crash would.
//
// Thread safety: a mutex guards everything (the chunked output writes from two threads).
#pragma once

#include <cerrno>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "output/file_system.h"

namespace sscan::output {

class FakeFileSystem final : public FileSystem {
 public:
  struct File {
    std::string data;
    std::string synced;  // what survives a crash
    unsigned mode = 0;
  };

  // The n-th mutating operation (write, sync, rename, remove, create; counted from 1) fails
  // with `error`; 0 = never.
  void FailAt(int n, int error = ENOSPC) {
    std::lock_guard lock(mu_);
    fail_at_ = n;
    fail_errno_ = error;
  }
  int operations() const {
    std::lock_guard lock(mu_);
    return ops_;
  }
  // Power cut: names revert to the last directory fsync, contents to the last file fsync.
  void Crash() {
    std::lock_guard lock(mu_);
    live_ = durable_;
    for (auto& [path, f] : live_) f->data = f->synced;
    fail_at_ = 0;
  }
  std::vector<std::string> Names() const {
    std::lock_guard lock(mu_);
    std::vector<std::string> v;
    for (const auto& [p, f] : live_) v.push_back(p);
    return v;
  }
  std::shared_ptr<File> Get(const std::string& path) const {
    std::lock_guard lock(mu_);
    auto it = live_.find(path);
    return it == live_.end() ? nullptr : it->second;
  }

  // Returns true when this operation must fail. REQUIRES mu_.
  bool Tick() { return ++ops_ == fail_at_; }
  int fail_errno() const { return fail_errno_; }
  std::mutex& mutex() const { return mu_; }

  Result<std::unique_ptr<WritableFile>> Create(const std::string& path, unsigned mode) override;
  Result<std::unique_ptr<WritableFile>> OpenForAppend(const std::string& path, uint64_t keep,
                                                      unsigned mode) override;
  Status Rename(const std::string& from, const std::string& to) override {
    std::lock_guard lock(mu_);
    if (Tick()) return Status::FromErrno("rename", from, fail_errno_);
    auto it = live_.find(from);
    if (it == live_.end()) return Status::FromErrno("rename", from, ENOENT);
    live_[to] = it->second;
    live_.erase(it);
    return Status::Ok();
  }
  Status SyncDir(const std::string& dir) override {
    std::lock_guard lock(mu_);
    if (Tick()) return Status::FromErrno("fsync", dir, fail_errno_);
    // Every name in `dir` becomes durable as it is now; names removed from it are forgotten.
    for (auto it = durable_.begin(); it != durable_.end();) {
      it = InDir(it->first, dir) && !live_.count(it->first) ? durable_.erase(it) : std::next(it);
    }
    for (const auto& [p, f] : live_) {
      if (InDir(p, dir)) durable_[p] = f;
    }
    return Status::Ok();
  }
  Status Remove(const std::string& path) override {
    std::lock_guard lock(mu_);
    if (Tick()) return Status::FromErrno("remove", path, fail_errno_);
    live_.erase(path);
    return Status::Ok();
  }
  Result<std::string> ReadFile(const std::string& path) override {
    std::lock_guard lock(mu_);
    auto it = live_.find(path);
    if (it == live_.end()) return Status::FromErrno("read", path, ENOENT);
    return it->second->data;
  }
  bool Exists(const std::string& path) override {
    std::lock_guard lock(mu_);
    return live_.count(path) != 0;
  }
  Result<uint64_t> FileSize(const std::string& path) override {
    std::lock_guard lock(mu_);
    auto it = live_.find(path);
    if (it == live_.end()) return Status::FromErrno("stat", path, ENOENT);
    return static_cast<uint64_t>(it->second->data.size());
  }
  Result<std::vector<std::string>> ListDir(const std::string& dir) override {
    std::lock_guard lock(mu_);
    std::vector<std::string> names;
    for (const auto& [p, f] : live_) {
      if (InDir(p, dir)) names.push_back(p.substr(dir.size() + 1));
    }
    return names;
  }

 private:
  static bool InDir(const std::string& path, const std::string& dir) {
    return path.size() > dir.size() + 1 && path.compare(0, dir.size(), dir) == 0 &&
           path[dir.size()] == '/' && path.find('/', dir.size() + 1) == std::string::npos;
  }

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<File>> live_;
  std::map<std::string, std::shared_ptr<File>> durable_;
  int ops_ = 0;
  int fail_at_ = 0;
  int fail_errno_ = ENOSPC;
};

class FakeWritableFile final : public WritableFile {
 public:
  FakeWritableFile(FakeFileSystem* fs, std::shared_ptr<FakeFileSystem::File> f, std::string path)
      : fs_(fs), file_(std::move(f)), path_(std::move(path)) {}
  Status Write(const void* data, size_t n) override {
    std::lock_guard lock(fs_->mutex());
    if (fs_->Tick()) return Status::FromErrno("write", path_, fs_->fail_errno());
    file_->data.append(static_cast<const char*>(data), n);
    return Status::Ok();
  }
  Status Sync() override {
    std::lock_guard lock(fs_->mutex());
    if (fs_->Tick()) return Status::FromErrno("fsync", path_, fs_->fail_errno());
    file_->synced = file_->data;
    return Status::Ok();
  }
  Status Close() override { return Status::Ok(); }
  uint64_t size() const override {
    std::lock_guard lock(fs_->mutex());
    return file_->data.size();
  }

 private:
  FakeFileSystem* fs_;
  std::shared_ptr<FakeFileSystem::File> file_;
  std::string path_;
};

inline Result<std::unique_ptr<WritableFile>> FakeFileSystem::Create(const std::string& path,
                                                                    unsigned mode) {
  std::lock_guard lock(mu_);
  if (Tick()) return Status::FromErrno("create", path, fail_errno_);
  if (live_.count(path)) return Status::FromErrno("create", path, EEXIST);
  auto f = std::make_shared<File>();
  f->mode = mode;
  live_[path] = f;
  return std::unique_ptr<WritableFile>(new FakeWritableFile(this, f, path));
}

inline Result<std::unique_ptr<WritableFile>> FakeFileSystem::OpenForAppend(const std::string& path,
                                                                           uint64_t keep,
                                                                           unsigned mode) {
  std::lock_guard lock(mu_);
  if (Tick()) return Status::FromErrno("open", path, fail_errno_);
  auto& f = live_[path];
  if (!f) {
    f = std::make_shared<File>();
    f->mode = mode;
  }
  if (f->data.size() > keep) f->data.resize(keep);
  return std::unique_ptr<WritableFile>(new FakeWritableFile(this, f, path));
}

}  // namespace sscan::output
