// browse_command.h — `storage-scanner browse SNAPSHOT ...`: a launcher for
// scripts/browse_snapshot.py, the ncdu-style browser (docs/browse.md).
//
// The browser is Python (curses, DuckDB); this command only finds the script and a Python
// that has DuckDB, then replaces the process with it (execv), passing the arguments after
// `browse` unchanged. The options are declared here as well, so that `browse --help` and
// the man page document them and a usage error is reported (exit 2) before Python starts;
// tests/browse/test_launcher.py checks that both lists of options are the same.
//
// The script: $SSCAN_SCRIPTS_DIR, else beside the binary as installed
// (BIN/../share/storage-scanner/scripts) or as built in a checkout (BUILD/../../scripts).
// Python: $SSCAN_PYTHON, else SCRIPTS/../.venv/bin/python (a checkout; scripts/setup_venv.sh),
// else BIN/../share/storage-scanner/venv/bin/python (an installation), else python3 on PATH.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace sscan::cli {

struct BrowseOptions {
  std::string snapshot;
  std::string catalog, path, export_ncdu, cache_dir, memory_limit, temp_dir;
  bool list = false, bytes = false, prepare = false, no_index = false, no_color = false;
  int threads = 0;
};

void AddBrowseOptions(CLI::App* cmd, BrowseOptions* options);

// Execs the browser with argv[first_arg..argc) (the arguments after `browse`). Returns only
// when it cannot: the exit status (1) after a one-line message naming what is missing.
int RunBrowse(int argc, char** argv, int first_arg);

}  // namespace sscan::cli
