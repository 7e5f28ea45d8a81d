#include "output/row_group_builder.h"

#include <sys/stat.h>

#include "common/utf8.h"
#include "output/file_type.h"
#include "output/scan_schema.h"

namespace sscan::output {
namespace {

// Appends `raw` as valid UTF-8: copied when it already is, repaired otherwise.
void AppendUtf8(std::string* out, std::string_view raw, bool known_valid) {
  if (known_valid || IsValidUtf8(raw)) {
    out->append(raw);
  } else {
    AppendUtf8Replaced(out, raw);
  }
}

// dir + '/' + name, without doubling the slash of the root "/".
void AppendJoined(std::string* out, std::string_view dir, std::string_view name) {
  out->append(dir);
  if (dir.empty() || dir.back() != '/') out->push_back('/');
  out->append(name);
}

std::string ParentOf(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

template <typename T>
std::span<const T> Span(const std::vector<T>& v) {
  return {v.data(), v.size()};
}
std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace

RowGroupBuilder::RowGroupBuilder(size_t capacity, std::string root)
    : capacity_(capacity), root_(std::move(root)), root_parent_(ParentOf(root_)) {
  path_.offsets.reserve(capacity + 1);
  path_.data.reserve(capacity * 24);  // "/name": paths themselves are joined when encoded
  for (auto* v :
       {&size_, &mtime_, &atime_, &btime_, &inode_, &allocated_, &nlink_, &device_, &ctime_}) {
    v->reserve(capacity);
  }
  for (auto* v : {&permissions_, &depth_, &uid_, &gid_}) v->reserve(capacity);
  for (auto* v : {&btime_valid_, &symlink_valid_, &path_bytes_valid_}) v->reserve(capacity);
  for (auto* d : {&file_type_, &parent_path_, &top_level_}) d->indices.reserve(capacity);
  symlink_target_.offsets.reserve(capacity + 1);
  path_bytes_.offsets.reserve(capacity + 1);
}

uint32_t RowGroupBuilder::TypeIndex(std::string_view type) {
  // Length and the last two bytes tell common extensions apart well enough for 64 slots.
  size_t h = type.size();
  if (!type.empty()) {
    h = h * 131 + static_cast<unsigned char>(type.back());
    h = h * 131 + static_cast<unsigned char>(type[type.size() / 2]);
  }
  TypeSlot& slot = type_cache_[h & (kTypeSlots - 1)];
  if (slot.index != UINT32_MAX && slot.type == type) return slot.index;
  slot.index = InternString(&file_type_, &type_by_name_, type);
  slot.type.assign(type);
  return slot.index;
}

uint32_t RowGroupBuilder::InternString(DictColumn* col, StringIndex* map, std::string_view raw) {
  if (auto it = map->find(raw); it != map->end()) return it->second;
  const auto index = static_cast<uint32_t>(map->size());
  map->emplace(std::string(raw), index);
  AppendUtf8(&col->values.data, raw, false);
  col->values.Seal();
  return index;
}

uint32_t RowGroupBuilder::ParentIndex(const walk::Segment& seg) {
  // The root row's parent is not a directory of the walk: give it a key no directory has.
  const uint64_t key = seg.kind == walk::Segment::Kind::kRoot ? UINT64_MAX : seg.dir.id;
  auto [it, inserted] =
      parent_by_dir_.try_emplace(key, static_cast<uint32_t>(parent_by_dir_.size()));
  if (inserted) {
    if (seg.kind == walk::Segment::Kind::kRoot) {
      AppendUtf8(&parent_path_.values.data, root_parent_, false);
    } else {
      AppendUtf8(&parent_path_.values.data, seg.dir.path, seg.dir.path_is_utf8);
    }
    parent_path_.values.Seal();
  }
  return it->second;
}

void RowGroupBuilder::Append(const walk::Segment& seg, size_t first, size_t count) {
  if (count == 0) return;
  const uint32_t parent_index = ParentIndex(seg);
  // Below depth 1 every entry of a segment shares its directory's top-level name.
  uint32_t top_index = UINT32_MAX;
  if (seg.kind == walk::Segment::Kind::kRoot) {
    top_index = InternString(&top_level_, &top_by_name_, "");
  } else if (seg.dir.depth > 0) {
    top_index = InternString(&top_level_, &top_by_name_, seg.dir.top_level);
  }
  for (size_t i = first; i < first + count; ++i) {
    AppendOne(seg, seg.entries[i], parent_index, top_index);
  }
}

void RowGroupBuilder::AppendOne(const walk::Segment& seg, const walk::Entry& e,
                                uint32_t parent_index, uint32_t top_index) {
  const std::string_view name = seg.name(e);
  const bool is_root = seg.kind == walk::Segment::Kind::kRoot;
  const walk::EntryStat& st = e.stat;

  // path, in the prefixed form (column_data.h): its parent's path (parent_path's dictionary
  // entry, kept once per directory) + the suffix "/name" kept here, so a row costs its name
  // rather than its whole path. The writer joins them page by page. Repairing UTF-8 part by
  // part gives the repair of the whole: '/' is ASCII, so no invalid sequence spans it.
  // path_bytes holds the whole raw path when it is not UTF-8.
  const std::string_view parent = is_root ? std::string_view(root_parent_) : seg.dir.path;
  std::string_view suffix_head;  // the separator, or for the root row its whole suffix
  std::string_view suffix_name = name;
  if (is_root) {
    suffix_head = std::string_view(root_).substr(root_parent_.size());
    suffix_name = {};
  } else if (parent.empty() || parent.back() != '/') {
    suffix_head = "/";
  }
  const bool name_ok = IsValidUtf8(name);
  const bool path_ok = is_root ? seg.dir.path_is_utf8 : (seg.dir.path_is_utf8 && name_ok);
  if (path_ok) {
    path_.data.append(suffix_head);
    path_.data.append(suffix_name);
    path_bytes_valid_.push_back(0);
  } else {
    if (is_root) {
      path_bytes_.data.append(root_);
    } else {
      AppendJoined(&path_bytes_.data, seg.dir.path, name);
    }
    AppendUtf8(&path_.data, suffix_head, false);
    AppendUtf8(&path_.data, suffix_name, name_ok);
    path_bytes_valid_.push_back(1);
  }
  path_.Seal();
  path_bytes_.Seal();

  size_.push_back(static_cast<int64_t>(st.size));
  mtime_.push_back(st.mtime);
  atime_.push_back(st.atime);
  btime_.push_back(st.btime);
  btime_valid_.push_back(st.has_btime ? 1 : 0);

  file_type_.indices.push_back(TypeIndex(FileType(st.mode, name, &scratch_)));

  inode_.push_back(static_cast<int64_t>(st.inode));
  permissions_.push_back(static_cast<int32_t>(st.mode & 07777));
  parent_path_.indices.push_back(parent_index);
  depth_.push_back(static_cast<int32_t>(is_root ? 0 : seg.dir.depth + 1));
  top_level_.indices.push_back(
      top_index != UINT32_MAX ? top_index : InternString(&top_level_, &top_by_name_, name));
  uid_.push_back(static_cast<int32_t>(st.uid));
  gid_.push_back(static_cast<int32_t>(st.gid));
  allocated_.push_back(static_cast<int64_t>(st.blocks * 512));
  nlink_.push_back(static_cast<int64_t>(st.nlink));
  device_.push_back(static_cast<int64_t>(st.device));
  ctime_.push_back(st.ctime);

  if (e.has_target) {
    AppendUtf8(&symlink_target_.data, seg.target(e), false);
    symlink_valid_.push_back(1);
  } else {
    symlink_valid_.push_back(0);
  }
  symlink_target_.Seal();
  ++rows_;
}

void RowGroupBuilder::FinishNames(const std::vector<int32_t>& ids, bool users, NameResolver* names,
                                  DictColumn* out, std::vector<uint8_t>* validity) {
  out->Clear();
  validity->assign(ids.size(), 0);
  out->indices.assign(ids.size(), 0);
  if (names == nullptr || !names->enabled()) return;
  // Distinct ids per row group are few; remember each id's index (or "unknown").
  std::unordered_map<int32_t, int64_t> index_of;
  int32_t last_id = 0;
  int64_t last_index = -2;  // -2: none yet, -1: unknown name
  for (size_t i = 0; i < ids.size(); ++i) {
    int32_t id = ids[i];
    if (last_index == -2 || id != last_id) {
      auto [it, inserted] = index_of.try_emplace(id, -1);
      if (inserted) {
        auto uid = static_cast<uint32_t>(id);
        const std::string* n = users ? names->User(uid) : names->Group(uid);
        if (n != nullptr) {
          out->values.data.append(*n);
          out->values.Seal();
          it->second = static_cast<int64_t>(out->values.offsets.size() - 2);
        }
      }
      last_id = id;
      last_index = it->second;
    }
    if (last_index >= 0) {
      (*validity)[i] = 1;
      out->indices[i] = static_cast<uint32_t>(last_index);
    }
  }
}

parquet::RowGroupData RowGroupBuilder::Finish(NameResolver* names) {
  FinishNames(uid_, true, names, &owner_, &owner_valid_);
  FinishNames(gid_, false, names, &group_, &group_valid_);

  parquet::RowGroupData rg;
  rg.num_rows = rows_;
  rg.columns.resize(kColumnCount);
  auto plain = [](parquet::ColumnData* c, const StringColumn& s) {
    c->offsets = Span(s.offsets);
    c->data = Bytes(s.data);
  };
  auto dict = [](parquet::ColumnData* c, const DictColumn& d) {
    c->dict_offsets = Span(d.values.offsets);
    c->dict_data = Bytes(d.values.data);
    c->indices = Span(d.indices);
  };
  plain(&rg.columns[kPath], path_);  // + parent_path's dictionary: the prefixed form
  dict(&rg.columns[kPath], parent_path_);
  rg.columns[kSize].int64_values = Span(size_);
  rg.columns[kModifiedTime].int64_values = Span(mtime_);
  rg.columns[kAccessedTime].int64_values = Span(atime_);
  rg.columns[kCreatedTime].int64_values = Span(btime_);
  rg.columns[kCreatedTime].validity = Span(btime_valid_);
  dict(&rg.columns[kFileType], file_type_);
  rg.columns[kInode].int64_values = Span(inode_);
  rg.columns[kPermissions].int32_values = Span(permissions_);
  dict(&rg.columns[kParentPath], parent_path_);
  rg.columns[kDepth].int32_values = Span(depth_);
  dict(&rg.columns[kTopLevelDir], top_level_);
  rg.columns[kUid].int32_values = Span(uid_);
  rg.columns[kGid].int32_values = Span(gid_);
  rg.columns[kAllocatedSize].int64_values = Span(allocated_);
  rg.columns[kNlink].int64_values = Span(nlink_);
  rg.columns[kDevice].int64_values = Span(device_);
  rg.columns[kChangedTime].int64_values = Span(ctime_);
  plain(&rg.columns[kSymlinkTarget], symlink_target_);
  rg.columns[kSymlinkTarget].validity = Span(symlink_valid_);
  plain(&rg.columns[kPathBytes], path_bytes_);
  rg.columns[kPathBytes].validity = Span(path_bytes_valid_);
  dict(&rg.columns[kOwner], owner_);
  rg.columns[kOwner].validity = Span(owner_valid_);
  dict(&rg.columns[kGroup], group_);
  rg.columns[kGroup].validity = Span(group_valid_);
  return rg;
}

void RowGroupBuilder::Reset() {
  rows_ = 0;
  path_.Clear();
  for (auto* v :
       {&size_, &mtime_, &atime_, &btime_, &inode_, &allocated_, &nlink_, &device_, &ctime_}) {
    v->clear();
  }
  for (auto* v : {&permissions_, &depth_, &uid_, &gid_}) v->clear();
  for (auto* v :
       {&btime_valid_, &symlink_valid_, &path_bytes_valid_, &owner_valid_, &group_valid_}) {
    v->clear();
  }
  for (auto* d : {&file_type_, &parent_path_, &top_level_, &owner_, &group_}) d->Clear();
  symlink_target_.Clear();
  path_bytes_.Clear();
  parent_by_dir_.clear();
  top_by_name_.clear();
  type_by_name_.clear();
  for (TypeSlot& slot : type_cache_) slot.index = UINT32_MAX;
}

size_t RowGroupBuilder::memory_bytes() const {
  size_t b = path_.data.capacity() + path_.offsets.capacity() * 4;
  b += capacity_ * (9 * 8 + 4 * 4 + 3 * 4 + 5);
  b += symlink_target_.data.capacity() + path_bytes_.data.capacity();
  return b;
}

}  // namespace sscan::output
