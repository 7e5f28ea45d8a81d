// crash_points.h — named steps where a test can make the process die, as kill -9 would.
//
// Random kills almost never land in the microseconds between publishing a chunk and updating
// the manifest, so crash safety is tested step by step. With the environment variable
//   SSCAN_CRASH_AT=<step>[:<n>]
// the process kills itself with SIGKILL the n-th time (default: the first) it reaches <step>.
// Steps, in publishing order: chunk_written (footer written, not synced), chunk_fsynced,
// chunk_renamed, manifest_written (temporary manifest synced, not renamed), manifest_renamed.
// For tests only; unset, it costs one comparison per step.
//
// Thread safety: CrashPoint may be called from any thread.
#pragma once

namespace sscan::output {

void CrashPoint(const char* step);

}  // namespace sscan::output
