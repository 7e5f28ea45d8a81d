// Fuzzes output::ParseManifest, the parser of STEM_manifest.json, which a resumed scan trusts.
//
// Properties, for any input:
//   * ParseManifest never crashes, hangs or leaks (ASan/UBSan/libFuzzer watch that);
//   * a manifest it accepts survives a round trip: FormatManifest(ParseManifest(x)) parses
//     again, to an equal manifest (so a resumed scan, which rewrites the manifest after every
//     chunk, never turns a valid state into a different one or an unreadable one).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "output/manifest.h"

namespace {

using sscan::output::Manifest;

// Field-by-field equality: Manifest has no operator==, and a new field should be added here
// when it is added to the struct.
bool Same(const Manifest& a, const Manifest& b) {
  auto chunks_equal = [&] {
    if (a.chunks.size() != b.chunks.size()) return false;
    for (size_t i = 0; i < a.chunks.size(); ++i) {
      const auto &x = a.chunks[i], &y = b.chunks[i];
      if (x.file_path != y.file_path || x.rows != y.rows || x.bytes != y.bytes ||
          x.created_at != y.created_at)
        return false;
    }
    return true;
  };
  auto dirs_equal = [&] {
    if (a.pending_dirs.size() != b.pending_dirs.size()) return false;
    for (size_t i = 0; i < a.pending_dirs.size(); ++i) {
      const auto &x = a.pending_dirs[i], &y = b.pending_dirs[i];
      if (x.id != y.id || x.path != y.path || x.depth != y.depth || x.device != y.device ||
          x.inode != y.inode || x.cookie != y.cookie || x.next_seq != y.next_seq ||
          x.round != y.round || x.flat != y.flat)
        return false;
    }
    return true;
  };
  auto links_equal = [&] {
    if (a.pending_links.size() != b.pending_links.size()) return false;
    for (size_t i = 0; i < a.pending_links.size(); ++i) {
      const auto &x = a.pending_links[i], &y = b.pending_links[i];
      if (x.path != y.path || x.depth != y.depth || x.round != y.round) return false;
    }
    return true;
  };
  return a.version == b.version && a.scanner_version == b.scanner_version && a.root == b.root &&
         a.identity == b.identity && a.options_json == b.options_json &&
         a.started_at == b.started_at && a.updated_at == b.updated_at &&
         a.finished_at == b.finished_at && a.completed == b.completed &&
         a.total_rows == b.total_rows && chunks_equal() && a.completed_dirs == b.completed_dirs &&
         a.errors == b.errors && a.vanished == b.vanished && a.excluded == b.excluded &&
         a.mount_points_skipped == b.mount_points_skipped && a.host == b.host &&
         a.walk_from_root == b.walk_from_root && a.includes_root_row == b.includes_root_row &&
         a.root_device == b.root_device && a.root_inode == b.root_inode &&
         a.root_row_done == b.root_row_done && a.next_id == b.next_id &&
         a.errors_bytes == b.errors_bytes && a.state_bytes == b.state_bytes && dirs_equal() &&
         links_equal();
}

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "manifest_fuzzer: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto parsed = sscan::output::ParseManifest(text);
  if (!parsed.ok()) {
    if (parsed.status().message().empty()) Fail("refused without a reason", text);
    return 0;
  }
  const std::string formatted = sscan::output::FormatManifest(*parsed);
  auto again = sscan::output::ParseManifest(formatted);
  if (!again.ok())
    Fail("FormatManifest wrote what ParseManifest refuses", again.status().message());
  if (!Same(*parsed, *again)) Fail("the round trip changed the manifest", formatted);
  return 0;
}
