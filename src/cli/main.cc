// main.cc — storage-scanner's command line: subcommands, help, version, exit codes.
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "build_info.h"
#include "cli/browse_command.h"
#include "cli/exit_codes.h"
#include "cli/plan_command.h"
#include "cli/scan_command.h"
#include "cli/scan_options.h"
#include "cli/signal_watcher.h"
#include "cli/status_command.h"

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

Shards of a plan (Slurm job arrays, see 'storage-scanner plan --help'):
  storage-scanner scan --plan plan.json --shard $SLURM_ARRAY_TASK_ID -o /snap/scan.parquet
  writes /snap/scan_shardNNNN_chunk_NNNN.parquet and /snap/scan_shardNNNN_manifest.json,
  resuming that shard's manifest when it exists; /snap/scan_*.parquet reads every shard.

Exit status: 0 success (also when some entries could not be read: see the sidecar);
1 fatal error (path missing, output not writable, disk full, damaged plan or manifest);
2 usage error (also --shard outside the plan, or options that contradict the plan);
130 interrupted by SIGINT, 143 by SIGTERM.
Logging: info; debug with --verbose; STORAGE_SCANNER_LOG=debug|info|warn|error|off overrides.)";

constexpr const char* kPlanFooter = R"(
Example:
  storage-scanner plan -p /project/lab -n 32 -o /snap/2026-11-25/plan.json
  sbatch --array=0-31 scripts/slurm_scan.sh     (each task: scan --plan ... --shard I)

The plan lists the top of the tree with getdents64 only (no statx but for DT_UNKNOWN, no
symlink followed), breadth first, until the budget is spent, then cuts it into units (a
directory's whole subtree, or a directory's own entries) and deals them to the shards,
largest first to the least loaded. Below the explored part sizes are estimates, and say so.
Every entry belongs to exactly one shard; the root's row to shard 0. The plan file is
written 0600 (--output-mode) and carries a plan_id that every shard's manifest records.

Exit status: 0 plan written; 1 path missing, output not writable or already there (--force);
2 usage error (--shards outside 1-100000, --follow-symlinks, unknown option).)";

constexpr const char* kStatusFooter = R"(
For every shard: complete; running (its manifest was rewritten within 2 heartbeats + 60 s,
and, on this host, its process is alive); partial (interrupted: resubmit it); not started (no
manifest: submit it); damaged or of another plan (move that manifest away). Then the line
that resubmits exactly the shards that need it, e.g.
  resubmit: sbatch --array=1-3,7 --export=ALL,SSCAN_PLAN=/snap/plan.json scripts/slurm_scan.sh
(the text after the list is the plan's --submit-args). Wait for the array to leave the queue
(squeue) before resubmitting: a task still pending has no manifest yet.

Exit status: 0 every shard complete; 3 some shard needs (re)submitting or attention;
4 nothing to resubmit, some shard still running; 1 the plan or directory cannot be read
(or holds no shard manifest); 2 usage error.)";

constexpr const char* kBrowseFooter = R"(
Keys: Up/Down j/k move, Enter/Right open, Left/Backspace up, / jump to a path (Tab
completes), s a c m o n sort by disk, apparent, files, modified, owner, name (again:
reverse), i details, b exact bytes, ? help, q quit. Read-only: nothing can be deleted.

Columns: disk usage (allocated bytes, as du counts them), apparent size, regular files,
newest modification time, the owner of most bytes, a bar, the name. A directory's figures
are its whole subtree's (hard links once, as du -s).

The browser opens from the snapshot's per-directory summary, never its rows: from the
browse cache, or from a history catalogue that holds the snapshot (import_snapshot.py).
Without one it computes it once (a progress bar) and keeps it in the cache, never inside
the scanned tree.

Examples:
  storage-scanner browse /snapshots/2026-11-25/lab.parquet
  storage-scanner browse --catalog ~/history.duckdb lab_2026-11-25
  storage-scanner browse lab.parquet --export-ncdu lab.json && ncdu -f lab.json

The browser is scripts/browse_snapshot.py, run by a Python with DuckDB: $SSCAN_PYTHON, else
the checkout's .venv (scripts/setup_venv.sh), else PREFIX/share/storage-scanner/venv, else
python3. Details: docs/browse.md.

