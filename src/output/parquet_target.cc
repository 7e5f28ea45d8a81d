#include "output/parquet_target.h"

#include "output/output_paths.h"
#include "output/scan_schema.h"

namespace sscan::output {

Result<std::unique_ptr<ParquetTarget>> ParquetTarget::Create(
    FileSystem* fs, std::string final_path, unsigned mode, const parquet::WriterOptions& options) {
  std::string temp = OutputPaths::TempFor(final_path);
  // A file under our own temporary name is a leftover of an earlier process that had our
  // process id (ids are reused after a reboot): no live process can be writing it.
  (void)fs->Remove(temp);
  auto file = fs->Create(temp, mode);
  if (!file.ok()) return file.status();
  return std::unique_ptr<ParquetTarget>(
      new ParquetTarget(fs, std::move(final_path), std::move(temp), std::move(*file), options));
}

ParquetTarget::ParquetTarget(FileSystem* fs, std::string final_path, std::string temp_path,
                             std::unique_ptr<WritableFile> file,
                             const parquet::WriterOptions& options)
    : fs_(fs),
      final_path_(std::move(final_path)),
      temp_path_(std::move(temp_path)),
      file_(std::move(file)),
      writer_(file_.get(), ScanSchema(), options) {}

ParquetTarget::~ParquetTarget() {
  if (!published_) Discard();
}

Status ParquetTarget::Append(parquet::EncodedRowGroup row_group) {
  std::lock_guard lock(mutex_);
  return writer_.Append(std::move(row_group));
}

Status ParquetTarget::WriteFooter(const std::vector<parquet::KeyValue>& metadata) {
  std::lock_guard lock(mutex_);
  return writer_.Finish(metadata);
}

Status ParquetTarget::SyncAndClose() {
  std::lock_guard lock(mutex_);
  if (Status s = file_->Sync(); !s.ok()) return s;
  bytes_ = file_->size();
  if (Status s = file_->Close(); !s.ok()) return s;
  return Status::Ok();
}

Status ParquetTarget::Publish() {
  if (Status s = fs_->Rename(temp_path_, final_path_); !s.ok()) return s;
  published_ = true;
  std::string dir = final_path_.substr(0, final_path_.find_last_of('/'));
  return fs_->SyncDir(dir.empty() ? "/" : dir);
}

void ParquetTarget::Discard() {
  std::lock_guard lock(mutex_);
  if (file_) (void)file_->Close();
  if (!published_) (void)fs_->Remove(temp_path_);
}

uint64_t ParquetTarget::rows() const {
  std::lock_guard lock(mutex_);
  return writer_.rows_written();
}

uint64_t ParquetTarget::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace sscan::output
