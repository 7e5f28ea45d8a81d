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
    : capacity_(capacity),
      root_(std::move(root)),
      root_parent_(ParentOf(root_)),
      path_(capacity),
      size_(capacity),
      mtime_(capacity),
      atime_(capacity),
      btime_(capacity),
      inode_(capacity),
      allocated_(capacity),
      nlink_(capacity),
      device_(capacity),
      ctime_(capacity),
      btime_valid_(capacity),
      permissions_(capacity),
      depth_(capacity),
      uid_(capacity),
      gid_(capacity),
      file_type_index_(capacity),
      parent_path_index_(capacity),
      top_level_index_(capacity),
      symlink_target_(capacity),
      path_bytes_(capacity),
      symlink_valid_(capacity),
      path_bytes_valid_(capacity) {
  path_.data.reserve(capacity * 24);  // "/name": paths themselves are joined when encoded
}

uint32_t RowGroupBuilder::FileTypeIndex(uint32_t mode, std::string_view name) {
  FileTypeKey key;
  if (!FileTypeKeyOf(mode, name, &key)) {  // a long extension: rare enough for the map
    return InternString(&file_type_, &type_by_name_, FileType(mode, name, &scratch_));
  }
  const uint64_t h = (key.extension ^ key.tag) * 0x9E3779B97F4A7C15ULL;  // Fibonacci hashing
  TypeSlot& slot = type_cache_[h >> 58];
  static_assert(kTypeSlots == 64, "h >> 58 picks one of 64 slots");
  if (slot.index != UINT32_MAX && slot.key == key) return slot.index;
  slot.key = key;
  slot.index = InternString(&file_type_, &type_by_name_, FileType(mode, name, &scratch_));
  return slot.index;
}

uint32_t RowGroupBuilder::InternString(StringColumn* values, StringIndex* map,
                                       std::string_view raw) {
  if (auto it = map->find(raw); it != map->end()) return it->second;
  const auto index = static_cast<uint32_t>(map->size());
  map->emplace(std::string(raw), index);
  AppendUtf8(&values->data, raw, false);
  values->Seal();
  return index;
}

uint32_t RowGroupBuilder::ParentIndex(const walk::Segment& seg) {
  // The root row's parent is not a directory of the walk: give it a key no directory has.
  const uint64_t key = seg.kind == walk::Segment::Kind::kRoot ? UINT64_MAX : seg.dir.id;
  const auto [index, inserted] =
      parent_by_dir_.FindOrInsert(key, static_cast<uint32_t>(parent_by_dir_.size()));
  if (inserted) {
    if (seg.kind == walk::Segment::Kind::kRoot) {
      AppendUtf8(&parent_path_.data, root_parent_, false);
    } else {
      AppendUtf8(&parent_path_.data, seg.dir.path, seg.dir.path_is_utf8);
    }
    parent_path_.Seal();
  }
  return index;
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
  const size_t r = rows_;
  if (path_ok) {
    path_.data.append(suffix_head);
    path_.data.append(suffix_name);
    path_bytes_valid_[r] = 0;
  } else {
    if (is_root) {
      path_bytes_.data.append(root_);
    } else {
      AppendJoined(&path_bytes_.data, seg.dir.path, name);
    }
    AppendUtf8(&path_.data, suffix_head, false);
    AppendUtf8(&path_.data, suffix_name, name_ok);
    path_bytes_valid_[r] = 1;
  }
  path_.Seal(r);
  path_bytes_.Seal(r);

  size_[r] = static_cast<int64_t>(st.size);
  mtime_[r] = st.mtime;
  atime_[r] = st.atime;
  btime_[r] = st.btime;
  btime_valid_[r] = st.has_btime ? 1 : 0;

  file_type_index_[r] = FileTypeIndex(st.mode, name);

  inode_[r] = static_cast<int64_t>(st.inode);
  permissions_[r] = static_cast<int32_t>(st.mode & 07777);
  parent_path_index_[r] = parent_index;
  depth_[r] = static_cast<int32_t>(is_root ? 0 : seg.dir.depth + 1);
  top_level_index_[r] =
      top_index != UINT32_MAX ? top_index : InternString(&top_level_, &top_by_name_, name);
  uid_[r] = static_cast<int32_t>(st.uid);
  gid_[r] = static_cast<int32_t>(st.gid);
  allocated_[r] = static_cast<int64_t>(st.blocks * 512);
  nlink_[r] = static_cast<int64_t>(st.nlink);
  device_[r] = static_cast<int64_t>(st.device);
  ctime_[r] = st.ctime;

  if (e.has_target) {
    AppendUtf8(&symlink_target_.data, seg.target(e), false);
    symlink_valid_[r] = 1;
  } else {
    symlink_valid_[r] = 0;
  }
  symlink_target_.Seal(r);
  ++rows_;
}

