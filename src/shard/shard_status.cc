#include "shard/shard_status.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <utility>

namespace sscan::shard {
namespace {

constexpr std::string_view kShardMark = "_shard";
constexpr std::string_view kManifestSuffix = "_manifest.json";

// "STEM_shardNNNN_manifest.json" -> (STEM, NNNN). The stem may itself contain "_shard".
bool SplitManifestName(const std::string& name, std::string* stem, uint32_t* shard) {
  if (name.size() <= kManifestSuffix.size() ||
      name.compare(name.size() - kManifestSuffix.size(), kManifestSuffix.size(), kManifestSuffix) !=
          0) {
    return false;
  }
  const std::string head = name.substr(0, name.size() - kManifestSuffix.size());
  const size_t mark = head.rfind(kShardMark);
  if (mark == std::string::npos) return false;
  const std::string digits = head.substr(mark + kShardMark.size());
  if (digits.size() < 4 || digits.size() > 9 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  *stem = head.substr(0, mark);
  *shard = static_cast<uint32_t>(std::stoul(digits));
  return true;
}

// "2026-11-25T05:00:00Z" -> seconds since the epoch; nullopt if it is not that shape.
std::optional<std::time_t> ParseIsoUtc(const std::string& s) {
  std::tm tm{};
  const char* end = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return timegm(&tm);
}

struct Found {
  uint32_t shard = 0;
  std::optional<output::Manifest> manifest;  // nullopt: damaged
  std::string error;
};

ShardReport ReportFor(uint32_t shard, const Found* f, const std::string& plan_id,
                      const Liveness& liveness) {
  ShardReport r;
  r.shard = shard;
  if (f == nullptr) {
    r.state = ShardState::kNotStarted;
    return r;
  }
  if (!f->manifest) {
    r.state = ShardState::kDamaged;
    r.detail = f->error;
    return r;
  }
  const output::Manifest& m = *f->manifest;
  r.rows = m.total_rows;
  r.chunks = m.chunks.size();
  r.errors = m.errors;
  r.updated_at = m.updated_at;
  r.host = m.host;
  r.pid = m.pid;
  r.slurm_job = m.slurm_job;
  if (m.plan_id != plan_id || m.shard != shard) {
    r.state = ShardState::kOtherPlan;
    r.detail = "manifest of plan " + m.plan_id + " shard " + std::to_string(m.shard);
    return r;
  }
  r.state = Classify(m, liveness);
  return r;
}

void AttachPlan(StatusGroup* g, const ShardPlan& plan) {
  g->submit_args = plan.submit_args;
  for (ShardReport& r : g->reports) {
    if (r.shard < plan.assignments.size()) r.estimate = plan.assignments[r.shard].estimate;
  }
}

}  // namespace

const char* ShardStateName(ShardState s) {
  switch (s) {
    case ShardState::kComplete:
      return "complete";
    case ShardState::kRunning:
      return "running";
    case ShardState::kPartial:
      return "partial";
    case ShardState::kNotStarted:
      return "not started";
    case ShardState::kDamaged:
      return "damaged";
    case ShardState::kOtherPlan:
      return "other plan";
  }
  return "unknown";
}

Liveness SystemLiveness() {
  Liveness l;
  l.now = std::time(nullptr);
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) l.this_host = host;
  l.pid_alive = [](int64_t pid) {
    if (pid <= 0 || pid > INT32_MAX) return false;
    return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
  };
  return l;
}

ShardState Classify(const output::Manifest& m, const Liveness& liveness) {
  if (m.completed) return ShardState::kComplete;
  // A manifest from before heartbeats were written: assume the default chunk interval.
  const uint64_t heartbeat = m.heartbeat_secs > 0 ? m.heartbeat_secs : 300;
  const auto updated = ParseIsoUtc(m.updated_at);
  const bool fresh =
      updated && liveness.now - *updated <= static_cast<std::time_t>(2 * heartbeat + 60);
  if (!fresh) return ShardState::kPartial;
  // On this host the process table is better evidence than the clock (a scan killed a
  // minute ago is not running, whatever its last heartbeat says).
  if (!m.host.empty() && m.host == liveness.this_host && liveness.pid_alive &&
      !liveness.pid_alive(m.pid)) {
    return ShardState::kPartial;
  }
  return ShardState::kRunning;
}

std::vector<uint32_t> StatusGroup::ToResubmit() const {
  std::vector<uint32_t> out;
  for (const ShardReport& r : reports) {
    if (r.state == ShardState::kPartial || r.state == ShardState::kNotStarted) {
      out.push_back(r.shard);
    }
  }
  return out;
}

bool StatusGroup::AllComplete() const {
  return std::all_of(reports.begin(), reports.end(),
                     [](const ShardReport& r) { return r.state == ShardState::kComplete; });
}

bool StatusGroup::AnyRunning() const {
  return std::any_of(reports.begin(), reports.end(),
                     [](const ShardReport& r) { return r.state == ShardState::kRunning; });
}

std::string CompactRanges(std::vector<uint32_t> indices) {
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
  std::string out;
  for (size_t i = 0; i < indices.size();) {
    size_t j = i;
    while (j + 1 < indices.size() && indices[j + 1] == indices[j] + 1) ++j;
    if (!out.empty()) out.push_back(',');
    out += std::to_string(indices[i]);
    if (j > i) {
      out.push_back('-');
      out += std::to_string(indices[j]);
    }
    i = j + 1;
  }
  return out;
}

int StatusExitCode(const std::vector<StatusGroup>& groups) {
  bool needs_work = false;
  bool running = false;
  for (const StatusGroup& g : groups) {
    for (const ShardReport& r : g.reports) {
      if (r.state == ShardState::kRunning) {
        running = true;
      } else if (r.state != ShardState::kComplete) {
        needs_work = true;
      }
    }
  }
  if (needs_work) return kStatusNeedsWork;
  return running ? kStatusRunning : 0;
}

Result<std::vector<StatusGroup>> CollectStatus(
    output::FileSystem* fs, const StatusQuery& q, const Liveness& liveness,
    const std::function<std::optional<ShardPlan>(const std::string& path)>& load_plan) {
  auto names = fs->ListDir(q.dir);
  if (!names.ok()) return names.status();
  std::sort(names->begin(), names->end());

  // Every shard manifest of the directory, by stem.
  std::map<std::string, std::vector<Found>> by_stem;
  for (const std::string& name : *names) {
    std::string stem;
    uint32_t shard = 0;
    if (!SplitManifestName(name, &stem, &shard)) continue;
    if (q.stem && stem != *q.stem) continue;
    Found f;
    f.shard = shard;
    auto text = fs->ReadFile(q.dir + "/" + name);
    if (!text.ok()) {
      f.error = text.status().message();
    } else if (auto m = output::ParseManifest(*text); !m.ok()) {
      f.error = m.status().message();
    } else if (m->plan_id.empty() || m->shard != shard) {
      f.error = "not the manifest of shard " + std::to_string(shard) + " of a plan";
    } else {
      f.manifest = std::move(*m);
    }
    by_stem[stem].push_back(std::move(f));
  }

  std::vector<StatusGroup> groups;
  if (q.plan != nullptr) {
    const ShardPlan& plan = *q.plan;
    std::vector<std::string> stems;
    if (q.stem) {
      stems.push_back(*q.stem);
    } else {
      for (const auto& [stem, found] : by_stem) {
        const bool ours = std::any_of(found.begin(), found.end(), [&](const Found& f) {
          return f.manifest && f.manifest->plan_id == plan.plan_id;
        });
        if (ours) stems.push_back(stem);
      }
      if (stems.empty()) stems.emplace_back();  // nothing started yet
    }
    for (const std::string& stem : stems) {
      StatusGroup g;
      g.dir = q.dir;
      g.stem = stem;
      g.plan_id = plan.plan_id;
      g.plan_path = q.plan_path;
      g.shards = plan.shards;
      std::map<uint32_t, const Found*> found;
      if (auto it = by_stem.find(stem); it != by_stem.end()) {
        for (const Found& f : it->second) found[f.shard] = &f;
      }
      for (uint32_t i = 0; i < plan.shards; ++i) {
        auto it = found.find(i);
        g.reports.push_back(
            ReportFor(i, it == found.end() ? nullptr : it->second, plan.plan_id, liveness));
      }
      AttachPlan(&g, plan);
      groups.push_back(std::move(g));
    }
    return groups;
  }

  // No plan: a group per (stem, plan id), its size from the manifests.
  for (const auto& [stem, found] : by_stem) {
    std::map<std::string, std::vector<const Found*>> by_plan;
    std::vector<const Found*> damaged;
    for (const Found& f : found) {
      if (f.manifest) {
        by_plan[f.manifest->plan_id].push_back(&f);
      } else {
        damaged.push_back(&f);
      }
    }
    if (by_plan.empty()) by_plan[""];  // only damaged manifests: still report them
    for (auto& [plan_id, members] : by_plan) {
      StatusGroup g;
      g.dir = q.dir;
      g.stem = stem;
      g.plan_id = plan_id;
      std::map<uint32_t, const Found*> by_shard;
      for (const Found* f : members) {
        g.shards = std::max(g.shards, static_cast<uint32_t>(f->manifest->shards));
        if (g.plan_path.empty()) g.plan_path = f->manifest->plan_path;
        by_shard[f->shard] = f;
      }
      for (const Found* f : damaged) {
        g.shards = std::max(g.shards, f->shard + 1);
        by_shard.emplace(f->shard, f);
      }
      for (uint32_t i = 0; i < g.shards; ++i) {
        auto it = by_shard.find(i);
        g.reports.push_back(
            ReportFor(i, it == by_shard.end() ? nullptr : it->second, plan_id, liveness));
      }
      if (!g.plan_path.empty() && load_plan) {
        if (auto plan = load_plan(g.plan_path); plan && plan->plan_id == plan_id) {
          AttachPlan(&g, *plan);
        }
      }
      groups.push_back(std::move(g));
    }
  }
  if (groups.empty()) {
    return Status::Error("no shard manifests (*_shardNNNN_manifest.json) in " + q.dir);
  }
  return groups;
}

}  // namespace sscan::shard
