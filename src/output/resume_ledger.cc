#include "output/resume_ledger.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace sscan::output {
namespace {

std::string TopOf(const std::string& rel) { return rel.substr(0, rel.find('/')); }

std::string Join(const std::string& rel_dir, std::string_view name) {
  if (rel_dir.empty()) return std::string(name);
  std::string p = rel_dir;
  p.push_back('/');
  p.append(name);
  return p;
}

}  // namespace

ResumeLedger::ResumeLedger(std::string root, bool track_visited)
    : root_(std::move(root)), track_visited_(track_visited) {}

void ResumeLedger::Restore(const Manifest& m) {
  root_row_done_ = m.root_row_done;
  includes_root_row_ = m.includes_root_row;
  next_id_ = m.next_id;
  completed_tops_ = m.completed_dirs;
  for (const PendingDir& d : m.pending_dirs) {
    dirs_[d.id] = d;
    CountTop(d.path, +1);
  }
  for (const PendingLink& l : m.pending_links) {
    links_[l.path] = l;
    CountTop(l.path, +1);
  }
}

std::string ResumeLedger::Relative(std::string_view absolute) const {
  if (absolute.size() <= root_.size()) return "";
  std::string_view rest = absolute.substr(root_.size());
  if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  return std::string(rest);
}

void ResumeLedger::CountTop(const std::string& rel, int delta) {
  if (rel.empty()) return;
  std::string top = TopOf(rel);
  uint64_t& n = pending_by_top_[top];
  if (delta > 0) {
    ++n;
    return;
  }
  if (n > 0 && --n == 0) {
    pending_by_top_.erase(top);
    // A top-level directory is complete when nothing below it is pending any more.
    if (std::find(completed_tops_.begin(), completed_tops_.end(), top) == completed_tops_.end()) {
      completed_tops_.push_back(top);
    }
  }
}

void ResumeLedger::Register(PendingDir dir) {
  next_id_ = std::max(next_id_, dir.id + 1);
  if (track_visited_) visited_.emplace_back(dir.device, dir.inode);
  CountTop(dir.path, +1);
  uint64_t id = dir.id;
  if (!dirs_.emplace(id, std::move(dir)).second) {
    spdlog::error("internal: directory id {} registered twice", id);
  }
}

void ResumeLedger::Complete(uint64_t id) {
  auto it = dirs_.find(id);
  if (it == dirs_.end()) return;
  std::string rel = std::move(it->second.path);
  dirs_.erase(it);
  CountTop(rel, -1);
}

void ResumeLedger::Apply(const walk::Segment& seg, size_t first, size_t end, Applied* out) {
  const bool completes_segment = end == seg.entries.size();
  // Problems met between entry `first` and `end` belong to this range; those after the last
  // entry come with the range that completes the segment (see WalkError::entry_index).
  for (const walk::WalkError& e : seg.errors) {
    if (e.entry_index >= first && (e.entry_index < end || completes_segment)) {
      out->errors.push_back(&e);
    }
  }
  for (uint32_t at : seg.excluded_at) {
    if (at >= first && (at < end || completes_segment)) ++out->excluded;
  }
  for (size_t i = first; i < end; ++i) out->mount_points_skipped += seg.entries[i].mount_skipped;

  switch (seg.kind) {
    case walk::Segment::Kind::kRoot: {
      if (end > first) root_row_done_ = true;
      for (const walk::ChildDir& c : seg.children) {
        PendingDir d;
        d.id = c.id;
        d.device = c.device;
        d.inode = c.inode;
        Register(std::move(d));
      }
      return;
    }
    case walk::Segment::Kind::kLinkDecision: {
      std::string rel = Relative(seg.link_path);
      auto it = links_.find(rel);
      uint32_t depth = it != links_.end() ? it->second.depth : 0;
      if (it != links_.end()) {
        links_.erase(it);
        CountTop(rel, -1);
      }
      for (const walk::ChildDir& c : seg.children) {
        PendingDir d;
        d.id = c.id;
        d.path = rel;
        d.depth = depth;
        d.device = c.device;
        d.inode = c.inode;
        d.round = seg.round;
        Register(std::move(d));
      }
      return;
    }
    case walk::Segment::Kind::kListing:
      break;
  }

  auto self = dirs_.find(seg.dir.id);
  if (self == dirs_.end()) {
    spdlog::error("internal: listing of unregistered directory id {}", seg.dir.id);
    return;
  }
  const std::string rel_dir = self->second.path;
  for (const walk::ChildDir& c : seg.children) {
    if (c.entry_index < first || c.entry_index >= end) continue;
    PendingDir d;
    d.id = c.id;
    d.path = Join(rel_dir, seg.name(seg.entries[c.entry_index]));
    d.depth = seg.dir.depth + 1;
    d.device = c.device;
    d.inode = c.inode;
    d.round = seg.round;
    Register(std::move(d));
  }
  for (const walk::DeferredLink& l : seg.deferred_links) {
    if (l.entry_index < first || l.entry_index >= end) continue;
    PendingLink pl;
    pl.path = Join(rel_dir, seg.name(seg.entries[l.entry_index]));
    pl.depth = seg.dir.depth + 1;
    pl.round = seg.round + 1;
    CountTop(pl.path, +1);
    links_[pl.path] = std::move(pl);
  }

  PendingDir& d = dirs_.find(seg.dir.id)->second;
  if (!completes_segment) {
    // Resume continues just after the last entry of this range.
    d.cookie = seg.entries[end - 1].cookie;
    d.next_seq = seg.seq;
    return;
  }
  d.cookie = seg.resume_cookie;
  d.next_seq = seg.seq + 1;
  if (seg.last) Complete(seg.dir.id);
}

void ResumeLedger::Snapshot(Manifest* m) const {
  m->root_row_done = root_row_done_;
  m->next_id = next_id_;
  m->completed_dirs = completed_tops_;
  m->pending_dirs.clear();
  m->pending_dirs.reserve(dirs_.size());
  for (const auto& [id, d] : dirs_) m->pending_dirs.push_back(d);
  // A stable order keeps successive manifests comparable.
  std::sort(m->pending_dirs.begin(), m->pending_dirs.end(),
            [](const PendingDir& a, const PendingDir& b) { return a.id < b.id; });
  m->pending_links.clear();
  for (const auto& [path, l] : links_) m->pending_links.push_back(l);
  std::sort(m->pending_links.begin(), m->pending_links.end(),
            [](const PendingLink& a, const PendingLink& b) { return a.path < b.path; });
}

std::vector<std::pair<uint64_t, uint64_t>> ResumeLedger::TakeVisited() {
  return std::exchange(visited_, {});
}

}  // namespace sscan::output
