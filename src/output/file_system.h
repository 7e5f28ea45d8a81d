// file_system.h — the output side's view of the filesystem, behind an interface.
//
// Everything the scanner publishes (data files, chunks, the manifest, the error sidecar) goes
// through FileSystem, so the chunk, manifest and resume logic can be tested against a fake
// that records every call, fails on demand (ENOSPC at the n-th write) and forgets what was
// not synced (a simulated power cut). The walker does not use it: reading the scanned tree
// is the walker's business and has its own syscall layer.
//
// Thread safety: PosixFileSystem's methods may be called from any thread. A WritableFile has
// one owner at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "parquet/writer.h"

namespace sscan::output {

class WritableFile : public parquet::OutputStream {
 public:
  // Write() (from OutputStream) buffers; failures carry the path and errno.
  virtual Status Sync() = 0;          // flush + fsync: the bytes survive a power cut
  virtual Status Close() = 0;         // flush + close; idempotent
  virtual uint64_t size() const = 0;  // bytes written through this handle (plus initial size)
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // A new, empty file with permission bits `mode` (e.g. 0600); fails if `path` exists.
  virtual Result<std::unique_ptr<WritableFile>> Create(const std::string& path, unsigned mode) = 0;
  // An existing or new file opened for appending, first truncated to `keep` bytes (the part a
  // manifest vouches for; what an interrupted run appended after it is dropped).
  virtual Result<std::unique_ptr<WritableFile>> OpenForAppend(const std::string& path,
                                                              uint64_t keep, unsigned mode) = 0;
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  // fsync of a directory: makes the renames in it durable.
  virtual Status SyncDir(const std::string& dir) = 0;
  // Removes a file; a missing file is not an error.
  virtual Status Remove(const std::string& path) = 0;
  virtual Result<std::string> ReadFile(const std::string& path) = 0;
  virtual bool Exists(const std::string& path) = 0;
  virtual Result<uint64_t> FileSize(const std::string& path) = 0;
  virtual Result<std::vector<std::string>> ListDir(const std::string& dir) = 0;
};

// The real one. A process-wide instance.
FileSystem* PosixFileSystem();

}  // namespace sscan::output
