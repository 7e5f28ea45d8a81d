#include "cli/scan_options.h"

#include <algorithm>
#include <cstdlib>

#include "cli/number_format.h"
#include "common/cpus.h"
#include "walk/exclude_filter.h"

namespace sscan::cli {

unsigned DefaultThreads() {
  const unsigned cores = CpusAvailable();  // the job's CPUs, not the node's
  // A cold or network-filesystem scan waits on the disk or the metadata server, not on the
  // CPU, and wants many requests in flight: on a 2-core machine with a cold 1M-entry tree,
  // 32 threads were about 1.7x faster than 8 (README, Performance). A warm scan loses little
  // to the extra threads, and memory per thread is small (two 64 KiB buffers, one segment).
  return std::clamp(8 * cores, 32u, 64u);
}

void AddScanOptions(CLI::App* cmd, ScanOptions* o) {
  cmd->add_option("-p,--path", o->path,
                  "Directory (or file) to scan (required, except with --plan: the plan's root)")
      ->type_name("PATH");
  cmd->add_option("-o,--output", o->output,
                  "Parquet file to write; its directory must exist. The error sidecar "
                  "STEM_errors.jsonl is written beside it")
      ->required()
      ->type_name("FILE");
  cmd->add_option("-t,--threads", o->threads,
                  "Threads issuing metadata system calls (1-1024) [default: " +
                      std::to_string(DefaultThreads()) +
                      ", 8 per core, 32 to 64: cold and network filesystems need many "
                      "requests in flight; while metadata is cached and calls do not wait, only as "
                      "many as there are cores run at once]")
      ->transform(DecimalInteger())
      ->check(CLI::Range(int64_t{1}, int64_t{1024}))
      ->type_name("N");
  cmd->add_option("-b,--batch-size", o->batch_size,
                  "Rows per Parquet row group (1-1000000); larger groups compress a little "
                  "better and use more memory (about 100 bytes per row, two groups at a time)")
      ->transform(DecimalInteger())
      ->check(CLI::Range(int64_t{1}, int64_t{1000000}))
      ->capture_default_str()
      ->type_name("N");
  cmd->add_flag("-f,--follow-symlinks", o->follow_symlinks,
                "Follow symbolic links to directories: real directories first, then links in "
                "byte order of their paths; each directory is entered once, loops are reported");
  cmd->add_option("-m,--max-depth", o->max_depth,
                  "Keep entries up to this depth (0 = the root only) [default: unlimited]")
      ->transform(DecimalInteger())
      ->check(CLI::Range(int64_t{0}, int64_t{1000000}))
      ->type_name("N");
  cmd->add_flag("-v,--verbose", o->verbose, "Debug logging (or set STORAGE_SCANNER_LOG)");
  cmd->add_flag("-x,--one-file-system", o->one_file_system,
                "Do not descend into directories on other filesystems than the root's (mount "
                "points are listed as rows, their contents are not)");
  cmd->add_option("--exclude", o->excludes,
                  "Leave out entries matching this glob (repeatable): against the name, or "
                  "against the path below the root when the pattern has a '/'; an excluded "
                  "directory is not entered. *, ?, [seq], [!seq] as in Python's fnmatch "
                  "(e.g. --exclude .snapshot --exclude '.zfs' --exclude 'scratch/*/tmp')")
      ->type_name("PATTERN")
      ->allow_extra_args(false);
  cmd->add_option("--exclude-from", o->exclude_from,
                  "Read --exclude patterns from FILE, one per line; blank lines and lines "
                  "starting with # are ignored (repeatable)")
      ->type_name("FILE")
      ->allow_extra_args(false);
  cmd->add_option("--max-rate", o->max_rate,
                  "At most N metadata operations (statx, getdents, open, readlink) per second, "
                  "all threads together; 0 = unlimited")
      ->transform(DecimalInteger())
      ->check(CLI::Range(int64_t{0}, int64_t{1000000000}))
      ->capture_default_str()
      ->type_name("N");
  cmd->add_flag("--no-resolve-names", o->no_resolve_names,
                "Leave the owner and group columns null instead of resolving uid/gid through "
                "the name service (for sites where lookups are slow)");
  cmd->add_option("--output-mode", o->output_mode,
                  "Permission bits (octal) of every file written; the default keeps a root "
                  "scan's list of everyone's file names private")
      ->capture_default_str()
      ->type_name("MODE");
  cmd->add_option("--compression", o->compression, "Parquet compression codec")
      ->check(CLI::IsMember({"zstd", "snappy", "none"}))
      ->capture_default_str();
  cmd->add_flag("--incremental", o->incremental,
                "Write complete, readable chunk files STEM_chunk_0001.parquet, ... while the "
                "scan runs, and STEM_manifest.json (progress and resume state)");
  cmd->add_option("--rows-per-chunk", o->rows_per_chunk,
                  "Incremental mode: cut a chunk after this many rows (1-1000000000)")
      ->transform(DecimalInteger())
      ->check(CLI::Range(int64_t{1}, int64_t{1000000000}))
      ->capture_default_str()
      ->type_name("N");
  cmd->add_option("--chunk-interval-secs", o->chunk_interval_secs,
                  "Incremental mode: cut a chunk after this many seconds, whichever comes first "
                  "(1-31536000)")
      ->transform(DecimalInteger())
      ->check(CLI::Range(int64_t{1}, int64_t{31536000}))
      ->capture_default_str()
      ->type_name("SECS");
  cmd->add_flag("--resume", o->resume,
                "Incremental mode: continue the interrupted scan recorded in STEM_manifest.json "
                "(a fresh scan when there is none): every entry ends up in exactly one chunk");
  cmd->add_option("--plan", o->plan,
                  "Scan one shard of this plan (see 'storage-scanner plan'): always incremental "
                  "with resume (--incremental --resume implied), into "
                  "DIR/STEM_shardNNNN_chunk_NNNN.parquet and DIR/STEM_shardNNNN_manifest.json; "
                  "--path may be omitted; -x and --max-depth must be the plan's")
      ->type_name("PLAN.json");
  cmd->add_option("--shard", o->shard,
                  "With --plan: the shard to scan, 0 to shards-1 (e.g. $SLURM_ARRAY_TASK_ID)")
      ->transform(DecimalInteger())
      ->check(CLI::Range(int64_t{0}, int64_t{99999}))
      ->type_name("I");
  cmd->add_option("--progress-interval", o->progress_interval,
                  "Seconds between progress log lines when stderr is not a terminal "
                  "(on a terminal a live line is shown instead)")
      ->transform(DecimalNumber())
      ->check(CLI::Range(0.1, 86400.0))
      ->capture_default_str()
      ->type_name("SECS");
}

std::string ParseOutputMode(const std::string& text, unsigned* mode_out) {
  char* end = nullptr;
  long mode = std::strtol(text.c_str(), &end, 8);
  if (text.empty() || *end != '\0' || mode < 0 || mode > 07777) {
    return "--output-mode: '" + text + "' is not an octal permission mode (e.g. 0640)";
  }
  if ((mode & 0600) != 0600) {
    return "--output-mode: " + text + " must keep the owner's read and write bits (0600)";
  }
  *mode_out = static_cast<unsigned>(mode);
  return "";
}

std::string CheckPathArguments(const std::string& path, const std::string& output) {
  // An empty path would become the working directory once made absolute: refuse it as
  // find does, rather than scan something nobody named.
  if (path.empty()) return "--path: the path is empty";
  if (output.empty()) return "--output: the file name is empty";
  if (output.back() == '/') {
    return "--output: '" + output + "' names a directory (trailing '/'); give the file to write";
  }
  return "";
}

std::string Validate(ScanOptions* o, const CLI::App& cmd) {
  const bool with_plan = cmd.count("--plan") > 0;
  // With --plan the path may be omitted (it is the plan's root); given, it must be a path.
  const bool path_given = cmd.count("--path") > 0;
  if (path_given || !with_plan) {
    if (!path_given) return "--path is required (or --plan with --shard)";
    if (std::string err = CheckPathArguments(o->path, o->output); !err.empty()) return err;
  } else if (std::string err = CheckPathArguments("-", o->output); !err.empty()) {
    return err;
  }
  if (with_plan) {
    if (cmd.count("--shard") == 0) return "--plan requires --shard (which shard to scan)";
    if (o->follow_symlinks) {
      return "--follow-symlinks cannot be used with --plan: shards cannot coordinate which one "
             "enters a directory reached through a link (plans never follow links)";
    }
    // A shard is always an incremental scan that resumes its own manifest.
    o->incremental = true;
    o->resume = true;
  } else {
    if (cmd.count("--shard") > 0) return "--shard requires --plan";
    for (const char* name : {"--resume", "--rows-per-chunk", "--chunk-interval-secs"}) {
      if (cmd.count(name) > 0 && !o->incremental)
        return std::string(name) + " requires --incremental";
    }
  }
  for (const std::string& p : o->excludes) {
    if (Status s = walk::ValidatePattern(p); !s.ok()) return s.message();
  }
  return ParseOutputMode(o->output_mode, &o->file_mode);
}

}  // namespace sscan::cli
