#include "output/standard_output.h"

#include <utility>

namespace sscan::output {

Result<std::unique_ptr<StandardOutput>> StandardOutput::Open(const OutputPaths& paths,
                                                             const OutputConfig& config) {
  auto data = ParquetTarget::Create(config.fs, paths.data_file(), config.file_mode, config.writer);
  if (!data.ok()) return data.status();
  const std::string errors_temp = OutputPaths::TempFor(paths.errors_file());
  (void)config.fs->Remove(errors_temp);  // see ParquetTarget::Create
  auto errors = config.fs->Create(errors_temp, config.file_mode);
  if (!errors.ok()) return errors.status();
  return std::unique_ptr<StandardOutput>(
      new StandardOutput(paths, config, std::move(*data), std::move(*errors)));
}

StandardOutput::StandardOutput(const OutputPaths& paths, const OutputConfig& config,
                               std::unique_ptr<ParquetTarget> data,
                               std::unique_ptr<WritableFile> errors)
    : paths_(paths),
      config_(config),
      pipeline_(config.rows_per_group, config.max_builders, config.root, config.names,
                config.writer),
      data_(std::move(data)),
      errors_(std::move(errors)),
      errors_temp_(OutputPaths::TempFor(paths.errors_file())) {}

StandardOutput::~StandardOutput() { Abandon(); }

Status StandardOutput::WriteErrors(const walk::Segment& seg) {
  if (seg.errors.empty()) return Status::Ok();
  line_.clear();
  for (const walk::WalkError& e : seg.errors) {
    AppendErrorRecord(e, &line_);
    if (config_.logger != nullptr) config_.logger->Log(e);
  }
  error_records_ += seg.errors.size();
  return errors_->Write(line_.data(), line_.size());
}

bool StandardOutput::Accept(const walk::Segment& seg) {
  std::unique_lock lock(mutex_);
  if (!failure_.ok()) return false;
  if (Status s = WriteErrors(seg); !s.ok()) {
    failure_ = s;
    return false;
  }
  size_t i = 0;
  const size_t n = seg.entries.size();
  while (i < n) {
    RowGroupBuilder* b = pipeline_.Open(lock);
    size_t k = std::min(b->room(), n - i);
    b->Append(seg, i, k);
    i += k;
    rows_ += k;
    if (b->room() == 0) {
      auto sealed = pipeline_.Seal(data_.get());
      lock.unlock();
      pipeline_.Encode(*sealed, &mutex_);
      lock.lock();
    }
  }
  if (pipeline_.failed()) {
    failure_ = pipeline_.error();
    return false;
  }
  return true;
}

Status StandardOutput::Finish(const std::vector<parquet::KeyValue>& metadata) {
  std::unique_lock lock(mutex_);
  if (auto sealed = pipeline_.Seal(data_.get())) {
    lock.unlock();
    pipeline_.Encode(*sealed, &mutex_);
    lock.lock();
  }
  pipeline_.WaitIdle(data_.get(), lock);
  if (failure_.ok() && pipeline_.failed()) failure_ = pipeline_.error();
  if (!failure_.ok()) return failure_;
  lock.unlock();
  if (config_.logger != nullptr) config_.logger->Flush();

  // The data file first: the sidecar describes it, so it must never be newer than it.
  if (Status s = data_->WriteFooter(metadata); !s.ok()) return s;
  if (Status s = data_->SyncAndClose(); !s.ok()) return s;
  if (Status s = errors_->Sync(); !s.ok()) return s;
  if (Status s = errors_->Close(); !s.ok()) return s;
  if (Status s = data_->Publish(); !s.ok()) return s;
  if (Status s = config_.fs->Rename(errors_temp_, paths_.errors_file()); !s.ok()) return s;
  errors_temp_.clear();
  return config_.fs->SyncDir(paths_.dir());
}

void StandardOutput::Abandon() {
  if (data_) data_->Discard();
  if (errors_) (void)errors_->Close();
  if (!errors_temp_.empty()) {
    (void)config_.fs->Remove(errors_temp_);
    errors_temp_.clear();
  }
}

uint64_t StandardOutput::rows() const {
  std::lock_guard lock(mutex_);
  return rows_;
}

uint64_t StandardOutput::error_records() const {
  std::lock_guard lock(mutex_);
  return error_records_;
}

Status StandardOutput::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

}  // namespace sscan::output
