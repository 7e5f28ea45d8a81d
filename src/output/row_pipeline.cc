#include "output/row_pipeline.h"

#include "output/scan_schema.h"

namespace sscan::output {

RowPipeline::RowPipeline(size_t rows_per_group, size_t max_builders, std::string root,
                         NameResolver* names, parquet::WriterOptions options)
    : rows_per_group_(rows_per_group),
      max_builders_(max_builders < 1 ? 1 : max_builders),
      root_(std::move(root)),
      names_(names),
      options_(std::move(options)) {}

RowPipeline::~RowPipeline() = default;

RowGroupBuilder* RowPipeline::Open(std::unique_lock<std::mutex>& lock) {
  while (open_ == nullptr) {
    if (!free_.empty()) {
      open_ = free_.back();
      free_.pop_back();
    } else if (all_.size() < max_builders_) {
      all_.push_back(std::make_unique<RowGroupBuilder>(rows_per_group_, root_));
      open_ = all_.back().get();
    } else {
      changed_.wait(lock);
    }
  }
  return open_;
}

std::optional<RowPipeline::Sealed> RowPipeline::Seal(ParquetTarget* target) {
  if (open_ == nullptr || open_->rows() == 0) return std::nullopt;
  Sealed s{open_, target};
  open_ = nullptr;
  ++target->pending;
  return s;
}

void RowPipeline::Encode(Sealed sealed, std::mutex* owner_mutex) {
  parquet::RowGroupData data = sealed.builder->Finish(names_);
  Status status;
  auto encoded = parquet::EncodeRowGroup(ScanSchema(), options_, data);
  if (!encoded.ok()) {
    status = encoded.status();
  } else {
    status = sealed.target->Append(std::move(*encoded));
  }
  sealed.builder->Reset();
  {
    std::lock_guard lock(*owner_mutex);
    if (!status.ok() && error_.ok()) error_ = status;
    --sealed.target->pending;
    free_.push_back(sealed.builder);
  }
  changed_.notify_all();
}

void RowPipeline::WaitIdle(ParquetTarget* target, std::unique_lock<std::mutex>& lock) {
  changed_.wait(lock, [&] { return target->pending == 0; });
}

}  // namespace sscan::output
