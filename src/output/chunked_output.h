// chunked_output.h — incremental mode: chunk files published while the scan runs, a manifest
// replaced after each, and resume that neither loses nor duplicates a row.
//
//   walker threads ── Accept ──> open row group ──(full)──> encode on the filling thread
//                        │           └──> current chunk (temp file)
//                        └─ ResumeLedger (same lock: always matches the rows accepted)
//   a cut (rows-per-chunk reached, or chunk-interval passed) hands the chunk, its errors and a
//   snapshot of the ledger to the publisher thread, and rows go on into the next chunk:
//   publisher:  wait for the chunk's row groups -> footer [chunk_written] -> fsync
//               [chunk_fsynced] -> rename + fsync dir [chunk_renamed] -> append its errors to
//               the sidecar (+ visited set, -L), fsync -> manifest temp + fsync
//               [manifest_written] -> rename + fsync dir [manifest_renamed]
// A chunk counts only once the manifest lists it; one that was renamed but not yet listed
// when the process died is removed by the resumed run and its rows are produced again.
// Heartbeat: when no manifest was written for `heartbeat` (no chunk cut: a stalled or very
// slow filesystem), the publisher rewrites the same manifest with only updated_at changed, the
// same crash-safe way, so `storage-scanner status` can tell a running scan from a dead one.
//
// Thread safety: Accept from any walker thread; Finish once, after the walk.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "output/manifest.h"
#include "output/output_config.h"
#include "output/output_paths.h"
#include "output/parquet_target.h"
#include "output/resume_ledger.h"
#include "output/row_pipeline.h"
#include "walk/walker.h"

namespace sscan::output {

struct ChunkOptions {
  uint64_t rows_per_chunk = 500000;
  std::chrono::milliseconds interval{300 * 1000};
  bool track_visited = false;  // --follow-symlinks: keep STEM_state.bin
  // The manifest is rewritten at least this often (recorded in it as heartbeat_secs).
  std::chrono::milliseconds heartbeat{60 * 1000};
};

class ChunkedOutput final : public walk::SegmentSink {
 public:
  // `manifest`: a fresh one (no chunks) or the one being resumed; its chunks, counters and
  // resume state are continued. `metadata`: key-value pairs written into every chunk.
  static Result<std::unique_ptr<ChunkedOutput>> Open(const OutputPaths& paths,
                                                     const OutputConfig& config,
                                                     const ChunkOptions& options, Manifest manifest,
                                                     std::vector<parquet::KeyValue> metadata);
  ~ChunkedOutput() override;

  bool Accept(const walk::Segment& segment) override;
  // Publishes what was accepted and writes the last manifest; `completed` marks the scan done
  // (only when the walk ran to its end). Returns the first output failure, if any.
  Status Finish(bool completed);

  Status failure() const;
  // Counters of what this manifest describes (published + resumed).
  Manifest published() const;

 private:
  struct Job;
  ChunkedOutput(const OutputPaths& paths, const OutputConfig& config, const ChunkOptions& options,
                Manifest manifest, std::vector<parquet::KeyValue> metadata,
                std::unique_ptr<WritableFile> errors, std::unique_ptr<WritableFile> state);

  bool AppendRows(const walk::Segment& seg, std::unique_lock<SinkMutex>& lock);
  // Hands the current chunk to the publisher. Returns a sealed row group to encode (after
  // releasing the lock). REQUIRES mutex_.
  std::optional<RowPipeline::Sealed> Cut(bool final, bool completed);
  bool DueByTime() const;  // REQUIRES mutex_
  void PublisherMain();
  Status Publish(Job& job);
  Status WriteManifest(const Manifest& m);
  // Rewrites the manifest with a new updated_at when it is older than the heartbeat.
  // REQUIRES mutex_ (held on entry and on return; released while writing).
  void HeartbeatIfDue(std::unique_lock<SinkMutex>& lock);
  void Fail(const Status& s);  // REQUIRES mutex_

  const OutputPaths paths_;
  const OutputConfig config_;
  const ChunkOptions options_;
  const std::vector<parquet::KeyValue> metadata_;

  mutable SinkMutex mutex_;
  RowPipeline pipeline_;
  ResumeLedger ledger_;
  std::unique_ptr<ParquetTarget> current_;
  uint64_t next_number_;
  uint64_t chunk_rows_ = 0;
  std::chrono::steady_clock::time_point chunk_opened_;
  std::string chunk_errors_;  // JSON lines of the current chunk
  uint64_t chunk_error_count_ = 0, chunk_vanished_ = 0, chunk_excluded_ = 0, chunk_mounts_ = 0;
  bool dirty_ = false;  // ledger or errors changed since the last cut
  Status failure_;

  std::condition_variable_any jobs_changed_;
  std::deque<std::unique_ptr<Job>> jobs_;
  bool closing_ = false;
  std::thread publisher_;

  // Owned by the publisher thread (read by published() under mutex_).
  Manifest manifest_;
  std::unique_ptr<WritableFile> errors_file_;
  std::unique_ptr<WritableFile> state_file_;
  std::chrono::steady_clock::time_point last_manifest_write_;  // by Open, then the publisher
};

}  // namespace sscan::output
