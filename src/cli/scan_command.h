// scan_command.h — `storage-scanner scan`: wires the walker to an output and runs it.
//
// Order of events: check the root and the output location (refusing with one line and exit 1
// before anything is written), open the output, install signal handling and the progress
// reporter, walk, then publish (exit 0) or discard (failure: exit 1; signal: 130/143).
#pragma once

#include "cli/scan_options.h"

namespace sscan::cli {

// Returns the process exit code.
int RunScan(ScanOptions& options);

// Prints "storage-scanner: <message>" on stderr as one line.
void PrintError(const std::string& message);

}  // namespace sscan::cli
