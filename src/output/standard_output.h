// standard_output.h — standard mode: one Parquet file, published whole at the end.
//
// Rows go into one file written under a temporary name; Finish() completes it and renames it
// to --output, and publishes the error sidecar the same way. Abandon() (a failure, SIGINT,
// SIGTERM) removes the temporary files: a scan that did not finish leaves nothing a reader
// could mistake for a result, and an existing --output stays as it was.
//
// Thread safety: Accept may be called concurrently from the walker's threads; Finish and
// Abandon once, after the walk.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "output/output_config.h"
#include "output/output_paths.h"
#include "output/parquet_target.h"
#include "output/row_pipeline.h"
#include "walk/walker.h"

namespace sscan::output {

class StandardOutput final : public walk::SegmentSink {
 public:
  static Result<std::unique_ptr<StandardOutput>> Open(const OutputPaths& paths,
                                                      const OutputConfig& config);
  ~StandardOutput() override;

  bool Accept(const walk::Segment& segment) override;
  Status Finish(const std::vector<parquet::KeyValue>& metadata);
  void Abandon();

  uint64_t rows() const;
  uint64_t error_records() const;
  // The first output failure (e.g. ENOSPC), if the walk was stopped by one.
  Status failure() const;

 private:
  StandardOutput(const OutputPaths& paths, const OutputConfig& config,
                 std::unique_ptr<ParquetTarget> data, std::unique_ptr<WritableFile> errors);
  Status WriteErrors(const walk::Segment& segment);  // REQUIRES mutex_

  const OutputPaths paths_;
  const OutputConfig config_;
  mutable SinkMutex mutex_;
  RowPipeline pipeline_;
  std::unique_ptr<ParquetTarget> data_;
  std::unique_ptr<WritableFile> errors_;
  std::string errors_temp_;
  std::string line_;
  uint64_t rows_ = 0;
  uint64_t error_records_ = 0;
  Status failure_;
};

}  // namespace sscan::output
