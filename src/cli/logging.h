// logging.h — where log lines go and how much of them.
//
// Log lines go to stderr (stdout stays free for what a command prints as its result). The
// level is info, debug with --verbose, and STORAGE_SCANNER_LOG (trace, debug, info, warn,
// error, off) overrides both; RUST_LOG is honoured as well, for scripts written for the seed.
#pragma once

#include <string>

namespace sscan::cli {

// Returns an error message (for a bad environment value) or "".
std::string SetUpLogging(bool verbose);

// Whether stderr is a terminal (live progress line) or a log file (periodic lines).
bool StderrIsTerminal();

}  // namespace sscan::cli
