// manifest.h — STEM_manifest.json: what has been published, and where a scan resumes.
//
// The manifest is the single source of truth of an incremental scan. It is replaced atomically
// (temp, fsync, rename, fsync the directory) after each chunk is published, so at any moment
// it describes exactly the chunks on disk that count, and the state from which the scan goes
// on: the directories whose listing is not finished (with the getdents position where it
// stopped), the symlinks not yet decided (--follow-symlinks), and how many bytes of the error
// sidecar and the visited-set state file belong to the published chunks.
//
// The fields the seed's users read (total_rows, chunk_count, chunks[].file_path, completed,
// completed_dirs, ...) keep the seed's names and meaning. Raw byte strings that are not UTF-8
// (paths) are stored as "<field>_b64" beside a repaired "<field>".
//
// Thread safety: plain values; parsing and formatting are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace sscan::output {

inline constexpr int kManifestVersion = 1;

struct ManifestChunk {
  std::string file_path;  // absolute
  uint64_t rows = 0;
  uint64_t bytes = 0;
  std::string created_at;
};

// A directory whose listing is pending (cookie 0, seq 0) or partly published.
struct PendingDir {
  uint64_t id = 0;
  std::string path;  // relative to the root, raw bytes ("" = the root)
  uint32_t depth = 0;
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t cookie = 0;
  uint32_t next_seq = 0;
  uint32_t round = 0;
  bool flat = false;  // a shard's directory above the plan's split points: no descent
};

struct PendingLink {
  std::string path;  // relative to the root, raw bytes
  uint32_t depth = 0;
  uint32_t round = 0;
};

// The options that decide which rows a scan produces: a resumed scan must use the same.
struct ScanIdentity {
  bool follow_symlinks = false;
  int64_t max_depth = -1;
  bool one_file_system = false;
  std::vector<std::string> excludes;
  // Exclusions compare as a set: their order decides nothing.
  bool operator==(const ScanIdentity& other) const;
};

struct Manifest {
  int version = kManifestVersion;
  std::string scanner_version;
  std::string root;  // absolute, raw bytes
  ScanIdentity identity;
  std::string options_json;  // every option, for the record ({} if unknown)
  std::string started_at;
  std::string updated_at;
  std::optional<std::string> finished_at;
  bool completed = false;
  uint64_t total_rows = 0;
  std::vector<ManifestChunk> chunks;
  std::vector<std::string> completed_dirs;  // top-level directories fully scanned
  uint64_t errors = 0;
  uint64_t vanished = 0;
  uint64_t excluded = 0;
  uint64_t mount_points_skipped = 0;
  std::string host;
  int64_t pid = 0;  // of the process that wrote this manifest (0: unknown)
  // The manifest is rewritten at least this often while its scan runs (a heartbeat when no
  // chunk was published): `status` tells a running scan from a dead one by updated_at.
  uint64_t heartbeat_secs = 0;  // 0: unknown (an older manifest)
  std::string slurm_job;        // "JOB" or "ARRAYJOB_TASK" when run under Slurm, else ""

  // A shard of a plan (plan_id empty otherwise): which plan, which shard, and where the plan
  // was (for `status DIR`, informational).
  std::string plan_id;
  int64_t shard = -1;
  int64_t shards = 0;
  std::string plan_path;

  // Resume state.
  // A scan of the whole tree starts at the root (its pending directories are implicit until
  // the root row is published); a shard of a plan starts from the units the plan gave it.
  bool walk_from_root = true;
  bool includes_root_row = true;  // false for every shard but the one the plan gives it to
  uint64_t root_device = 0;
  uint64_t root_inode = 0;
  bool root_row_done = false;
  uint64_t next_id = 1;
  uint64_t errors_bytes = 0;  // valid prefix of the error sidecar
  uint64_t state_bytes = 0;   // valid prefix of the visited-set file
  std::vector<PendingDir> pending_dirs;
  std::vector<PendingLink> pending_links;
};

std::string FormatManifest(const Manifest& m);
// Fails with a message that says what is wrong ("not JSON: ...", "field 'chunks' ...").
Result<Manifest> ParseManifest(const std::string& text);

}  // namespace sscan::output
