#include "output/manifest.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/json_fields.h"
#include "common/utf8.h"

namespace sscan::output {
namespace {

using json::Array;
using json::Bool;
using json::Bytes;
using json::Field;
using json::Json;
using json::Object;
using json::PutBytes;
using json::Str;
using json::U32;
using json::U64;
using ParseError = json::JsonFieldError;

}  // namespace

bool ScanIdentity::operator==(const ScanIdentity& other) const {
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  };
  return follow_symlinks == other.follow_symlinks && max_depth == other.max_depth &&
         one_file_system == other.one_file_system && sorted(excludes) == sorted(other.excludes);
}

std::string FormatManifest(const Manifest& m) {
  Json j;
  j["version"] = m.version;
  j["scanner_version"] = m.scanner_version;
  PutBytes(&j, "root", m.root);
  Json identity;
  identity["follow_symlinks"] = m.identity.follow_symlinks;
  identity["max_depth"] = m.identity.max_depth >= 0 ? Json(m.identity.max_depth) : Json(nullptr);
  identity["one_file_system"] = m.identity.one_file_system;
  identity["excludes"] = m.identity.excludes;
  Json options = Json::parse(m.options_json.empty() ? "{}" : m.options_json, nullptr, false);
  if (options.is_discarded() || !options.is_object()) options = Json::object();
  for (auto& [k, v] : identity.items()) options[k] = v;
  j["options"] = options;
  j["started_at"] = m.started_at;
  j["updated_at"] = m.updated_at;
  j["finished_at"] = m.finished_at ? Json(*m.finished_at) : Json(nullptr);
  j["completed"] = m.completed;
  j["total_rows"] = m.total_rows;
  j["chunk_count"] = m.chunks.size();
  Json chunks = Json::array();
  for (const ManifestChunk& c : m.chunks) {
    Json cj;
    PutBytes(&cj, "file_path", c.file_path);
    cj["rows"] = c.rows;
    cj["bytes"] = c.bytes;
    cj["created_at"] = c.created_at;
    chunks.push_back(std::move(cj));
  }
  j["chunks"] = std::move(chunks);
  Json completed_dirs = Json::array();
  for (const std::string& d : m.completed_dirs) {
    std::string s;
    AppendUtf8Replaced(&s, d);
    completed_dirs.push_back(s);
  }
  j["completed_dirs"] = std::move(completed_dirs);
  j["errors"] = m.errors;
  j["vanished"] = m.vanished;
  j["excluded"] = m.excluded;
  j["mount_points_skipped"] = m.mount_points_skipped;
  j["host"] = m.host;
  j["pid"] = m.pid;
  j["heartbeat_secs"] = m.heartbeat_secs;
  if (!m.slurm_job.empty()) j["slurm_job"] = m.slurm_job;
  if (!m.plan_id.empty()) {
    j["plan_id"] = m.plan_id;
    j["shard"] = m.shard;
    j["shards"] = m.shards;
    PutBytes(&j, "plan_path", m.plan_path);
  }

  Json r;
  r["walk_from_root"] = m.walk_from_root;
  r["includes_root_row"] = m.includes_root_row;
  r["root_device"] = m.root_device;
  r["root_inode"] = m.root_inode;
  r["root_row_done"] = m.root_row_done;
  r["next_id"] = m.next_id;
  r["errors_bytes"] = m.errors_bytes;
  r["state_bytes"] = m.state_bytes;
  Json dirs = Json::array();
  for (const PendingDir& d : m.pending_dirs) {
    Json dj;
    dj["id"] = d.id;
    PutBytes(&dj, "path", d.path);
    dj["depth"] = d.depth;
    dj["device"] = d.device;
    dj["inode"] = d.inode;
    dj["cookie"] = d.cookie;
    dj["seq"] = d.next_seq;
    dj["round"] = d.round;
    if (d.flat) dj["flat"] = true;
    dirs.push_back(std::move(dj));
  }
  r["pending_dirs"] = std::move(dirs);
  Json links = Json::array();
  for (const PendingLink& l : m.pending_links) {
    Json lj;
    PutBytes(&lj, "path", l.path);
    lj["depth"] = l.depth;
    lj["round"] = l.round;
    links.push_back(std::move(lj));
  }
  r["pending_links"] = std::move(links);
  j["resume"] = std::move(r);
  return j.dump(2) + "\n";
}

