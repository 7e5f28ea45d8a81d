// shard_scan.h — `scan --plan P --shard I`: the plan read and the command line checked against
// it, before anything is written.
//
// The plan decides the root and the options that decide which rows exist; the command line
// may repeat them but not contradict them. Refusals: a plan that cannot be read or is
// damaged is fatal (exit 1); --shard outside the plan, a different --path, -x or --max-depth
// are usage errors (exit 2). Each is one line on stderr.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>

#include "cli/scan_options.h"
#include "shard/shard_plan.h"

namespace sscan::cli {

struct ShardScan {
  shard::ShardPlan plan;
  std::string plan_path;  // absolute
  uint32_t index = 0;
  std::unordered_set<std::string> claimed;  // every unit's path (WalkOptions::claimed_by_plan)
};

// Reads and checks; on success sets options.path to the plan's root. On refusal prints the
// reason and stores the exit code in *exit_code.
std::optional<ShardScan> PrepareShardScan(ScanOptions& options, int* exit_code);

// Reads and parses a plan file; the message names the file and what is wrong.
Result<shard::ShardPlan> ReadPlanFile(const std::string& path);

}  // namespace sscan::cli