Exit status: 0 success; 1 the snapshot, catalogue or cache cannot be used, or no script or
Python was found; 2 usage error (also: the browser needs a terminal).)";

}  // namespace

static int Main(int argc, char** argv) {
  using sscan::cli::kExitUsage;
  // Row groups and Parquet pages are large buffers allocated and freed by many worker
  // threads. glibc raises its mmap threshold after the first such free and then keeps them in
  // per-thread arenas, so the resident size grew with the thread count; a fixed threshold
  // hands them back to the kernel when freed.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  // glibc gives each of up to 8 x cores threads an arena of its own, and each keeps what its
  // thread freed: with 32 to 128 walker threads that was ~10 MB of peak RSS for nothing. The
  // walk allocates little per entry (a node per directory), so four arenas do not contend.
  mallopt(M_ARENA_MAX, 4);
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

  sscan::cli::PlanOptions plan_options;
  CLI::App* plan =
      app.add_subcommand("plan", "Cut a scan into balanced shards for a Slurm job array");
  plan->set_version_flag("-V,--version", VersionText());
  sscan::cli::AddPlanOptions(plan, &plan_options);
  plan->footer(kPlanFooter);

  sscan::cli::StatusOptions status_options;
  CLI::App* status = app.add_subcommand(
      "status", "Report which shards of a plan are complete, running or need resubmitting");
  status->set_version_flag("-V,--version", VersionText());
  sscan::cli::AddStatusOptions(status, &status_options);
  status->footer(kStatusFooter);

  sscan::cli::BrowseOptions browse_options;
  CLI::App* browse = app.add_subcommand(
      "browse", "Browse a snapshot like ncdu, offline (or export it for ncdu -f)");
  browse->set_version_flag("-V,--version", VersionText());
  sscan::cli::AddBrowseOptions(browse, &browse_options);
  browse->footer(kBrowseFooter);

  // CLI11 answers an unknown command with "A subcommand is required"; name it instead.
  if (argc > 1 && argv[1][0] != '-' &&
      app.get_subcommands([&](const CLI::App* c) { return c->get_name() == argv[1]; }).empty()) {
    std::string known;
    for (const CLI::App* c : app.get_subcommands({}))
      known += (known.empty() ? "" : ", ") + c->get_name();
    sscan::cli::PrintError(std::string("unknown command '") + argv[1] + "' (commands: " + known +
                           "; see 'storage-scanner --help')");
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string where = scan->parsed()     ? " scan"
                        : plan->parsed()   ? " plan"
                        : status->parsed() ? " status"
                        : browse->parsed() ? " browse"
                                           : "";
    sscan::cli::PrintError(std::string(e.what()) + " (see 'storage-scanner" + where + " --help')");
    return kExitUsage;
  }

  if (scan->parsed()) {
    if (std::string err = sscan::cli::Validate(&scan_options, *scan); !err.empty()) {
      sscan::cli::PrintError(err + " (see 'storage-scanner scan --help')");
      return kExitUsage;
    }
    return sscan::cli::RunScan(scan_options);
  }
  // plan and status need no clean stop: Ctrl+C ends them as it ends any tool.
  sscan::cli::SignalWatcher::RestoreDefaults();
  if (plan->parsed()) {
    if (std::string err = sscan::cli::ValidatePlanOptions(&plan_options); !err.empty()) {
      sscan::cli::PrintError(err + " (see 'storage-scanner plan --help')");
      return kExitUsage;
    }
    return sscan::cli::RunPlan(plan_options);
  }
  if (status->parsed()) return sscan::cli::RunStatus(status_options);
  if (browse->parsed()) {
    int first = 1;
    while (first < argc && std::string(argv[first]) != "browse") ++first;
    return sscan::cli::RunBrowse(argc, argv, first + 1);
  }
  return kExitUsage;
}

int main(int argc, char** argv) {
  // Errors are Status values everywhere; an exception reaching here is a bug or an allocation
  // failure. It still ends with the one-line message and exit code of a fatal error, not with
  // std::terminate's abort.
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    sscan::cli::PrintError(std::string("internal error: ") + e.what());
  } catch (...) {
    sscan::cli::PrintError("internal error: unknown exception");
  }
  return sscan::cli::kExitFatal;
}
