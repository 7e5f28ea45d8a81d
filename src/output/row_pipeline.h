// row_pipeline.h — from accepted rows to encoded row groups appended to a ParquetTarget.
//
// The owning sink appends rows to the open builder while holding its own mutex (a plain
// memcpy-like append). When the builder is full the sink seals it — detaching it together with
// the file it belongs to — and the thread that filled it encodes it *after* releasing the
// mutex: Parquet encoding and compression run on every worker, beside the walk.
//
// Memory is bounded here and only here: at most `max_builders` builders exist. When all of
// them are sealed and still encoding, Open() waits — back-pressure that slows the walkers
// instead of letting rows pile up, whatever the tree.
//
// Thread safety: Open/Seal/WaitIdle require the owner's mutex (passed as the lock); Encode must
// be called without it. One pipeline serves one sink.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "output/name_resolver.h"
#include "output/parquet_target.h"
#include "output/row_group_builder.h"
#include "parquet/writer.h"

namespace sscan::output {

class RowPipeline {
 public:
  struct Sealed {
    RowGroupBuilder* builder = nullptr;
    ParquetTarget* target = nullptr;
  };

  RowPipeline(size_t rows_per_group, size_t max_builders, std::string root, NameResolver* names,
              parquet::WriterOptions options);
  ~RowPipeline();

  // The builder rows go into now; waits while every builder is busy encoding.
  RowGroupBuilder* Open(std::unique_lock<std::mutex>& lock);
  // Detaches the open builder, if it holds rows, as a row group of `target`.
  std::optional<Sealed> Seal(ParquetTarget* target);
  // Encodes and appends a sealed builder, then recycles it. Call without the owner's mutex;
  // takes it briefly at the end. Failures are kept: see error().
  void Encode(Sealed sealed, std::mutex* owner_mutex);
  // Waits until no row group of `target` is still being encoded.
  void WaitIdle(ParquetTarget* target, std::unique_lock<std::mutex>& lock);

  // The first encoding or write failure, if any (guarded by the owner's mutex).
  const Status& error() const { return error_; }
  bool failed() const { return !error_.ok(); }
  size_t rows_in_open_builder() const { return open_ != nullptr ? open_->rows() : 0; }

 private:
  const size_t rows_per_group_;
  const size_t max_builders_;
  const std::string root_;
  NameResolver* names_;
  const parquet::WriterOptions options_;

  std::vector<std::unique_ptr<RowGroupBuilder>> all_;
  std::vector<RowGroupBuilder*> free_;
  RowGroupBuilder* open_ = nullptr;
  std::condition_variable changed_;  // a builder came back, or a target's pending dropped
  Status error_;
};

}  // namespace sscan::output
