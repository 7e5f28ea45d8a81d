#include "cli/scan_command.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>

#include "build_info.h"
#include "cli/exit_codes.h"
#include "cli/logging.h"
#include "cli/progress.h"
#include "cli/shard_scan.h"
#include "cli/signal_watcher.h"
#include "common/base64.h"
#include "common/path_util.h"
#include "common/utf8.h"
#include "output/chunked_output.h"
#include "output/error_records.h"
#include "output/file_system.h"
#include "output/name_resolver.h"
#include "output/output_paths.h"
#include "output/resume_state.h"
#include "output/standard_output.h"
#include "shard/shard_manifest.h"
#include "walk/exclude_filter.h"
#include "walk/rate_limiter.h"
#include "walk/walker.h"

namespace sscan::cli {
namespace {

std::string IsoTime(std::time_t t) {
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

std::string Utf8(const std::string& raw) {
  if (IsValidUtf8(raw)) return raw;
  std::string s;
  AppendUtf8Replaced(&s, raw);
  return s;
}

// Refuses an output location that cannot work, before anything is written.
Status CheckOutputLocation(const output::OutputPaths& paths) {
  struct stat st;
  if (stat(paths.dir().c_str(), &st) != 0) {
    return Status::FromErrno("output directory", paths.dir(), errno);
  }
  if (!S_ISDIR(st.st_mode)) {
    return Status::Error("output directory " + paths.dir() + " is not a directory", ENOTDIR);
  }
  if (access(paths.dir().c_str(), W_OK) != 0) {
    return Status::FromErrno("output directory", paths.dir() + " is not writable", errno);
  }
  if (stat(paths.data_file().c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return Status::Error("output " + paths.data_file() + " is a directory, not a file", EISDIR);
  }
  return Status::Ok();
}

// Temporary files left by a scan of this output that was killed (kill -9, node failure).
void RemoveStaleTemps(const output::OutputPaths& paths) {
  auto names = output::PosixFileSystem()->ListDir(paths.dir());
  if (!names.ok()) return;
  for (const auto& n : *names) {
    if (paths.IsStaleTemp(n)) {
      spdlog::debug("removing stale temporary file {}/{}", paths.dir(), n);
      (void)output::PosixFileSystem()->Remove(paths.dir() + "/" + n);
    }
  }
}

parquet::Codec CodecFor(const std::string& name) {
  if (name == "snappy") return parquet::Codec::kSnappy;
  if (name == "none") return parquet::Codec::kUncompressed;
  return parquet::Codec::kZstd;
}

// "ARRAYJOB_TASK" for a task of a Slurm job array, "JOB" for another job, "" outside Slurm.
std::string SlurmJob() {
  const char* array_job = std::getenv("SLURM_ARRAY_JOB_ID");
  const char* task = std::getenv("SLURM_ARRAY_TASK_ID");
  if (array_job != nullptr && task != nullptr) return std::string(array_job) + "_" + task;
  const char* job = std::getenv("SLURM_JOB_ID");
  return job != nullptr ? job : "";
}

std::string OptionsJson(const ScanOptions& o, unsigned threads,
                        const std::vector<std::string>& excludes) {
  nlohmann::ordered_json j;
  j["incremental"] = o.incremental;
  if (!o.plan.empty()) {
    j["plan"] = Utf8(o.plan);
    j["shard"] = o.shard;
  }
  if (o.incremental) {
    j["rows_per_chunk"] = o.rows_per_chunk;
    j["chunk_interval_secs"] = o.chunk_interval_secs;
  }
  j["threads"] = threads;
  j["batch_size"] = o.batch_size;
  j["follow_symlinks"] = o.follow_symlinks;
  j["max_depth"] = o.max_depth >= 0 ? nlohmann::ordered_json(o.max_depth) : nullptr;
  j["one_file_system"] = o.one_file_system;
  j["max_rate"] = o.max_rate;
  j["resolve_names"] = !o.no_resolve_names;
  j["compression"] = o.compression;
  std::vector<std::string> printable;
  printable.reserve(excludes.size());
  for (const auto& p : excludes) printable.push_back(Utf8(p));
  j["excludes"] = printable;
  return j.dump();
}

std::string ProgressLine(const walk::WalkStats& s, double elapsed) {
  double rate = elapsed > 0 ? static_cast<double>(s.entries) / elapsed : 0;
  // "ops" is the cumulative count of metadata system calls: two lines of the log give the
  // rate a metadata server saw in between (what --max-rate bounds).
  return WithThousands(s.entries) + " entries, " + WithThousands(s.directories) + " dirs, " +
         HumanBytes(s.bytes) + ", " + WithThousands(static_cast<uint64_t>(rate)) + " entries/s, " +
         WithThousands(s.operations) + " ops, " + WithThousands(s.errors) + " errors, " +
         HumanDuration(elapsed);
}

// Everything one run of `scan` shares between the standard and the incremental mode.
struct ScanRun {
  ScanRun(ScanOptions& o, unsigned t, std::string r, output::OutputPaths p)
      : options(o), threads(t), root(std::move(r)), paths(std::move(p)) {}
  ScanOptions& options;
  std::vector<std::string> excludes;  // --exclude and --exclude-from, in order
  unsigned threads = 0;
  std::string root;
  output::OutputPaths paths;
  walk::Walker* walker = nullptr;
  output::OutputConfig config;
  std::vector<parquet::KeyValue> metadata;
  std::time_t started = 0;
  const ShardScan* shard = nullptr;  // scan --plan: the plan and this shard
};

// Runs the walk with signal handling and a progress reporter. Returns the signal that
// stopped it (0 if none) and the elapsed seconds.
std::pair<int, double> Walk(ScanRun& run, const walk::WalkStart& start, SignalWatcher* signals,
                            std::function<std::string()> extra_progress) {
  walk::Walker* walker = run.walker;
  signals->Install([walker] { walker->RequestStop(); });
  ProgressReporter progress(
      [walker, extra = std::move(extra_progress)](double t) {
        std::string line = ProgressLine(walker->stats(), t);
        if (extra) line += extra();
        return line;
      },
      StderrIsTerminal(),
      std::chrono::milliseconds(static_cast<int64_t>(run.options.progress_interval * 1000)));
  auto t0 = std::chrono::steady_clock::now();
  progress.Start();
  walker->Run(start);
  progress.Stop();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return {SignalWatcher::received(), elapsed};
}

void LogSummary(const ScanRun& run, const walk::WalkStats& stats, double elapsed) {
  const double rate = elapsed > 0 ? static_cast<double>(stats.entries) / elapsed : 0;
  spdlog::info(
      "scan complete: {} entries ({} directories), {} apparent, in {:.2f} s ({} entries/s)",
      WithThousands(stats.entries), WithThousands(stats.directories), HumanBytes(stats.bytes),
      elapsed, WithThousands(static_cast<uint64_t>(rate)));
  spdlog::info("errors: {} ({} vanished during the scan, {} loops){}", WithThousands(stats.errors),
               WithThousands(stats.vanished), WithThousands(stats.loops),
               stats.errors > 0 ? "; listed in " + Utf8(run.paths.errors_file()) : "");
  if (run.options.one_file_system) {
    spdlog::info("mount points not crossed (-x): {}", WithThousands(stats.skipped_mounts));
  }
  if (!run.excludes.empty()) {
    spdlog::info("excluded by {} pattern(s): {} entries", run.excludes.size(),
                 WithThousands(stats.excluded));
  }
}

int RunStandard(ScanRun& run) {
  RemoveStaleTemps(run.paths);
  auto sink = output::StandardOutput::Open(run.paths, run.config);
  if (!sink.ok()) {
    PrintError(sink.status().message());
    return kExitFatal;
  }
  run.walker->SetSink(sink->get());
  spdlog::info("scanning {} with {} threads into {}", Utf8(run.root), run.threads,
               Utf8(run.paths.data_file()));
  SignalWatcher signals;
  auto [sig, elapsed] = Walk(run, walk::WalkStart(), &signals, nullptr);
  const walk::WalkStats stats = run.walker->stats();
  if (sig != 0) {
    (*sink)->Abandon();
    spdlog::warn(
        "scan interrupted after {} entries; nothing was written (standard mode writes "
        "its output only when complete; use --incremental --resume for long scans)",
        WithThousands(stats.entries));
    return sig == SIGINT ? kExitInterrupted : kExitTerminated;
  }
  if (Status f = (*sink)->failure(); !f.ok()) {
    (*sink)->Abandon();
    PrintError(f.message());
    return kExitFatal;
  }
  run.metadata.push_back({"scan.finished_at", IsoTime(std::time(nullptr))});
  if (Status s = (*sink)->Finish(run.metadata); !s.ok()) {
    (*sink)->Abandon();
    PrintError(s.message());
    return kExitFatal;
  }
  signals.Uninstall();
  LogSummary(run, stats, elapsed);
  spdlog::info("output: {}", Utf8(run.paths.data_file()));
  return kExitOk;
}

void PrintResumeReport(const output::Manifest& m, const std::string& root) {
  spdlog::info("Found existing manifest, resuming scan...");
  spdlog::info("Resume state:");
  spdlog::info("  - Completed directories: {}", m.completed_dirs.size());
  spdlog::info("  - Existing chunks: {}", m.chunks.size());
  spdlog::info("  - Rows already scanned: {}", WithThousands(m.total_rows));
  spdlog::info("  - Directories in flight: {} (continued where they stopped, not restarted)",
               m.pending_dirs.size());
  if (!m.completed_dirs.empty()) {
    spdlog::info("Skipping {} already-completed directories:", m.completed_dirs.size());
    for (size_t i = 0; i < m.completed_dirs.size() && i < 3; ++i) {
      spdlog::info("  - {}", Utf8(m.completed_dirs[i]));
    }
    if (m.completed_dirs.size() > 3) {
      spdlog::info("  ... and {} more", m.completed_dirs.size() - 3);
    }
  }
  spdlog::info("Starting scan of: {}", Utf8(root));
}

int RunIncremental(ScanRun& run) {
  ScanOptions& o = run.options;
  output::FileSystem* fs = run.config.fs;
  output::ScanIdentity identity;
  identity.follow_symlinks = o.follow_symlinks;
  identity.max_depth = o.max_depth;
  identity.one_file_system = o.one_file_system;
  identity.excludes = run.excludes;

  output::Manifest manifest;
  walk::WalkStart start;
  bool resuming = false;
  std::vector<std::string> to_remove;
  if (fs->Exists(run.paths.manifest_file())) {
    if (!o.resume) {
      PrintError(run.paths.manifest_file() +
                 " exists: add --resume to continue that scan, or use another --output (or "
                 "remove that scan's files) to start a new one");
      return kExitFatal;
    }
    auto state = output::LoadResumeState(fs, run.paths, run.root, identity, o.follow_symlinks);
    if (!state.ok()) {
      PrintError(state.status().message());
      return kExitFatal;
    }
    output::ResumeState& rs = **state;
    if (run.shard != nullptr) {
      std::string why = shard::CheckShardManifest(rs.manifest, run.shard->plan, run.shard->index);
      if (!why.empty()) {
        PrintError("manifest " + run.paths.manifest_file() + " cannot be resumed with plan " +
                   run.shard->plan_path + ": " + why +
                   "; use another --output for this plan, or move those files away");
        return kExitFatal;
      }
    }
    if (rs.manifest.completed) {
      spdlog::info(
          "the scan recorded in {} is already complete: {} rows in {} chunks; nothing "
          "to do",
          Utf8(run.paths.manifest_file()), WithThousands(rs.manifest.total_rows),
          rs.manifest.chunks.size());
      return kExitOk;
    }
    manifest = std::move(rs.manifest);
    to_remove = std::move(rs.orphan_chunks);
    // A network filesystem may get another device number after a remount or on another node:
    // carry the old numbers of the root's filesystem over to the new one.
    if (manifest.root_device != run.walker->root_device()) {
      uint64_t old_dev = manifest.root_device;
      uint64_t new_dev = run.walker->root_device();
      spdlog::info("the root's device number changed since the interrupted run ({} -> {})", old_dev,
                   new_dev);
      for (auto& d : manifest.pending_dirs) {
        if (d.device == old_dev) d.device = new_dev;
      }
      for (auto& [dev, ino] : rs.visited) {
        if (dev == old_dev) dev = new_dev;
      }
      manifest.root_device = new_dev;
    }
    start = output::StartFromManifest(manifest, std::move(rs.visited));
    resuming = !start.fresh;
    PrintResumeReport(manifest, run.root);
  } else {
    // No manifest: chunk files of this output name belong to no scan we can account for.
    to_remove = output::UnlistedChunks(fs, run.paths, nullptr);
    if (run.shard != nullptr) {
      // A shard starts as if resuming a scan that published nothing: its units are pending.
      manifest = shard::FirstShardManifest(run.shard->plan, run.shard->index, run.shard->plan_path);
      start = output::StartFromManifest(manifest, {});
    } else if (o.resume) {
      spdlog::info("no manifest at {}: starting a fresh scan", Utf8(run.paths.manifest_file()));
    }
  }
  if (!resuming) {
    manifest.scanner_version = build_info::kVersion;
    manifest.root = run.root;
    manifest.started_at = IsoTime(run.started);
    manifest.root_device = run.walker->root_device();
    manifest.root_inode = run.walker->root_inode();
  }
  manifest.identity = identity;
  manifest.options_json = OptionsJson(o, run.threads, run.excludes);
  manifest.host = HostName();
  manifest.pid = getpid();
  manifest.slurm_job = SlurmJob();
  // Every check has passed: only now may anything in the output directory change.
  RemoveStaleTemps(run.paths);
  for (const auto& n : to_remove) {
    spdlog::info(
        "removing {}/{}: published after the last manifest update, its rows will be "
        "produced again",
        Utf8(run.paths.dir()), Utf8(n));
  }
  if (Status s = output::RemoveFiles(fs, run.paths, to_remove); !s.ok()) {
    PrintError(s.message());
    return kExitFatal;
  }

  output::ChunkOptions co;
  co.rows_per_chunk = static_cast<uint64_t>(o.rows_per_chunk);
  co.interval = std::chrono::milliseconds(o.chunk_interval_secs * 1000);
  co.track_visited = o.follow_symlinks;
  // The heartbeat lets `status` tell a running scan from a dead one: at least every chunk
  // interval, and every minute when the interval is longer.
  co.heartbeat = std::min(co.interval, std::chrono::milliseconds(60 * 1000));
  for (auto& kv : run.metadata) {
    if (kv.key == "scan.started_at") kv.value = manifest.started_at;
  }
  auto sink = output::ChunkedOutput::Open(run.paths, run.config, co, manifest, run.metadata);
  if (!sink.ok()) {
    PrintError(sink.status().message());
    return kExitFatal;
  }
  output::ChunkedOutput* out = sink->get();
  run.walker->SetSink(out);
  if (run.shard != nullptr && !resuming) {
    const shard::ShardAssignment& a = run.shard->plan.assignments[run.shard->index];
    spdlog::info(
        "scanning shard {} of {} of plan {} ({} units, {} {} rows) of {} with {} threads into {}",
        run.shard->index, run.shard->plan.shards, run.shard->plan.plan_id, a.units.size(),
        a.exact ? "exactly" : "about", WithThousands(a.estimate), Utf8(run.root), run.threads,
        Utf8(run.paths.dir() + "/" + run.paths.stem() + "_chunk_*.parquet"));
  } else if (!resuming) {
    spdlog::info("scanning {} with {} threads into {} (incremental)", Utf8(run.root), run.threads,
                 Utf8(run.paths.dir() + "/" + run.paths.stem() + "_chunk_*.parquet"));
  }
  SignalWatcher signals;
  auto [sig, elapsed] = Walk(run, start, &signals, [out] {
    output::Manifest m = out->published();
    return ", " + std::to_string(m.chunks.size()) + " chunks published";
  });
  const walk::WalkStats stats = run.walker->stats();
  const bool ran_to_end = sig == 0 && !run.walker->stop_requested();
  Status s = out->Finish(ran_to_end);
  signals.Uninstall();
  output::Manifest m = out->published();
  if (!s.ok()) {
    PrintError(s.message());
    spdlog::warn(
        "{} rows in {} chunks are published and recorded in {}; fix the problem and "
        "run the same command with --resume",
        WithThousands(m.total_rows), m.chunks.size(), Utf8(run.paths.manifest_file()));
    return kExitFatal;
  }
  if (sig != 0) {
    spdlog::warn(
        "scan interrupted: {} rows in {} chunks published; run the same command with "
        "--resume to continue",
        WithThousands(m.total_rows), m.chunks.size());
    return sig == SIGINT ? kExitInterrupted : kExitTerminated;
  }
  LogSummary(run, stats, elapsed);
  spdlog::info("output: {} rows in {} chunks ({}), manifest {}", WithThousands(m.total_rows),
               m.chunks.size(), Utf8(run.paths.dir() + "/" + run.paths.stem() + "_chunk_*.parquet"),
               Utf8(run.paths.manifest_file()));
  return m.completed ? kExitOk : kExitFatal;
}

}  // namespace

void PrintError(const std::string& message) {
  std::string one_line = message;
  for (char& c : one_line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::fprintf(stderr, "storage-scanner: %s\n", one_line.c_str());
}

int RunScan(ScanOptions& o) {
  if (std::string err = SetUpLogging(o.verbose); !err.empty()) {
    PrintError(err);
    return kExitUsage;
  }
  // A shard: the plan is read and the command line checked against it before anything else.
  std::optional<ShardScan> shard;
  if (!o.plan.empty()) {
    int code = kExitFatal;
    shard = PrepareShardScan(o, &code);
    if (!shard) return code;
  }
  ScanRun run(o, o.threads > 0 ? static_cast<unsigned>(o.threads) : DefaultThreads(),
              AbsoluteNormalized(o.path),
              shard ? output::OutputPaths(o.output, shard->index) : output::OutputPaths(o.output));
  run.shard = shard ? &*shard : nullptr;

  run.excludes = o.excludes;
  for (const std::string& file : o.exclude_from) {
    auto text = output::PosixFileSystem()->ReadFile(file);
    if (!text.ok()) {
      PrintError("--exclude-from: " + text.status().message());
      return kExitFatal;
    }
    for (std::string& p : walk::ParsePatternFile(*text)) run.excludes.push_back(std::move(p));
  }
  auto filter = walk::ExcludeFilter::Create(run.excludes);
  if (!filter.ok()) {
    PrintError(filter.status().message() + " (see 'storage-scanner scan --help')");
    return kExitUsage;
  }

  walk::WalkOptions wo;
  wo.root = run.root;
  if (!run.excludes.empty()) wo.filter = &*filter;
  wo.threads = run.threads;
  if (o.max_depth >= 0) wo.max_depth = static_cast<uint32_t>(o.max_depth);
  wo.follow_symlinks = o.follow_symlinks;
  wo.one_file_system = o.one_file_system;
  if (run.shard != nullptr) {
    wo.claimed_by_plan = [claimed = &run.shard->claimed](std::string_view rel) {
      return claimed->count(std::string(rel)) > 0;
    };
  }
  std::unique_ptr<walk::RateLimiter> limiter;
  if (o.max_rate > 0) {
    limiter = std::make_unique<walk::RateLimiter>(static_cast<uint64_t>(o.max_rate));
    wo.rate_limiter = limiter.get();
  }

  walk::Walker walker(wo, nullptr);
  run.walker = &walker;
  if (Status s = walker.Prepare(); !s.ok()) {
    PrintError(s.message());
    return kExitFatal;
  }
  if (Status s = CheckOutputLocation(run.paths); !s.ok()) {
    PrintError(s.message());
    return kExitFatal;
  }
  // Never list our own output, even when it is inside the scanned tree.
  struct stat out_dir;
  if (stat(run.paths.dir().c_str(), &out_dir) == 0) {
    const output::OutputPaths* paths = &run.paths;
    // A shard's plan usually sits beside its output: it is one of our files too.
    std::string plan_name;
    if (run.shard != nullptr && ParentDirectory(run.shard->plan_path) == run.paths.dir()) {
      plan_name = run.shard->plan_path.substr(run.shard->plan_path.rfind('/') + 1);
    }
    walker.SetOutputDirectory(out_dir.st_dev, out_dir.st_ino,
                              [paths, plan_name](std::string_view name) {
                                return paths->IsOwnOutput(name) || name == plan_name;
                              });
  }
  if (walker.effective_threads() < run.threads) {
    spdlog::warn("using {} threads instead of {}: the open-file limit (ulimit -n) allows no more",
                 walker.effective_threads(), run.threads);
    run.threads = walker.effective_threads();
  }
  run.started = std::time(nullptr);
  output::NameResolver names(!o.no_resolve_names);
  output::ErrorLogger logger(run.paths.errors_file());
  run.config.fs = output::PosixFileSystem();
  run.config.root = run.root;
  run.config.rows_per_group = static_cast<size_t>(o.batch_size);
  run.config.file_mode = o.file_mode;
  run.config.writer.codec = CodecFor(o.compression);
  run.config.writer.created_by = std::string("storage-scanner version ") + build_info::kVersion;
  run.config.names = &names;
  run.config.logger = &logger;
  run.metadata = {
      {"storage_scanner.version", build_info::kVersion},
      {"storage_scanner.git_revision", build_info::kGitRevision},
      {"storage_scanner.build", build_info::kFlavour},
      {"scan.root", Utf8(run.root)},
      {"scan.started_at", IsoTime(run.started)},
      {"scan.host", HostName()},
      {"scan.options", OptionsJson(o, run.threads, run.excludes)},
  };
  if (!IsValidUtf8(run.root)) run.metadata.push_back({"scan.root_b64", Base64Encode(run.root)});
  if (run.shard != nullptr) {
    run.metadata.push_back({"scan.plan_id", run.shard->plan.plan_id});
    run.metadata.push_back({"scan.shard", std::to_string(run.shard->index)});
    run.metadata.push_back({"scan.shards", std::to_string(run.shard->plan.shards)});
  }
  return o.incremental ? RunIncremental(run) : RunStandard(run);
}

}  // namespace sscan::cli
