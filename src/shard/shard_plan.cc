#include "shard/shard_plan.h"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include "common/json_fields.h"
#include "common/utf8.h"

namespace sscan::shard {
namespace {

using json::Json;
using json::JsonFieldError;

// FNV-1a, 64 bits: the plan id only has to tell plans apart and notice edits, not resist an
// adversary (whoever can edit the plan can also rewrite its id).
std::string Fnv1a64Hex(const std::string& bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string Printable(const std::string& raw) {
  std::string s;
  AppendUtf8Replaced(&s, raw);
  return s;
}

// Everything but plan_id, in file order: the id is the hash of this object's compact dump.
// A parsed plan with plan_id removed dumps to the same bytes (ordered keys, integers and
// strings only), so the check survives reformatting by tools that keep key order.
Json Body(const ShardPlan& p) {
  Json j;
  j["version"] = p.version;
  j["scanner_version"] = p.scanner_version;
  json::PutBytes(&j, "root", p.root);
  j["root_is_directory"] = p.root_is_directory;
  j["created_at"] = p.created_at;
  j["host"] = p.host;
  j["shards"] = p.shards;
  Json o;
  o["one_file_system"] = p.options.one_file_system;
  o["max_depth"] = p.options.max_depth >= 0 ? Json(p.options.max_depth) : Json(nullptr);
  o["excludes"] = p.options.excludes;
  o["follow_symlinks"] = false;
  j["options"] = std::move(o);
  Json e;
  e["entries_listed"] = p.exploration.entries_listed;
  e["directories_listed"] = p.exploration.directories_listed;
  e["milliseconds"] = p.exploration.milliseconds;
  e["exhausted"] = p.exploration.exhausted;
  e["budget_entries"] = p.exploration.budget_entries;
  e["budget_milliseconds"] = p.exploration.budget_milliseconds;
  e["threads"] = p.exploration.threads;
  j["exploration"] = std::move(e);
  Json est;
  est["total_entries"] = p.total_estimate;
  est["exact"] = p.exact;
  uint64_t lo = UINT64_MAX, hi = 0;
  for (const ShardAssignment& a : p.assignments) {
    lo = std::min(lo, a.estimate);
    hi = std::max(hi, a.estimate);
  }
  est["smallest_shard"] = p.assignments.empty() ? 0 : lo;
  est["largest_shard"] = hi;
  j["estimate"] = std::move(est);
  j["submit_args"] = p.submit_args;
  Json shards = Json::array();
  for (const ShardAssignment& a : p.assignments) {
    Json aj;
    aj["shard"] = a.shard;
    aj["root_row"] = a.root_row;
    aj["estimated_entries"] = a.estimate;
    aj["exact"] = a.exact;
    Json units = Json::array();
    for (const PlanUnit& u : a.units) {
      Json uj;
      json::PutBytes(&uj, "path", u.path);
      uj["kind"] = UnitKindName(u.kind);
      uj["depth"] = u.depth;
      uj["estimate"] = u.estimate;
      uj["exact"] = u.exact;
      units.push_back(std::move(uj));
    }
    aj["units"] = std::move(units);
    shards.push_back(std::move(aj));
  }
  j["assignments"] = std::move(shards);
  return j;
}

// A relative path of the scanned tree as the walker resolves it: components separated by
// single slashes, none empty, "." or "..". Returns the component count, or -1.
int64_t ComponentCount(const std::string& path) {
  if (path.empty()) return 0;
  if (path.find('\0') != std::string::npos) return -1;
  int64_t n = 0;
  size_t start = 0;
  for (;;) {
    size_t slash = path.find('/', start);
    std::string_view c(path.data() + start,
                       (slash == std::string::npos ? path.size() : slash) - start);
    if (c.empty() || c == "." || c == "..") return -1;
    ++n;
    if (slash == std::string::npos) return n;
    start = slash + 1;
  }
}

std::string ParentPath(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

}  // namespace

const char* UnitKindName(UnitKind kind) { return kind == UnitKind::kFlat ? "flat" : "subtree"; }

std::string ValidatePlan(const ShardPlan& p) {
  if (p.shards < 1 || p.shards > kMaxShards) {
    return "shards " + std::to_string(p.shards) + " is outside 1.." + std::to_string(kMaxShards);
  }
  if (p.assignments.size() != p.shards) {
    return "it names " + std::to_string(p.shards) + " shards but assigns " +
           std::to_string(p.assignments.size());
  }
  if (p.root.empty() || p.root.front() != '/') return "its root is not an absolute path";
  // Kind of every unit, by path: the structure below is what makes coverage exact.
  std::unordered_map<std::string, UnitKind> kinds;
  for (uint32_t i = 0; i < p.shards; ++i) {
    const ShardAssignment& a = p.assignments[i];
    const std::string where = "shard " + std::to_string(i);
    if (a.shard != i) return where + " is listed as shard " + std::to_string(a.shard);
    if (a.root_row != (i == 0)) return where + (i == 0 ? " lacks" : " claims") + " the root row";
    for (const PlanUnit& u : a.units) {
      const int64_t n = ComponentCount(u.path);
      if (n < 0) return where + ": unit '" + Printable(u.path) + "' is not a relative path";
      if (n != u.depth) {
        return where + ": unit '" + Printable(u.path) + "' has depth " + std::to_string(u.depth) +
               ", its path " + std::to_string(n);
      }
      // The walker lists a directory only when its entries are within --max-depth.
      if (p.options.max_depth >= 0 && u.depth >= p.options.max_depth) {
        return where + ": unit '" + Printable(u.path) + "' lies at or beyond --max-depth";
      }
      if (!p.root_is_directory) return where + ": units in a plan whose root is not a directory";
      if (!kinds.emplace(u.path, u.kind).second) {
        return "unit '" + Printable(u.path) + "' is assigned twice";
      }
    }
  }
  for (const auto& [path, kind] : kinds) {
    if (path.empty()) continue;
    // The unit's own row is its parent's entry: only a flat parent lists it without also
    // scanning what is below it.
    auto parent = kinds.find(ParentPath(path));
    if (parent == kinds.end() || parent->second != UnitKind::kFlat) {
      return "unit '" + Printable(path) + "' is not directly inside a flat unit";
    }
  }
  const bool root_listed = p.root_is_directory && p.options.max_depth != 0;
  if (root_listed && !kinds.count("")) return "no unit covers the root directory's entries";
  return "";
}

void SealPlan(ShardPlan* plan) { plan->plan_id = Fnv1a64Hex(Body(*plan).dump()); }

std::string FormatPlan(const ShardPlan& plan) {
  Json body = Body(plan);
  Json j;
  j["version"] = plan.version;
  j["plan_id"] = plan.plan_id;
  for (auto& [k, v] : body.items()) {
    if (k != "version") j[k] = std::move(v);
  }
  return j.dump(2) + "\n";
}

Result<ShardPlan> ParsePlan(const std::string& text) {
  if (std::string deep = json::CheckNesting(text); !deep.empty()) return Status::Error(deep);
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded()) return Status::Error("not valid JSON (truncated or overwritten?)");
  if (!j.is_object()) return Status::Error("not a JSON object");
  try {
    ShardPlan p;
    const std::string top = "the plan";
    const Json& version = json::Field(j, "version", top);
    if (!version.is_number_integer() || version.get<int64_t>() != kPlanVersion) {
      return Status::Error("unsupported plan version " + version.dump() + " (this scanner reads " +
                           std::to_string(kPlanVersion) + ")");
    }
    p.plan_id = json::Str(j, "plan_id", top);
    Json body = j;
    body.erase("plan_id");
    if (Fnv1a64Hex(body.dump()) != p.plan_id) {
      return Status::Error("its plan_id " + p.plan_id +
                           " does not match its content (edited or damaged after it was made)");
    }
    p.scanner_version = json::Str(j, "scanner_version", top);
    p.root = json::Bytes(j, "root", top);
    p.root_is_directory = json::Bool(j, "root_is_directory", top);
    p.created_at = json::Str(j, "created_at", top);
    p.host = json::Str(j, "host", top);
    const uint64_t shards = json::U64(j, "shards", top);
    if (shards < 1 || shards > kMaxShards) {
      return Status::Error("shards " + std::to_string(shards) + " is outside 1.." +
                           std::to_string(kMaxShards));
    }
    p.shards = static_cast<uint32_t>(shards);
    const Json& o = json::Object(j, "options", top);
    p.options.one_file_system = json::Bool(o, "one_file_system", "options");
    const Json& md = json::Field(o, "max_depth", "options");
    if (md.is_null()) {
      p.options.max_depth = -1;
    } else if (md.is_number_integer() && md.get<int64_t>() >= 0) {
      p.options.max_depth = md.get<int64_t>();
    } else {
      throw JsonFieldError{"field 'max_depth' in options is not null or a non-negative integer"};
    }
    for (const Json& e : json::Array(o, "excludes", "options")) {
      if (!e.is_string()) throw JsonFieldError{"field 'excludes' in options holds a non-string"};
      p.options.excludes.push_back(e.get<std::string>());
    }
    if (json::Bool(o, "follow_symlinks", "options")) {
      throw JsonFieldError{"field 'follow_symlinks' in options is true (plans never follow links)"};
    }
    const Json& e = json::Object(j, "exploration", top);
    p.exploration.entries_listed = json::U64(e, "entries_listed", "exploration");
    p.exploration.directories_listed = json::U64(e, "directories_listed", "exploration");
    p.exploration.milliseconds = json::U64(e, "milliseconds", "exploration");
    p.exploration.exhausted = json::Bool(e, "exhausted", "exploration");
    p.exploration.budget_entries = json::U64(e, "budget_entries", "exploration");
    p.exploration.budget_milliseconds = json::U64(e, "budget_milliseconds", "exploration");
    p.exploration.threads = json::U32(e, "threads", "exploration");
    const Json& est = json::Object(j, "estimate", top);
    p.total_estimate = json::U64(est, "total_entries", "estimate");
    p.exact = json::Bool(est, "exact", "estimate");
    p.submit_args = json::Str(j, "submit_args", top);
    for (const Json& aj : json::Array(j, "assignments", top)) {
      if (!aj.is_object()) throw JsonFieldError{"an entry of 'assignments' is not an object"};
      ShardAssignment a;
      const std::string where = "shard " + std::to_string(p.assignments.size());
      a.shard = json::U32(aj, "shard", where);
      a.root_row = json::Bool(aj, "root_row", where);
      a.estimate = json::U64(aj, "estimated_entries", where);
      a.exact = json::Bool(aj, "exact", where);
      for (const Json& uj : json::Array(aj, "units", where)) {
        if (!uj.is_object()) throw JsonFieldError{"a unit of " + where + " is not an object"};
        PlanUnit u;
        const std::string uw = "a unit of " + where;
        u.path = json::Bytes(uj, "path", uw);  // checked by ValidatePlan
        const std::string kind = json::Str(uj, "kind", uw);
        if (kind == "subtree") {
          u.kind = UnitKind::kSubtree;
        } else if (kind == "flat") {
          u.kind = UnitKind::kFlat;
        } else {
          std::string message = "unit kind '";
          message += kind;
          message += "' in " + where + " is neither subtree nor flat";
          throw JsonFieldError{message};
        }
        u.depth = json::U32(uj, "depth", uw);
        u.estimate = json::U64(uj, "estimate", uw);
        u.exact = json::Bool(uj, "exact", uw);
        a.units.push_back(std::move(u));
      }
      p.assignments.push_back(std::move(a));
    }
    if (std::string err = ValidatePlan(p); !err.empty()) return Status::Error(err);
    return p;
  } catch (const JsonFieldError& e) {
    return Status::Error(e.message);
  } catch (const nlohmann::json::exception& e) {
    return Status::Error(std::string("unexpected content: ") + e.what());
  }
}

}  // namespace sscan::shard