Result<Manifest> ParseManifest(const std::string& text) {
  if (std::string deep = json::CheckNesting(text); !deep.empty()) return Status::Error(deep);
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded()) return Status::Error("not valid JSON (truncated or overwritten?)");
  if (!j.is_object()) return Status::Error("not a JSON object");
  try {
    Manifest m;
    const Json& version = Field(j, "version", "the manifest");
    if (!version.is_number_integer() || version.get<int64_t>() != kManifestVersion) {
      return Status::Error("unsupported manifest version " + version.dump() +
                           " (this scanner reads " + std::to_string(kManifestVersion) + ")");
    }
    m.scanner_version = Str(j, "scanner_version", "the manifest");
    m.root = Bytes(j, "root", "the manifest");
    const Json& options = Object(j, "options", "the manifest");
    m.identity.follow_symlinks = Bool(options, "follow_symlinks", "options");
    const Json& md = Field(options, "max_depth", "options");
    if (md.is_null()) {
      m.identity.max_depth = -1;
    } else if (md.is_number_integer() && md.get<int64_t>() >= 0) {
      m.identity.max_depth = md.get<int64_t>();
    } else {
      throw ParseError{"field 'max_depth' in options is not null or a non-negative integer"};
    }
    m.identity.one_file_system = Bool(options, "one_file_system", "options");
    for (const Json& e : Array(options, "excludes", "options")) {
      if (!e.is_string()) throw ParseError{"field 'excludes' in options holds a non-string"};
      m.identity.excludes.push_back(e.get<std::string>());
    }
    m.options_json = options.dump();
    m.started_at = Str(j, "started_at", "the manifest");
    m.updated_at = Str(j, "updated_at", "the manifest");
    const Json& fin = Field(j, "finished_at", "the manifest");
    if (fin.is_string()) {
      m.finished_at = fin.get<std::string>();
    } else if (!fin.is_null()) {
      throw ParseError{"field 'finished_at' is not null or a string"};
    }
    m.completed = Bool(j, "completed", "the manifest");
    m.total_rows = U64(j, "total_rows", "the manifest");
    uint64_t chunk_count = U64(j, "chunk_count", "the manifest");
    uint64_t sum = 0;
    for (const Json& c : Array(j, "chunks", "the manifest")) {
      if (!c.is_object()) throw ParseError{"an entry of 'chunks' is not an object"};
      ManifestChunk mc;
      mc.file_path = Bytes(c, "file_path", "a chunk");
      mc.rows = U64(c, "rows", "a chunk");
      mc.bytes = U64(c, "bytes", "a chunk");
      mc.created_at = Str(c, "created_at", "a chunk");
      sum += mc.rows;
      m.chunks.push_back(std::move(mc));
    }
    if (chunk_count != m.chunks.size()) {
      throw ParseError{"chunk_count " + std::to_string(chunk_count) + " disagrees with the " +
                       std::to_string(m.chunks.size()) + " chunks listed"};
    }
    if (sum != m.total_rows) {
      throw ParseError{"total_rows " + std::to_string(m.total_rows) +
                       " disagrees with the chunks' rows (" + std::to_string(sum) + ")"};
    }
    for (const Json& d : Array(j, "completed_dirs", "the manifest")) {
      if (!d.is_string()) throw ParseError{"an entry of 'completed_dirs' is not a string"};
      m.completed_dirs.push_back(d.get<std::string>());
    }
    m.errors = U64(j, "errors", "the manifest");
    m.vanished = U64(j, "vanished", "the manifest");
    m.excluded = U64(j, "excluded", "the manifest");
    m.mount_points_skipped = U64(j, "mount_points_skipped", "the manifest");
    m.host = Str(j, "host", "the manifest");
    // Fields added after version 1 was first written: optional, so older manifests resume.
    if (j.contains("pid")) m.pid = static_cast<int64_t>(U64(j, "pid", "the manifest"));
    if (j.contains("heartbeat_secs")) m.heartbeat_secs = U64(j, "heartbeat_secs", "the manifest");
    if (j.contains("slurm_job")) m.slurm_job = Str(j, "slurm_job", "the manifest");
    if (j.contains("plan_id")) {
      m.plan_id = Str(j, "plan_id", "the manifest");
      if (m.plan_id.empty()) throw ParseError{"field 'plan_id' is empty"};
      m.shards = static_cast<int64_t>(U32(j, "shards", "the manifest"));
      m.shard = static_cast<int64_t>(U32(j, "shard", "the manifest"));
      if (m.shards < 1 || m.shard >= m.shards) {
        throw ParseError{"shard " + std::to_string(m.shard) + " is not below shards " +
                         std::to_string(m.shards)};
      }
      m.plan_path = Bytes(j, "plan_path", "the manifest");
    }

    const Json& r = Object(j, "resume", "the manifest");
    m.walk_from_root = Bool(r, "walk_from_root", "resume");
    m.includes_root_row = Bool(r, "includes_root_row", "resume");
    m.root_device = U64(r, "root_device", "resume");
    m.root_inode = U64(r, "root_inode", "resume");
    m.root_row_done = Bool(r, "root_row_done", "resume");
    m.next_id = U64(r, "next_id", "resume");
    m.errors_bytes = U64(r, "errors_bytes", "resume");
    m.state_bytes = U64(r, "state_bytes", "resume");
    for (const Json& d : Array(r, "pending_dirs", "resume")) {
      if (!d.is_object()) throw ParseError{"an entry of 'pending_dirs' is not an object"};
      PendingDir pd;
      pd.id = U64(d, "id", "a pending directory");
      pd.path = json::RelativePath(d, "path", "a pending directory");
      pd.depth = U32(d, "depth", "a pending directory");
      pd.device = U64(d, "device", "a pending directory");
      pd.inode = U64(d, "inode", "a pending directory");
      pd.cookie = U64(d, "cookie", "a pending directory");
      pd.next_seq = U32(d, "seq", "a pending directory");
      pd.round = U32(d, "round", "a pending directory");
      if (d.contains("flat")) pd.flat = Bool(d, "flat", "a pending directory");
      if (pd.id >= m.next_id) throw ParseError{"a pending directory's id is not below next_id"};
      m.pending_dirs.push_back(std::move(pd));
    }
    for (const Json& l : Array(r, "pending_links", "resume")) {
      if (!l.is_object()) throw ParseError{"an entry of 'pending_links' is not an object"};
      PendingLink pl;
      pl.path = json::RelativePath(l, "path", "a pending link");
      pl.depth = U32(l, "depth", "a pending link");
      pl.round = U32(l, "round", "a pending link");
      m.pending_links.push_back(std::move(pl));
    }
    if (m.completed && (!m.pending_dirs.empty() || !m.pending_links.empty())) {
      throw ParseError{"marked completed but still lists pending work"};
    }
    return m;
  } catch (const ParseError& e) {
    return Status::Error(e.message);
  } catch (const nlohmann::json::exception& e) {
    return Status::Error(std::string("unexpected content: ") + e.what());
  }
}

}  // namespace sscan::output
