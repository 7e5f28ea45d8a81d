// shard_plan.h — plan.json: which shard scans which part of a tree.
//
// A plan cuts one scan into N shards so that every entry of the tree is a row of exactly one
// shard. It does so with units:
//   subtree "a/b"  everything below a/b (not a/b's own row) belongs to this shard;
//   flat    "a"    a's direct entries (files and subdirectories alike) belong to this shard,
//                  which does not descend into the subdirectories the plan gave out as units
//                  (it does descend into any other, e.g. one created after the plan was made);
//   the root row   belongs to shard 0.
// A unit's own row is therefore always in its parent's flat unit (or is the root row), which
// is what Validate() checks: every unit but the root's has a flat unit as its parent, no path
// is a unit twice, and shard 0 alone carries the root row. With that, coverage is exact by
// construction, whatever the estimates say.
//
// The file is JSON, versioned, written 0600 like every file the scanner writes. Raw bytes
// that are not UTF-8 (the root, unit paths) travel as "<field>_b64" beside a repaired
// "<field>", as in the manifest. `plan_id` is a hash of everything else in the file: shard
// manifests record it, so a shard is never resumed against another plan, and a plan edited
// or damaged after it was made is refused.
//
// Thread safety: plain values; formatting and parsing are pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace sscan::shard {

inline constexpr int kPlanVersion = 1;
inline constexpr uint32_t kMaxShards = 100000;

enum class UnitKind : uint8_t { kSubtree, kFlat };

struct PlanUnit {
  std::string path;  // relative to the root, raw bytes; "" is the root directory
  UnitKind kind = UnitKind::kSubtree;
  uint32_t depth = 0;     // of the directory: the number of components of `path`
  uint64_t estimate = 0;  // rows: below the directory (subtree) or directly in it (flat)
  bool exact = false;     // `estimate` is a count, not an estimate
};

struct ShardAssignment {
  uint32_t shard = 0;
  bool root_row = false;
  uint64_t estimate = 0;  // rows of this shard (units plus the root row)
  bool exact = false;
  std::vector<PlanUnit> units;  // sorted by path (byte order)
};

// The options that decide which rows exist: a shard scan must run with the same.
struct PlanRowOptions {
  bool one_file_system = false;
  int64_t max_depth = -1;  // -1: unlimited
  std::vector<std::string> excludes;
  bool operator==(const PlanRowOptions&) const = default;
};

struct PlanExploration {
  uint64_t entries_listed = 0;
  uint64_t directories_listed = 0;
  uint64_t milliseconds = 0;
  bool exhausted = false;  // the whole tree was listed
  uint64_t budget_entries = 0;
  uint64_t budget_milliseconds = 0;
  uint32_t threads = 0;
};

struct ShardPlan {
  int version = kPlanVersion;
  std::string plan_id;  // set by SealPlan(); checked by ParsePlan()
  std::string scanner_version;
  std::string root;  // absolute, lexically normalised, raw bytes
  bool root_is_directory = true;
  std::string created_at;
  std::string host;
  uint32_t shards = 1;
  PlanRowOptions options;
  PlanExploration exploration;
  uint64_t total_estimate = 0;  // rows of the whole scan
  bool exact = false;
  // What `status` appends to "sbatch --array=LIST" in its resubmit line (shell text, e.g.
  // "--export=ALL,SSCAN_PLAN=/x/plan.json /x/slurm_scan.sh"); "" when not recorded.
  std::string submit_args;
  std::vector<ShardAssignment> assignments;  // one per shard, in shard order
};

// Structural checks that make coverage exact (see the file comment). "" when valid, else
// what is wrong, naming the shard and unit.
std::string ValidatePlan(const ShardPlan& plan);

// Computes and stores plan.plan_id from the rest of the plan.
void SealPlan(ShardPlan* plan);

std::string FormatPlan(const ShardPlan& plan);
// Refuses (with what is wrong) a file that is not a plan, of another version, whose plan_id
// does not match its content, or that fails ValidatePlan().
Result<ShardPlan> ParsePlan(const std::string& text);

const char* UnitKindName(UnitKind kind);

}  // namespace sscan::shard
