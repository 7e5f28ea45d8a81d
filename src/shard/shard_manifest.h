// shard_manifest.h — how a shard of a plan becomes an incremental scan with resume.
//
// A shard needs no walk of its own: its first manifest says "nothing published yet, these
// directories pending" — the plan's units, flat ones flagged, identities not verified
// (device = inode = 0), ids 1..k — and the root row only for the shard that owns it. From
// there the ordinary incremental machinery (ChunkedOutput, ResumeLedger, StartFromManifest)
// publishes chunks and resumes exactly once, per shard, with no shard-specific code.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>

#include "output/manifest.h"
#include "shard/shard_plan.h"

namespace sscan::shard {

// The manifest shard `shard` starts from. Fills the resume state, the identity (the plan's
// row options), root, plan_id, shard, shards and plan_path; the caller adds what describes the
// run (scanner version, times, host, root device and inode).
// REQUIRES: shard < plan.shards.
output::Manifest FirstShardManifest(const ShardPlan& plan, uint32_t shard,
                                    const std::string& plan_path);

// "" when the manifest found on disk is shard `shard` of `plan`, else why not (one line).
std::string CheckShardManifest(const output::Manifest& m, const ShardPlan& plan, uint32_t shard);

// Every unit's path, all shards together (see WalkOptions::claimed_by_plan).
std::unordered_set<std::string> ClaimedDirectories(const ShardPlan& plan);

}  // namespace sscan::shard
