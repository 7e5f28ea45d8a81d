// row_pipeline.h — from accepted rows to encoded row groups appended to a ParquetTarget.
//
// The owning sink appends rows to the open builder while holding its own mutex (a plain
// memcpy-like append). When the builder is full the sink seals it — detaching it together with
// the file it belongs to — and hands it to Encode() *after* releasing the mutex. Encoding is
// cut by column: a sealed row group's 21 columns become work that any thread can take, one
// column at a time, so it runs on every core beside the walk.
//
// Why by column: the walker runs many more threads than cores (cold and network filesystems
// want requests in flight), and a row group encoded whole by the one thread that filled it
// got that thread's share of the CPU — 1/32 of it on two cores — while the other builder
// filled up and every walker stopped in Open() to wait for it. Now the thread that seals
// takes columns until none is left untaken, and a thread that would wait for a builder
// (Open) or for the file's last row groups (WaitIdle) takes columns instead.
//
// Memory is bounded here and only here: at most `max_builders` builders exist (when all are
// sealed and still encoding, Open() waits — back-pressure that slows the walkers instead of
// letting rows pile up, whatever the tree), and at most `max_encoders` encoding contexts
// (zstd state and scratch buffers, kept from one row group to the next).
//
// Thread safety: Open/Seal/WaitIdle require the owner's mutex (passed as the lock); Encode must
// be called without it. One pipeline serves one sink.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/adaptive_mutex.h"
#include "common/status.h"
#include "output/name_resolver.h"
#include "output/parquet_target.h"
#include "output/row_group_builder.h"
#include "parquet/writer.h"

namespace sscan::output {

// The sinks' mutex: taken by every walker thread for each segment it hands over, held for a
// few microseconds (rows appended to a builder). Among 32 to 128 threads on a few cores a
// std::mutex sent each loser to sleep in futex() and back; this one spins a little first.
using SinkMutex = AdaptiveMutex;

class RowPipeline {
 public:
  struct Sealed {
    RowGroupBuilder* builder = nullptr;
    ParquetTarget* target = nullptr;
  };

  // `max_encoders` 0: one per core, at most 4.
  RowPipeline(size_t rows_per_group, size_t max_builders, std::string root, NameResolver* names,
              parquet::WriterOptions options, size_t max_encoders = 0);
  ~RowPipeline();

  // The builder rows go into now. While every builder is busy encoding, encodes their columns
  // (or waits when all are taken).
  RowGroupBuilder* Open(std::unique_lock<SinkMutex>& lock);
  // Detaches the open builder, if it holds rows, as a row group of `target`.
  std::optional<Sealed> Seal(ParquetTarget* target);
  // Makes a sealed builder's columns work for any thread and takes them until none is left
  // untaken; whoever encodes the last column appends the row group and recycles the builder.
  // Call without the owner's mutex (takes it briefly). Failures are kept: see error().
  void Encode(Sealed sealed, SinkMutex* owner_mutex);
  // Until no row group of `target` is still being encoded; encodes columns meanwhile.
  void WaitIdle(ParquetTarget* target, std::unique_lock<SinkMutex>& lock);

  // The first encoding or write failure, if any (guarded by the owner's mutex).
  const Status& error() const { return error_; }
  bool failed() const { return !error_.ok(); }
  size_t rows_in_open_builder() const { return open_ != nullptr ? open_->rows() : 0; }

 private:
  struct Job;
  // Encodes one column of the oldest row group with columns left. False when there is none,
  // or no encoding context is free. Call without the owner's mutex.
  bool HelpOnce(SinkMutex* owner_mutex);
  void Complete(Job* job, SinkMutex* owner_mutex);

  const size_t rows_per_group_;
  const size_t max_builders_;
  const size_t max_encoders_;
  const std::string root_;
  NameResolver* names_;
  const parquet::WriterOptions options_;

  // Guarded by the owner's mutex.
  std::vector<std::unique_ptr<RowGroupBuilder>> all_;
  std::vector<RowGroupBuilder*> free_;
  RowGroupBuilder* open_ = nullptr;
  std::condition_variable_any changed_;  // a builder came back, a target's pending dropped, or
                                         // an encoding context was returned
  Status error_;

  // Guarded by jobs_mutex_ (never held while encoding, nor together with the owner's).
  std::mutex jobs_mutex_;
  std::list<std::unique_ptr<Job>> jobs_;  // oldest first
  std::vector<std::unique_ptr<parquet::EncoderContext>> idle_encoders_;
  size_t encoders_made_ = 0;
};

}  // namespace sscan::output
