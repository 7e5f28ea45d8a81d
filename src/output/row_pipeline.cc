#include "output/row_pipeline.h"

#include <algorithm>

#include "common/cpus.h"
#include "output/scan_schema.h"

namespace sscan::output {

// A sealed row group being encoded column by column.
struct RowPipeline::Job {
  Sealed sealed;
  parquet::RowGroupData data;                   // views into the builder
  std::vector<parquet::EncodedColumn> columns;  // filled as they finish
  size_t next = 0;                              // the next column to hand out
  size_t done = 0;                              // columns finished
  Status status;                                // the first failure
};

namespace {

size_t DefaultEncoders() { return std::clamp<size_t>(CpusAvailable(), 1, 4); }

}  // namespace

RowPipeline::RowPipeline(size_t rows_per_group, size_t max_builders, std::string root,
                         NameResolver* names, parquet::WriterOptions options, size_t max_encoders)
    : rows_per_group_(rows_per_group),
      max_builders_(max_builders < 1 ? 1 : max_builders),
      max_encoders_(max_encoders > 0 ? max_encoders : DefaultEncoders()),
      root_(std::move(root)),
      names_(names),
      options_(std::move(options)) {}

RowPipeline::~RowPipeline() = default;

RowGroupBuilder* RowPipeline::Open(std::unique_lock<SinkMutex>& lock) {
  while (open_ == nullptr) {
    if (!free_.empty()) {
      open_ = free_.back();
      free_.pop_back();
    } else if (all_.size() < max_builders_) {
      all_.push_back(std::make_unique<RowGroupBuilder>(rows_per_group_, root_));
      open_ = all_.back().get();
    } else {
      // Every builder is sealed: encode their columns rather than wait for them.
      lock.unlock();
      const bool helped = HelpOnce(lock.mutex());
      lock.lock();
      if (!helped && open_ == nullptr && free_.empty()) changed_.wait(lock);
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

void RowPipeline::Encode(Sealed sealed, SinkMutex* owner_mutex) {
  auto job = std::make_unique<Job>();
  job->sealed = sealed;
  job->data = sealed.builder->Finish(names_);  // owner and group names: once, before columns
  job->columns.resize(job->data.columns.size());
  {
    std::lock_guard lock(jobs_mutex_);
    jobs_.push_back(std::move(job));
  }
  while (HelpOnce(owner_mutex)) {
  }
}

bool RowPipeline::HelpOnce(SinkMutex* owner_mutex) {
  Job* job = nullptr;
  size_t column = 0;
  std::unique_ptr<parquet::EncoderContext> encoder;
  {
    std::lock_guard lock(jobs_mutex_);
    for (const auto& j : jobs_) {
      if (j->next < j->columns.size()) {
        job = j.get();
        break;
      }
    }
    if (job == nullptr) return false;
    if (!idle_encoders_.empty()) {
      encoder = std::move(idle_encoders_.back());
      idle_encoders_.pop_back();
    } else if (encoders_made_ < max_encoders_) {
      ++encoders_made_;  // made below, outside the lock
    } else {
      return false;
    }
    column = job->next++;
  }
  if (!encoder) encoder = std::make_unique<parquet::EncoderContext>(options_);
  auto encoded = parquet::EncodeColumn(ScanSchema(), options_, job->data, column, encoder.get());
  bool last = false;
  {
    std::lock_guard lock(jobs_mutex_);
    idle_encoders_.push_back(std::move(encoder));
    if (encoded.ok()) {
      job->columns[column] = std::move(encoded).value();
    } else if (job->status.ok()) {
      job->status = encoded.status();
    }
    last = ++job->done == job->columns.size();
  }
  if (last) Complete(job, owner_mutex);
  {
    // Through the owner's mutex, so that a thread about to wait in Open or WaitIdle (which
    // checked under it) is waiting by the time it is notified: an encoder is free again.
    std::lock_guard lock(*owner_mutex);
  }
  changed_.notify_all();
  return true;
}

void RowPipeline::Complete(Job* job, SinkMutex* owner_mutex) {
  // Every column is done: nobody else touches the job any more.
  Status status = job->status;
  if (status.ok()) {
    status = job->sealed.target->Append(
        parquet::JoinColumns(job->data.num_rows, std::move(job->columns)));
  }
  job->sealed.builder->Reset();
  const Sealed sealed = job->sealed;
  {
    std::lock_guard lock(jobs_mutex_);
    jobs_.remove_if([job](const std::unique_ptr<Job>& j) { return j.get() == job; });
  }
  std::lock_guard lock(*owner_mutex);
  if (!status.ok() && error_.ok()) error_ = status;
  --sealed.target->pending;
  free_.push_back(sealed.builder);
}

void RowPipeline::WaitIdle(ParquetTarget* target, std::unique_lock<SinkMutex>& lock) {
  while (target->pending > 0) {
    lock.unlock();
    const bool helped = HelpOnce(lock.mutex());
    lock.lock();
    if (!helped && target->pending > 0) changed_.wait(lock);
  }
}

}  // namespace sscan::output
