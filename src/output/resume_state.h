// resume_state.h — what --resume finds on disk, checked before anything is touched.
//
// LoadResumeState reads STEM_manifest.json and refuses (nothing changed) when the manifest is
// damaged, belongs to another root, was made with options that decide which rows exist
// (--follow-symlinks, --max-depth, -x, --exclude), or lists chunk files that are missing or
// truncated. Only when every check passes does RepairForResume remove what an interrupted
// run can leave behind: chunk files published after the last manifest update (their rows are
// produced again) and temporary files.
//
// Thread safety: plain functions; call before the scan starts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "output/file_system.h"
#include "output/manifest.h"
#include "output/output_paths.h"
#include "walk/walker.h"

namespace sscan::output {

struct ResumeState {
  Manifest manifest;
  std::vector<std::string> orphan_chunks;              // file names to remove before resuming
  std::vector<std::pair<uint64_t, uint64_t>> visited;  // --follow-symlinks state file
};

// nullopt: there is no manifest (a fresh scan). A Status error: refuse to resume.
Result<std::optional<ResumeState>> LoadResumeState(FileSystem* fs, const OutputPaths& paths,
                                                   const std::string& root,
                                                   const ScanIdentity& identity,
                                                   bool track_visited);

// Where the walk of a resumed scan starts: the manifest's pending directories and links, or
// the root when the interrupted run published nothing (not even the root row).
walk::WalkStart StartFromManifest(const Manifest& m,
                                  std::vector<std::pair<uint64_t, uint64_t>> visited);

// Removes `names` (in the output directory); returns the first failure.
Status RemoveFiles(FileSystem* fs, const OutputPaths& paths, const std::vector<std::string>& names);

// Chunk files of this output that no manifest accounts for (a fresh scan removes them so the
// chunk glob never mixes two scans).
std::vector<std::string> UnlistedChunks(FileSystem* fs, const OutputPaths& paths,
                                        const Manifest* manifest);

}  // namespace sscan::output
