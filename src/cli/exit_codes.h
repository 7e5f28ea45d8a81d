// exit_codes.h — what storage-scanner's exit status means (documented in the README).
#pragma once

namespace sscan::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFatal = 1;          // the environment: missing path, output not writable,
                                              // damaged manifest, disk full, ...
inline constexpr int kExitUsage = 2;          // the command line itself
inline constexpr int kExitInterrupted = 130;  // SIGINT: partial work kept (incremental), resume
inline constexpr int kExitTerminated = 143;   // SIGTERM (e.g. Slurm's time limit): likewise

}  // namespace sscan::cli
