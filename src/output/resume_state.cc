#include "output/resume_state.h"

#include <set>

#include "common/utf8.h"

namespace sscan::output {
namespace {

std::string BaseName(const std::string& p) { return p.substr(p.find_last_of('/') + 1); }

std::string Printable(const std::string& raw) {
  std::string s;
  AppendUtf8Replaced(&s, raw);
  return s;
}

std::string Describe(const ScanIdentity& id) {
  std::string s = "--follow-symlinks ";
  s += id.follow_symlinks ? "on" : "off";
  s += ", --max-depth " +
       (id.max_depth >= 0 ? std::to_string(id.max_depth) : std::string("unlimited"));
  s += ", --one-file-system ";
  s += id.one_file_system ? "on" : "off";
  if (id.excludes.empty()) {
    s += ", no --exclude";
  } else {
    s += ", --exclude";
    for (const std::string& p : id.excludes) s += " '" + Printable(p) + "'";
  }
  return s;
}

bool IsChunkOfThisOutput(const OutputPaths& paths, const std::string& name) {
  const std::string prefix = paths.stem() + "_chunk_";
  if (name.compare(0, prefix.size(), prefix) != 0) return false;
  std::string rest = name.substr(prefix.size());
  size_t digits = 0;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
  return digits >= 4 && rest.substr(digits) == ".parquet";
}

}  // namespace

std::vector<std::string> UnlistedChunks(FileSystem* fs, const OutputPaths& paths,
                                        const Manifest* manifest) {
  std::set<std::string> listed;
  if (manifest != nullptr) {
    for (const ManifestChunk& c : manifest->chunks) listed.insert(BaseName(c.file_path));
  }
  std::vector<std::string> out;
  auto names = fs->ListDir(paths.dir());
  if (!names.ok()) return out;
  for (const std::string& n : *names) {
    if (IsChunkOfThisOutput(paths, n) && !listed.count(n)) out.push_back(n);
  }
  return out;
}

Result<std::optional<ResumeState>> LoadResumeState(FileSystem* fs, const OutputPaths& paths,
                                                   const std::string& root,
                                                   const ScanIdentity& identity,
                                                   bool track_visited) {
  const std::string file = paths.manifest_file();
  if (!fs->Exists(file)) return std::optional<ResumeState>();
  auto text = fs->ReadFile(file);
  if (!text.ok()) return text.status();
  auto parsed = ParseManifest(*text);
  if (!parsed.ok()) {
    return Status::Error("manifest " + file + " is damaged (" + parsed.status().message() +
                         "); refusing to resume. Move it away to start a new scan.");
  }
  ResumeState state;
  state.manifest = std::move(*parsed);
  const Manifest& m = state.manifest;
  if (m.root != root) {
    return Status::Error("manifest " + file + " belongs to a scan of " + Printable(m.root) +
                         ", not " + Printable(root) + "; use another --output for this path");
  }
  if (!(m.identity == identity)) {
    return Status::Error("manifest " + file + " was started with " + Describe(m.identity) +
                         "; resume with the same options (now: " + Describe(identity) + ")");
  }
  std::vector<std::string> missing;
  for (const ManifestChunk& c : m.chunks) {
    std::string path = paths.dir() + "/" + BaseName(c.file_path);
    auto size = fs->FileSize(path);
    if (!size.ok()) {
      missing.push_back(BaseName(c.file_path));
    } else if (*size != c.bytes) {
      return Status::Error("chunk " + path + " is " + std::to_string(*size) +
                           " bytes but the manifest recorded " + std::to_string(c.bytes) +
                           " (damaged); refusing to resume");
    }
  }
  if (!missing.empty()) {
    std::string list;
    for (size_t i = 0; i < missing.size() && i < 10; ++i) list += (i ? ", " : "") + missing[i];
    if (missing.size() > 10) list += ", ... (" + std::to_string(missing.size()) + " in all)";
    return Status::Error("manifest " + file + " lists chunk files that are missing: " + list +
                         "; refusing to resume (restore them, or move the manifest away to start "
                         "a new scan)");
  }
  if (track_visited && m.state_bytes > 0) {
    auto bytes = fs->ReadFile(paths.state_file());
    if (!bytes.ok() || bytes->size() < m.state_bytes || m.state_bytes % 16 != 0) {
      return Status::Error("state file " + paths.state_file() +
                           " is missing or shorter than the manifest records; refusing to resume");
    }
    for (uint64_t off = 0; off < m.state_bytes; off += 16) {
      uint64_t dev = 0, ino = 0;
      for (int i = 7; i >= 0; --i) {
        dev = (dev << 8) | static_cast<uint8_t>((*bytes)[off + i]);
        ino = (ino << 8) | static_cast<uint8_t>((*bytes)[off + 8 + i]);
      }
      state.visited.emplace_back(dev, ino);
    }
  }
  if (!m.completed) state.orphan_chunks = UnlistedChunks(fs, paths, &m);
  return std::optional<ResumeState>(std::move(state));
}

walk::WalkStart StartFromManifest(const Manifest& m,
                                  std::vector<std::pair<uint64_t, uint64_t>> visited) {
  walk::WalkStart start;
  // A whole-tree scan that published nothing, not even the root row, starts afresh.
  if (m.walk_from_root && !m.root_row_done) return start;
  start.fresh = false;
  start.emit_root_row = m.includes_root_row && !m.root_row_done;
  start.next_id = m.next_id;
  for (const PendingDir& d : m.pending_dirs) {
    start.dirs.push_back(
        {d.id, d.path, d.depth, d.device, d.inode, d.cookie, d.next_seq, d.round, d.flat});
  }
  for (const PendingLink& l : m.pending_links) start.links.push_back({l.path, l.depth, l.round});
  start.visited = std::move(visited);
  return start;
}

Status RemoveFiles(FileSystem* fs, const OutputPaths& paths,
                   const std::vector<std::string>& names) {
  for (const std::string& n : names) {
    if (Status s = fs->Remove(paths.dir() + "/" + n); !s.ok()) return s;
  }
  if (!names.empty()) return fs->SyncDir(paths.dir());
  return Status::Ok();
}

}  // namespace sscan::output