void RowGroupBuilder::FinishNames(std::span<const int32_t> ids, bool users, NameResolver* names,
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
  const size_t n = rows_;
  FinishNames(uid_.first(n), true, names, &owner_, &owner_valid_);
  FinishNames(gid_.first(n), false, names, &group_, &group_valid_);

  parquet::RowGroupData rg;
  rg.num_rows = n;
  rg.columns.resize(kColumnCount);
  auto plain = [n](parquet::ColumnData* c, const RowStringColumn& s) {
    c->offsets = s.offsets.first(n + 1);
    c->data = Bytes(s.data);
  };
  auto values = [](parquet::ColumnData* c, const StringColumn& s) {
    c->dict_offsets = Span(s.offsets);
    c->dict_data = Bytes(s.data);
  };
  auto dict = [n, &values](parquet::ColumnData* c, const StringColumn& s,
                           const RowArray<uint32_t>& indices) {
    values(c, s);
    c->indices = indices.first(n);
  };
  // owner and group: built here, by FinishNames, with a validity of their own.
  auto names_column = [&values](parquet::ColumnData* c, const DictColumn& d,
                                const std::vector<uint8_t>& validity) {
    values(c, d.values);
    c->indices = Span(d.indices);
    c->validity = Span(validity);
  };
  plain(&rg.columns[kPath], path_);  // + parent_path's dictionary: the prefixed form
  dict(&rg.columns[kPath], parent_path_, parent_path_index_);
  rg.columns[kSize].int64_values = size_.first(n);
  rg.columns[kModifiedTime].int64_values = mtime_.first(n);
  rg.columns[kAccessedTime].int64_values = atime_.first(n);
  rg.columns[kCreatedTime].int64_values = btime_.first(n);
  rg.columns[kCreatedTime].validity = btime_valid_.first(n);
  dict(&rg.columns[kFileType], file_type_, file_type_index_);
  rg.columns[kInode].int64_values = inode_.first(n);
  rg.columns[kPermissions].int32_values = permissions_.first(n);
  dict(&rg.columns[kParentPath], parent_path_, parent_path_index_);
  rg.columns[kDepth].int32_values = depth_.first(n);
  dict(&rg.columns[kTopLevelDir], top_level_, top_level_index_);
  rg.columns[kUid].int32_values = uid_.first(n);
  rg.columns[kGid].int32_values = gid_.first(n);
  rg.columns[kAllocatedSize].int64_values = allocated_.first(n);
  rg.columns[kNlink].int64_values = nlink_.first(n);
  rg.columns[kDevice].int64_values = device_.first(n);
  rg.columns[kChangedTime].int64_values = ctime_.first(n);
  plain(&rg.columns[kSymlinkTarget], symlink_target_);
  rg.columns[kSymlinkTarget].validity = symlink_valid_.first(n);
  plain(&rg.columns[kPathBytes], path_bytes_);
  rg.columns[kPathBytes].validity = path_bytes_valid_.first(n);
  names_column(&rg.columns[kOwner], owner_, owner_valid_);
  names_column(&rg.columns[kGroup], group_, group_valid_);
  return rg;
}

void RowGroupBuilder::Reset() {
  rows_ = 0;
  // Row arrays need no clearing: rows [0, rows_) are the only ones read.
  for (auto* s : {&path_, &symlink_target_, &path_bytes_}) s->data.clear();
  for (auto* v : {&owner_valid_, &group_valid_}) v->clear();
  for (auto* d : {&owner_, &group_}) d->Clear();
  for (auto* s : {&file_type_, &parent_path_, &top_level_}) s->Clear();
  parent_by_dir_.Clear();
  top_by_name_.clear();
  type_by_name_.clear();
  for (TypeSlot& slot : type_cache_) slot.index = UINT32_MAX;
}

size_t RowGroupBuilder::memory_bytes() const {
  // Per row: 9 int64, 4 int32, 3 dictionary indices, 3 string offsets, 3 validity bytes;
  // owner and group (Finish): an index and a validity byte each.
  size_t b = capacity_ * (9 * 8 + 4 * 4 + 3 * 4 + 3 * 4 + 3 + 2 * (4 + 1));
  b += path_.data.capacity() + symlink_target_.data.capacity() + path_bytes_.data.capacity();
  return b;
}

}  // namespace sscan::output
