// shard_status.h — which shards of a distributed scan are done, running, or need resubmitting.
//
// Slurm forgets: a task cancelled while pending leaves no trace, and without accounting no
// record of how a task ended survives. The truth is in the shards' manifests, which each
// shard rewrites at least every heartbeat_secs while it runs. A shard is
//   complete     its manifest says so;
//   running      not complete, and updated within 2 heartbeats + 60 s — and, when it was
//                written on this host, its process is still alive;
//   partial      not complete and not running: killed, timed out, failed; resubmit it;
//   not started  no manifest; submit it;
//   damaged      a manifest that does not parse: resuming would refuse it (move it away);
//   other plan   a manifest of another plan under this shard's name: likewise.
//
// CollectStatus finds the manifests (STEM_shardNNNN_manifest.json) through the FileSystem
// seam, so tests run it against a fake directory and a fixed clock.
//
// Thread safety: pure functions over their inputs.
#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "output/file_system.h"
#include "output/manifest.h"
#include "shard/shard_plan.h"

namespace sscan::shard {

enum class ShardState : uint8_t {
  kComplete,
  kRunning,
  kPartial,
  kNotStarted,
  kDamaged,
  kOtherPlan
};
const char* ShardStateName(ShardState s);  // "complete", "running", "partial", "not started", ...

// What "running" is judged by: now, this host's name, and a pid probe for this host.
struct Liveness {
  std::time_t now = 0;
  std::string this_host;
  std::function<bool(int64_t pid)> pid_alive;
};
Liveness SystemLiveness();  // the real clock, gethostname(), kill(pid, 0)

struct ShardReport {
  uint32_t shard = 0;
  ShardState state = ShardState::kNotStarted;
  uint64_t rows = 0;
  uint64_t chunks = 0;
  uint64_t errors = 0;
  std::string updated_at;
  std::string host;
  int64_t pid = 0;
  std::string slurm_job;
  std::optional<uint64_t> estimate;  // from the plan, when it is known
  std::string detail;                // why damaged / other plan
};

// One distributed scan: one output stem in one directory, one plan.
struct StatusGroup {
  std::string dir;
  std::string stem;  // "" when no manifest names it (nothing started yet)
  std::string plan_id;
  std::string plan_path;    // "" when unknown
  std::string submit_args;  // the plan's, "" when unknown
  uint32_t shards = 0;
  std::vector<ShardReport> reports;  // one per shard, in order

  std::vector<uint32_t> ToResubmit() const;  // partial and not started
  bool AllComplete() const;
  bool AnyRunning() const;
};

// What to look at. With `plan`: its shards, in `dir` (with `stem` when given, else every
// stem whose manifests carry the plan's id). Without: every shard manifest in `dir`, grouped
// by stem and plan id.
struct StatusQuery {
  std::string dir;
  std::optional<std::string> stem;
  const ShardPlan* plan = nullptr;
  std::string plan_path;
};

// Fails only when `dir` cannot be listed, or (without a plan) holds no shard manifest.
// `load_plan` is asked for a group's plan when none was given (by its recorded path).
Result<std::vector<StatusGroup>> CollectStatus(
    output::FileSystem* fs, const StatusQuery& query, const Liveness& liveness,
    const std::function<std::optional<ShardPlan>(const std::string& path)>& load_plan);

// The state of a shard from its manifest (complete, running or partial).
ShardState Classify(const output::Manifest& m, const Liveness& liveness);

// "1-3,7,9-10": sorted indices, consecutive runs as ranges (sbatch --array syntax).
std::string CompactRanges(std::vector<uint32_t> indices);

// The exit status of `status`: 0 all complete, 3 some shard needs (re)submitting or
// attention, 4 nothing to resubmit but some shard still running.
inline constexpr int kStatusNeedsWork = 3;
inline constexpr int kStatusRunning = 4;
int StatusExitCode(const std::vector<StatusGroup>& groups);

}  // namespace sscan::shard
