// parquet_target.h — one Parquet file, written under a temporary name, published by rename.
//
// Lifecycle: Create (temp file, mode as asked) -> Append encoded row groups (any thread, any
// order) -> WriteFooter -> SyncAndClose -> Publish (rename to the final name, fsync the
// directory). The steps are separate so crash tests can stop between any two. Until Publish nothing
// exists under the final name, so a reader can never mistake a half-written file for a result;
// Discard removes the temporary file instead.
//
// Thread safety: Append may be called concurrently; the other steps by one owner, in order.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "output/file_system.h"
#include "parquet/writer.h"

namespace sscan::output {

class ParquetTarget {
 public:
  static Result<std::unique_ptr<ParquetTarget>> Create(FileSystem* fs, std::string final_path,
                                                       unsigned mode,
                                                       const parquet::WriterOptions& options);
  ~ParquetTarget();

  Status Append(parquet::EncodedRowGroup row_group);
  Status WriteFooter(const std::vector<parquet::KeyValue>& metadata);
  Status SyncAndClose();
  Status Publish();  // rename into place and fsync the directory
  void Discard();    // remove the temporary file (best effort)

  const std::string& final_path() const { return final_path_; }
  const std::string& temp_path() const { return temp_path_; }
  uint64_t rows() const;
  uint64_t bytes() const;  // file size once completed

  // Counted by the RowPipeline under its owner's mutex: row groups sealed for this file and
  // not yet appended.
  size_t pending = 0;

 private:
  ParquetTarget(FileSystem* fs, std::string final_path, std::string temp_path,
                std::unique_ptr<WritableFile> file, const parquet::WriterOptions& options);

  FileSystem* fs_;
  const std::string final_path_;
  const std::string temp_path_;
  mutable std::mutex mutex_;
  std::unique_ptr<WritableFile> file_;
  parquet::FileWriter writer_;
  uint64_t bytes_ = 0;
  bool published_ = false;
};

}  // namespace sscan::output
