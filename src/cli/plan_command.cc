#include "cli/plan_command.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "build_info.h"
#include "cli/exit_codes.h"
#include "cli/logging.h"
#include "cli/number_format.h"
#include "cli/progress.h"
#include "cli/scan_command.h"
#include "cli/scan_options.h"
#include "common/path_util.h"
#include "common/utf8.h"
#include "output/file_system.h"
#include "output/output_paths.h"
#include "shard/plan_builder.h"
#include "shard/shard_plan.h"
#include "shard/tree_explorer.h"

namespace sscan::cli {
namespace {

std::string Utf8(const std::string& raw) {
  if (IsValidUtf8(raw)) return raw;
  std::string s;
  AppendUtf8Replaced(&s, raw);
  return s;
}

std::string IsoNow() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string HostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

// The plan's file must be creatable: refuse now rather than after the exploration.
Status CheckPlanOutput(const std::string& file, bool force) {
  const std::string dir = ParentDirectory(file);
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) return Status::FromErrno("output directory", dir, errno);
  if (!S_ISDIR(st.st_mode)) return Status::Error("output directory " + dir + " is not a directory");
  if (access(dir.c_str(), W_OK) != 0) {
    return Status::FromErrno("output directory", dir + " is not writable", errno);
  }
  if (stat(file.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::Error("output " + file + " is a directory, not a file");
    if (!force) {
      return Status::Error("plan " + file +
                           " exists (shards may be scanning with it); choose another --output, "
                           "or add --force to replace it");
    }
  }
  return Status::Ok();
}

// temp -> fsync -> rename -> fsync the directory: a reader never sees half a plan.
Status WritePlanFile(const std::string& file, const std::string& text, unsigned mode) {
  output::FileSystem* fs = output::PosixFileSystem();
  const std::string temp = output::OutputPaths::TempFor(file);
  (void)fs->Remove(temp);
  auto f = fs->Create(temp, mode);
  if (!f.ok()) return f.status();
  Status s = (*f)->Write(text.data(), text.size());
  if (s.ok()) s = (*f)->Sync();
  if (s.ok()) s = (*f)->Close();
  if (s.ok()) s = fs->Rename(temp, file);
  if (!s.ok()) {
    (void)fs->Remove(temp);
    return s;
  }
  return fs->SyncDir(ParentDirectory(file));
}

void PrintSummary(const shard::ShardPlan& plan, const std::string& file) {
  std::printf("plan %s (id %s): %u shards over %s\n", Utf8(file).c_str(), plan.plan_id.c_str(),
              plan.shards, Utf8(plan.root).c_str());
  const shard::PlanExploration& e = plan.exploration;
  std::printf("explored %s entries in %s directories in %.1f s: %s\n",
              WithThousands(e.entries_listed).c_str(), WithThousands(e.directories_listed).c_str(),
              static_cast<double>(e.milliseconds) / 1000.0,
              e.exhausted ? "the whole tree, every size is exact"
                          : "budget reached, sizes below the explored part are estimated");
  std::printf("%-7s %-10s %16s %8s\n", "shard", "", "rows", "units");
  uint64_t lo = UINT64_MAX, hi = 0;
  uint32_t empty = 0;
  for (const shard::ShardAssignment& a : plan.assignments) {
    lo = std::min(lo, a.estimate);
    hi = std::max(hi, a.estimate);
    empty += a.units.empty() && !a.root_row ? 1 : 0;
    // A summary, not a listing: the first 50 shards, then only the totals.
    if (a.shard < 50) {
      std::printf("%-7u %-10s %16s %8zu\n", a.shard, a.exact ? "exact" : "estimated",
                  WithThousands(a.estimate).c_str(), a.units.size());
    }
  }
  if (plan.shards > 50) std::printf("... (%u more shards in the plan file)\n", plan.shards - 50);
  std::printf("total %s rows (%s); smallest shard %s, largest %s, max/min ",
              WithThousands(plan.total_estimate).c_str(), plan.exact ? "exact" : "estimated",
              WithThousands(lo).c_str(), WithThousands(hi).c_str());
  if (lo > 0) {
    std::printf("%.2f\n", static_cast<double>(hi) / static_cast<double>(lo));
  } else {
    std::printf("inf (%u shards have nothing to scan)\n", empty);
  }
  std::fflush(stdout);
}

}  // namespace

void AddPlanOptions(CLI::App* cmd, PlanOptions* o) {
  cmd->add_option("-p,--path", o->path, "Directory to plan the scan of")
      ->required()
      ->type_name("PATH");
  cmd->add_option("-n,--shards", o->shards,
                  "Number of shards (1-" + std::to_string(shard::kMaxShards) +
                      "): the Slurm array is 0..N-1")
      ->required()
      ->transform(DecimalInteger())
      ->check(CLI::Range(int64_t{1}, int64_t{shard::kMaxShards}))
      ->type_name("N");
  cmd->add_option("-o,--output", o->output,
                  "Plan file to write (JSON); by default shards write their output beside it")
      ->required()
      ->type_name("PLAN.json");
  cmd->add_flag("-x,--one-file-system", o->one_file_system,
                "Do not descend into other filesystems than the root's (scan the shards with -x "
                "too)");
  cmd->add_option("-m,--max-depth", o->max_depth,
                  "The scan's --max-depth (scan the shards with the same) [default: unlimited]")
      ->transform(DecimalInteger())
      ->check(CLI::Range(int64_t{0}, int64_t{1000000}))
      ->type_name("N");
  cmd->add_option(
         "-t,--threads", o->threads,
         "Threads listing directories (1-1024) [default: " + std::to_string(DefaultThreads()) + "]")
      ->transform(DecimalInteger())
      ->check(CLI::Range(int64_t{1}, int64_t{1024}))
      ->type_name("N");
  cmd->add_option("--budget-entries", o->budget_entries,
                  "Stop exploring after counting this many entries (1-10000000000); sizes "
                  "below are then estimated")
      ->transform(DecimalInteger())
      ->check(CLI::Range(int64_t{1}, int64_t{10000000000}))
      ->capture_default_str()
      ->type_name("N");
  cmd->add_option("--budget-secs", o->budget_secs,
                  "Stop exploring after this many seconds (0.1-86400), whichever comes first")
      ->transform(DecimalNumber())
      ->check(CLI::Range(0.1, 86400.0))
      ->capture_default_str()
      ->type_name("SECS");
  cmd->add_flag("-f,--follow-symlinks", o->follow_symlinks,
                "Not supported with plans (refused): shards cannot coordinate which one enters "
                "a directory reached through a link");
  cmd->add_option("--submit-args", o->submit_args,
                  "Shell text that follows 'sbatch --array=LIST' to submit this plan's array "
                  "(options and script); 'status' prints it in its resubmit line")
      ->type_name("ARGS");
  cmd->add_option("--output-mode", o->output_mode,
                  "Permission bits (octal) of the plan file; the default keeps the tree's "
                  "directory names private")
      ->capture_default_str()
      ->type_name("MODE");
  cmd->add_flag("--force", o->force, "Replace an existing plan file");
  cmd->add_flag("-v,--verbose", o->verbose, "Debug logging (or set STORAGE_SCANNER_LOG)");
}

std::string ValidatePlanOptions(PlanOptions* o) {
  if (std::string err = CheckPathArguments(o->path, o->output); !err.empty()) return err;
  if (o->follow_symlinks) {
    return "--follow-symlinks cannot be used with a plan: shards cannot coordinate which one "
           "enters a directory reached through a link";
  }
  return ParseOutputMode(o->output_mode, &o->file_mode);
}

int RunPlan(const PlanOptions& o) {
  if (std::string err = SetUpLogging(o.verbose); !err.empty()) {
    PrintError(err);
    return kExitUsage;
  }
  const std::string root = AbsoluteNormalized(o.path);
  const std::string file = AbsoluteNormalized(o.output);
  struct stat st;
  if (stat(root.c_str(), &st) != 0) {
    PrintError(Status::FromErrno("cannot plan", root, errno).message());
    return kExitFatal;
  }
  if (Status s = CheckPlanOutput(file, o.force); !s.ok()) {
    PrintError(s.message());
    return kExitFatal;
  }

  shard::ExploreOptions eo;
  eo.root = root;
  eo.threads = o.threads > 0 ? static_cast<unsigned>(o.threads) : DefaultThreads();
  eo.one_file_system = o.one_file_system;
  if (o.max_depth >= 0) eo.max_depth = static_cast<uint32_t>(o.max_depth);
  eo.budget_entries = static_cast<uint64_t>(o.budget_entries);
  eo.budget_time = std::chrono::milliseconds(static_cast<int64_t>(o.budget_secs * 1000));
  spdlog::info("exploring {} with {} threads (budget {} entries or {} s)", Utf8(root), eo.threads,
               WithThousands(eo.budget_entries), o.budget_secs);
  auto tree = shard::ExploreTree(eo);
  if (!tree.ok()) {
    PrintError(tree.status().message());
    return kExitFatal;
  }

  shard::ShardPlan plan;
  plan.scanner_version = build_info::kVersion;
  plan.root = root;
  plan.root_is_directory = tree->root_is_directory;
  plan.created_at = IsoNow();
  plan.host = HostName();
  plan.shards = static_cast<uint32_t>(o.shards);
  plan.options.one_file_system = o.one_file_system;
  plan.options.max_depth = o.max_depth;
  plan.exploration.entries_listed = tree->entries_listed;
  plan.exploration.directories_listed = tree->directories_listed;
  plan.exploration.milliseconds = static_cast<uint64_t>(tree->seconds * 1000);
  plan.exploration.exhausted = tree->exhausted;
  plan.exploration.budget_entries = eo.budget_entries;
  plan.exploration.budget_milliseconds = static_cast<uint64_t>(eo.budget_time.count());
  plan.exploration.threads = eo.threads;
  plan.submit_args = o.submit_args;
  shard::BuildAssignments(*tree, &plan);
  shard::SealPlan(&plan);
  // The plan is checked as a reader will check it: a bug here must not reach the shards.
  if (std::string err = shard::ValidatePlan(plan); !err.empty()) {
    PrintError("internal error: the plan made is invalid: " + err);
    return kExitFatal;
  }
  if (Status s = WritePlanFile(file, shard::FormatPlan(plan), o.file_mode); !s.ok()) {
    PrintError(s.message());
    return kExitFatal;
  }
  PrintSummary(plan, file);
  return kExitOk;
}

}  // namespace sscan::cli
