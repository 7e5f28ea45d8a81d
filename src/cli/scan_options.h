// scan_options.h — the `scan` command's options: their names, defaults, ranges and help.
//
// Everything a user can type for `storage-scanner scan` is declared here, in one place, with
// the range it is checked against (a value outside it is a usage error, exit 2) and the help
// text `--help` prints. Cross-option rules (--resume needs --incremental, --plan needs --shard,
// ...) are checked in Validate(), also as usage errors. Rules that need the plan's content
// (--shard within its shard count, --path and the row options equal to the plan's) are checked
// by RunScan once the plan is read.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sscan::cli {

struct ScanOptions {
  std::string path;
  std::string output;
  int64_t threads = 0;  // 0: DefaultThreads()
  int64_t batch_size = 100000;
  bool follow_symlinks = false;
  int64_t max_depth = -1;  // -1: unlimited
  bool verbose = false;
  bool one_file_system = false;
  int64_t max_rate = 0;  // 0: unlimited
  bool no_resolve_names = false;
  std::vector<std::string> excludes;
  std::vector<std::string> exclude_from;
  std::string output_mode = "0600";
  std::string compression = "zstd";
  double progress_interval = 10;
  bool incremental = false;
  int64_t rows_per_chunk = 500000;
  int64_t chunk_interval_secs = 300;
  bool resume = false;
  std::string plan;    // --plan: scan one shard of this plan
  int64_t shard = -1;  // --shard

  // Filled by Validate():
  unsigned file_mode = 0600;
};

// Threads when --threads is not given: enough requests in flight for a cold, I/O-bound scan
// (the kernel waits on the disk or the metadata server, not on the CPU), few enough not to
// slow a warm one. Chosen by measurement; see the README's performance section.
unsigned DefaultThreads();

// Declares the options on `cmd` (the `scan` subcommand).
void AddScanOptions(CLI::App* cmd, ScanOptions* options);

// Cross-option checks and conversions; returns a one-line usage error or "". `cmd` is the
// parsed `scan` subcommand (to tell given options from defaults).
std::string Validate(ScanOptions* options, const CLI::App& cmd);

// --output-mode's text -> permission bits; a one-line usage error or "" (shared with `plan`).
// Refuses an empty --path, an empty --output or one ending in '/' (a directory).
std::string CheckPathArguments(const std::string& path, const std::string& output);

std::string ParseOutputMode(const std::string& text, unsigned* mode);

}  // namespace sscan::cli
