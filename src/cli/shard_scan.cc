#include "cli/shard_scan.h"

#include "cli/exit_codes.h"
#include "cli/scan_command.h"
#include "common/path_util.h"
#include "common/utf8.h"
#include "output/file_system.h"
#include "shard/shard_manifest.h"

namespace sscan::cli {
namespace {

std::string Printable(const std::string& raw) {
  std::string s;
  AppendUtf8Replaced(&s, raw);
  return s;
}

std::string DepthText(int64_t d) { return d >= 0 ? std::to_string(d) : "unlimited"; }

}  // namespace

Result<shard::ShardPlan> ReadPlanFile(const std::string& path) {
  auto text = output::PosixFileSystem()->ReadFile(path);
  if (!text.ok()) return Status::Error("cannot read plan: " + text.status().message());
  auto plan = shard::ParsePlan(*text);
  if (!plan.ok()) {
    return Status::Error("plan " + path + " is damaged or not a plan (" + plan.status().message() +
                         "); make a new one with 'storage-scanner plan'");
  }
  return plan;
}

std::optional<ShardScan> PrepareShardScan(ScanOptions& o, int* exit_code) {
  ShardScan s;
  s.plan_path = AbsoluteNormalized(o.plan);
  auto plan = ReadPlanFile(s.plan_path);
  if (!plan.ok()) {
    PrintError(plan.status().message());
    *exit_code = kExitFatal;
    return std::nullopt;
  }
  s.plan = std::move(*plan);
  const shard::ShardPlan& p = s.plan;
  auto usage = [&](const std::string& message) {
    PrintError(message + " (see 'storage-scanner scan --help')");
    *exit_code = kExitUsage;
    return std::nullopt;
  };
  if (o.shard < 0 || o.shard >= static_cast<int64_t>(p.shards)) {
    return usage("--shard " + std::to_string(o.shard) + " is outside 0.." +
                 std::to_string(p.shards - 1) + " (" + o.plan + " has " + std::to_string(p.shards) +
                 " shards)");
  }
  if (!o.path.empty() && AbsoluteNormalized(o.path) != p.root) {
    return usage("--path " + Printable(o.path) + " differs from the plan's root " +
                 Printable(p.root) + " (omit --path with --plan)");
  }
  if (o.one_file_system != p.options.one_file_system) {
    return usage(std::string("the plan was made ") +
                 (p.options.one_file_system ? "with" : "without") +
                 " -x/--one-file-system: scan its shards the same way");
  }
  if (o.max_depth != p.options.max_depth) {
    return usage("the plan was made with --max-depth " + DepthText(p.options.max_depth) + ", not " +
                 DepthText(o.max_depth) + ": scan its shards the same way");
  }
  s.index = static_cast<uint32_t>(o.shard);
  s.claimed = shard::ClaimedDirectories(p);
  o.path = p.root;
  return s;
}

}  // namespace sscan::cli
