#include "cli/status_command.h"

#include <sys/stat.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "cli/progress.h"
#include "cli/scan_command.h"
#include "cli/shard_scan.h"
#include "common/path_util.h"
#include "common/utf8.h"
#include "output/output_paths.h"
#include "shard/shard_status.h"

namespace sscan::cli {
namespace {

using shard::ShardState;
using shard::StatusGroup;

std::string Utf8(const std::string& raw) {
  if (IsValidUtf8(raw)) return raw;
  std::string s;
  AppendUtf8Replaced(&s, raw);
  return s;
}

std::string ResubmitCommand(const StatusGroup& g) {
  const std::vector<uint32_t> list = g.ToResubmit();
  if (list.empty()) return "";
  std::string line = "sbatch --array=" + shard::CompactRanges(list);
  // Without the plan's submit arguments the script is the user's to name.
  line += " " + (g.submit_args.empty() ? std::string("ARRAY_SCRIPT") : g.submit_args);
  return line;
}

std::string Glob(const StatusGroup& g, const char* what) {
  return Utf8(g.dir + "/" + (g.stem.empty() ? std::string("STEM") : g.stem) + what);
}

void PrintGroup(const StatusGroup& g) {
  std::printf("plan %s%s, %u shards\n", g.plan_id.empty() ? "?" : g.plan_id.c_str(),
              g.plan_path.empty() ? "" : (" (" + Utf8(g.plan_path) + ")").c_str(), g.shards);
  std::printf("output %s\n", Glob(g, "_shard*_chunk_*.parquet").c_str());
  std::printf("%-6s %-12s %14s %7s %14s  %-20s  %-16s %s\n", "shard", "state", "rows", "chunks",
              "estimate", "updated", "host", "job");
  uint64_t rows = 0, estimate = 0;
  uint32_t counts[6] = {};
  for (const shard::ShardReport& r : g.reports) {
    rows += r.rows;
    estimate += r.estimate.value_or(0);
    ++counts[static_cast<int>(r.state)];
    const bool seen = r.state != ShardState::kNotStarted;
    std::printf(
        "%-6u %-12s %14s %7s %14s  %-20s  %-16s %s%s\n", r.shard, shard::ShardStateName(r.state),
        seen ? WithThousands(r.rows).c_str() : "-", seen ? std::to_string(r.chunks).c_str() : "-",
        r.estimate ? WithThousands(*r.estimate).c_str() : "-",
        r.updated_at.empty() ? "-" : r.updated_at.c_str(), r.host.empty() ? "-" : r.host.c_str(),
        r.slurm_job.empty() ? "-" : r.slurm_job.c_str(),
        r.detail.empty() ? "" : ("  " + Utf8(r.detail)).c_str());
  }
  std::printf("%u complete, %u running, %u partial, %u not started", counts[0], counts[1],
              counts[2], counts[3]);
  if (counts[4] + counts[5] > 0) {
    std::printf(", %u damaged, %u of another plan (move those manifests away)", counts[4],
                counts[5]);
  }
  std::printf("; %s rows published", WithThousands(rows).c_str());
  if (estimate > 0) std::printf(" (plan estimate %s)", WithThousands(estimate).c_str());
  std::printf("\n");
  if (std::string cmd = ResubmitCommand(g); !cmd.empty()) {
    std::printf("resubmit: %s\n", cmd.c_str());
  } else if (g.AllComplete()) {
    std::printf("all shards complete: read %s\n", Glob(g, "_*.parquet").c_str());
  } else {
    std::printf("nothing to resubmit now: run status again when the running shards end\n");
  }
}

nlohmann::ordered_json GroupJson(const StatusGroup& g) {
  nlohmann::ordered_json j;
  j["dir"] = Utf8(g.dir);
  j["stem"] = g.stem.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(g.stem);
  j["plan_id"] = g.plan_id;
  j["plan_path"] = Utf8(g.plan_path);
  j["shards"] = g.shards;
  nlohmann::ordered_json reports = nlohmann::ordered_json::array();
  for (const shard::ShardReport& r : g.reports) {
    nlohmann::ordered_json rj;
    rj["shard"] = r.shard;
    rj["state"] = shard::ShardStateName(r.state);
    rj["rows"] = r.rows;
    rj["chunks"] = r.chunks;
    rj["errors"] = r.errors;
    rj["updated_at"] = r.updated_at;
    rj["host"] = r.host;
    rj["pid"] = r.pid;
    rj["slurm_job"] = r.slurm_job;
    rj["estimate"] = r.estimate ? nlohmann::ordered_json(*r.estimate) : nullptr;
    rj["detail"] = Utf8(r.detail);
    reports.push_back(std::move(rj));
  }
  j["reports"] = std::move(reports);
  j["resubmit"] = g.ToResubmit();
  j["resubmit_array"] = shard::CompactRanges(g.ToResubmit());
  j["resubmit_command"] = ResubmitCommand(g);
  j["all_complete"] = g.AllComplete();
  return j;
}

}  // namespace

void AddStatusOptions(CLI::App* cmd, StatusOptions* o) {
  cmd->add_option(
         "target", o->target,
         "A plan file (its shards' manifests are looked for beside it, or where "
         "--output says), or a directory of shard manifests (STEM_shardNNNN_manifest.json)")
      ->required()
      ->type_name("PLAN|DIR");
  cmd->add_option("-o,--output", o->output,
                  "With a plan: the --output the shards were given (DIR/STEM.parquet)")
      ->type_name("FILE");
  cmd->add_flag("--json", o->json, "Print the same as JSON, for scripts");
}

int RunStatus(const StatusOptions& o) {
  const std::string target = AbsoluteNormalized(o.target);
  struct stat st;
  if (stat(target.c_str(), &st) != 0) {
    PrintError(Status::FromErrno("cannot read", target, errno).message());
    return kExitFatal;
  }
  shard::StatusQuery q;
  std::optional<shard::ShardPlan> plan;
  if (S_ISDIR(st.st_mode)) {
    if (!o.output.empty()) {
      PrintError(
          "--output goes with a plan file; given a directory, status reads every shard "
          "manifest in it (see 'storage-scanner status --help')");
      return kExitUsage;
    }
    q.dir = target;
  } else {
    auto p = ReadPlanFile(target);
    if (!p.ok()) {
      PrintError(p.status().message());
      return kExitFatal;
    }
    plan = std::move(*p);
    q.plan = &*plan;
    q.plan_path = target;
    if (o.output.empty()) {
      q.dir = ParentDirectory(target);
    } else {
      output::OutputPaths paths(AbsoluteNormalized(o.output));
      q.dir = paths.dir();
      q.stem = paths.stem();
    }
  }
  auto groups =
      shard::CollectStatus(output::PosixFileSystem(), q, shard::SystemLiveness(),
                           [](const std::string& path) -> std::optional<shard::ShardPlan> {
                             auto p = ReadPlanFile(path);
                             if (!p.ok()) return std::nullopt;
                             return std::move(*p);
                           });
  if (!groups.ok()) {
    PrintError(groups.status().message());
    return kExitFatal;
  }
  const int code = shard::StatusExitCode(*groups);
  if (o.json) {
    nlohmann::ordered_json j;
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const StatusGroup& g : *groups) list.push_back(GroupJson(g));
    j["groups"] = std::move(list);
    j["exit_code"] = code;
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    for (size_t i = 0; i < groups->size(); ++i) {
      if (i > 0) std::printf("\n");
      PrintGroup((*groups)[i]);
    }
  }
  std::fflush(stdout);
  return code;
}

}  // namespace sscan::cli
