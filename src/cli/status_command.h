// status_command.h — `storage-scanner status PLAN|DIR`: per shard complete, running, partial
// or not started, and the exact sbatch line that resubmits what needs it.
//
// Reads only (manifests and the plan); prints a table (or --json) on stdout. Exit status:
// 0 every shard complete; 3 some shard needs (re)submitting or attention; 4 nothing to
// resubmit but some shard is still running; 1 the plan or the directory cannot be read;
// 2 usage error.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace sscan::cli {

struct StatusOptions {
  std::string target;  // a plan file or a directory of shard manifests
  std::string output;  // with a plan: where the shards write (DIR/STEM.parquet)
  bool json = false;
};

void AddStatusOptions(CLI::App* cmd, StatusOptions* options);
// Returns the process exit code.
int RunStatus(const StatusOptions& options);

}  // namespace sscan::cli
