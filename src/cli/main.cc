// main.cc — storage-scanner's command line: subcommands, help, version, exit codes.
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "build_info.h"
#include "cli/exit_codes.h"
#include "cli/scan_command.h"
#include "cli/scan_options.h"
#include "cli/signal_watcher.h"

namespace {

std::string VersionText() {
  return std::string("storage-scanner ") + sscan::build_info::kVersion + " (git " +
         sscan::build_info::kGitRevision + ", " + sscan::build_info::kFlavour + ")";
}

constexpr const char* kScanFooter = R"(
Examples:
  storage-scanner scan -p /project/lab -o /snapshots/2026-11-25/lab.parquet
  storage-scanner scan -p /scratch -o scratch.parquet -t 64 -x --max-rate 20000

Output: one row per entry (the root included), written under a temporary name and renamed
when complete; problems (permission denied, vanished entries, loops) are listed in
STEM_errors.jsonl beside the output. Files are created with mode 0600 (--output-mode).

Exit status: 0 success (also when some entries could not be read: see the sidecar);
1 fatal error (path missing, output not writable, disk full); 2 usage error;
130 interrupted by SIGINT, 143 by SIGTERM.
Logging: info; debug with --verbose; STORAGE_SCANNER_LOG=debug|info|warn|error|off overrides.)";

}  // namespace

int main(int argc, char** argv) {
  using sscan::cli::kExitUsage;
  // Row groups and Parquet pages are large buffers allocated and freed by many worker
  // threads. glibc raises its mmap threshold after the first such free and then keeps them in
  // per-thread arenas, so the resident size grew with the thread count; a fixed threshold
  // hands them back to the kernel when freed.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  // Before anything else: a SIGINT/SIGTERM arriving while a scan starts up must still end in
  // a clean stop, not in the default action. Commands other than scan restore the default
  // behaviour after parsing.
  sscan::cli::SignalWatcher::InstallHandlers();
  CLI::App app{
      "storage-scanner: walk a filesystem in parallel and write every entry's metadata "
      "to Apache Parquet"};
  app.name("storage-scanner");
  app.set_version_flag("-V,--version", VersionText());
  app.require_subcommand(1);
  app.fallthrough(false);

  sscan::cli::ScanOptions scan_options;
  CLI::App* scan = app.add_subcommand("scan", "Scan a directory tree into a Parquet file");
  scan->set_version_flag("-V,--version", VersionText());
  sscan::cli::AddScanOptions(scan, &scan_options);
  scan->footer(kScanFooter);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string where = scan->parsed() ? " scan" : "";
    sscan::cli::PrintError(std::string(e.what()) + " (see 'storage-scanner" + where + " --help')");
    return kExitUsage;
  }

  if (scan->parsed()) {
    if (std::string err = sscan::cli::Validate(&scan_options); !err.empty()) {
      sscan::cli::PrintError(err + " (see 'storage-scanner scan --help')");
      return kExitUsage;
    }
    return sscan::cli::RunScan(scan_options);
  }
  sscan::cli::SignalWatcher::RestoreDefaults();
  return kExitUsage;
}
