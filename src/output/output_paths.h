// output_paths.h — the names of everything a scan writes, derived from --output.
//
// For --output DIR/NAME (STEM = NAME without a trailing ".parquet"):
//   DIR/NAME                                  standard mode: the one data file
//   DIR/STEM[_shardNNNN]_chunk_NNNN.parquet   incremental mode: published chunks
//   DIR/STEM[_shardNNNN]_manifest.json        incremental mode: progress and resume state
//   DIR/STEM[_shardNNNN]_errors.jsonl         what the snapshot misses, one JSON line each
//   DIR/STEM[_shardNNNN]_state.bin            --follow-symlinks resume: directories visited
//   DIR/.<any of the above>.tmp-PID           a file being written, renamed when complete
// Temporary names start with a dot and do not end in ".parquet", so no glob a reader would
// use (STEM_chunk_*.parquet, *.parquet) ever matches a half-written file.
//
// Thread safety: immutable after construction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sscan::output {

class OutputPaths {
 public:
  // `output` as given on the command line (made absolute against the working directory).
  explicit OutputPaths(const std::string& output, std::optional<uint32_t> shard = std::nullopt);

  const std::string& dir() const { return dir_; }
  const std::string& data_file() const { return data_file_; }
  const std::string& stem() const { return stem_; }  // including the shard part
  std::string chunk_file(uint64_t number) const;     // number from 1
  std::string chunk_name(uint64_t number) const;     // without the directory
  std::string manifest_file() const { return dir_ + "/" + stem_ + "_manifest.json"; }
  std::string errors_file() const { return dir_ + "/" + stem_ + "_errors.jsonl"; }
  std::string state_file() const { return dir_ + "/" + stem_ + "_state.bin"; }
  // The temporary name under which `final_path` is written.
  static std::string TempFor(const std::string& final_path);

  // Whether `name`, an entry of dir(), is one of the files any scan with this --output writes
  // (any shard, finished or temporary). The walker skips these.
  bool IsOwnOutput(std::string_view name) const;
  // Whether `name` is a temporary file of ours whose writer process is gone.
  bool IsStaleTemp(std::string_view name) const;

 private:
  std::string dir_;
  std::string data_file_;
  std::string base_;       // NAME
  std::string base_stem_;  // STEM without the shard part
  std::string stem_;
};

}  // namespace sscan::output
