// plan_command.h — `storage-scanner plan`: explore the top of a tree and write a shard plan.
//
// Order of events: check the command line (usage errors, exit 2), the root and the output
// location (exit 1), all before anything is written; explore within the budget; cut and deal
// the units (plan_builder.h); write plan.json atomically (temp, fsync, rename, fsync the
// directory) with --output-mode; print a summary of the shards on stdout.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace sscan::cli {

struct PlanOptions {
  std::string path;
  int64_t shards = 0;
  std::string output;
  bool one_file_system = false;
  int64_t max_depth = -1;
  int64_t threads = 0;  // 0: DefaultThreads()
  int64_t budget_entries = 5000000;
  double budget_secs = 60;
  bool follow_symlinks = false;  // accepted only to be refused with a reason
  std::string submit_args;
  std::string output_mode = "0600";
  bool force = false;
  bool verbose = false;
  unsigned file_mode = 0600;  // filled by ValidatePlanOptions
};

void AddPlanOptions(CLI::App* cmd, PlanOptions* options);
// Cross-option checks; returns a one-line usage error or "".
std::string ValidatePlanOptions(PlanOptions* options);
// Returns the process exit code.
int RunPlan(const PlanOptions& options);

}  // namespace sscan::cli
