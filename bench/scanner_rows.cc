// scanner_rows.cc — see scanner_rows.h.
#include "scanner_rows.h"

#include <cstdio>
#include <span>
#include <unordered_map>

namespace sscan::bench {
namespace {

namespace pq = parquet;

class Rng {  // splitmix64: tiny, deterministic everywhere
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }
  bool Chance(double p) { return static_cast<double>(Next() >> 11) * 0x1.0p-53 < p; }

 private:
  uint64_t s_;
};

template <typename T>
std::span<const T> Sub(const std::vector<T>& v, size_t b, size_t e) {
  return std::span<const T>(v).subspan(b, e - b);
}

pq::ColumnData Plain(const StringColumn& c, size_t b, size_t e) {
  pq::ColumnData d;
  d.offsets = Sub(c.offsets, b, e + 1);
  d.data = c.data;
  return d;
}

pq::ColumnData Dict(const DictionaryColumn& c, size_t b, size_t e) {
  pq::ColumnData d;
  d.dict_offsets = c.dictionary.offsets;
  d.dict_data = c.dictionary.data;
  d.indices = Sub(c.indices, b, e);
  return d;
}

using Seen = std::unordered_map<std::string, uint32_t>;

uint32_t Intern(DictionaryColumn* c, Seen* seen, const std::string& s) {
  auto [it, inserted] = seen->emplace(s, static_cast<uint32_t>(seen->size()));
  if (inserted) c->dictionary.Add(s);
  return it->second;
}

}  // namespace

pq::Schema ScannerSchema() {
  using P = pq::PhysicalType;
  using L = pq::LogicalType;
  using R = pq::Repetition;
  auto col = [](const char* name, P p, L l, R r = R::kRequired) {
    return pq::ColumnSpec{name, p, l, r};
  };
  return pq::Schema{{
      col("path", P::kByteArray, L::kString),
      col("size", P::kInt64, L::kUnsignedInt),
      col("modified_time", P::kInt64, L::kSignedInt),
      col("accessed_time", P::kInt64, L::kSignedInt),
      col("created_time", P::kInt64, L::kSignedInt, R::kOptional),
      col("file_type", P::kByteArray, L::kString),
      col("inode", P::kInt64, L::kUnsignedInt),
      col("permissions", P::kInt32, L::kUnsignedInt),
      col("parent_path", P::kByteArray, L::kString),
      col("depth", P::kInt32, L::kUnsignedInt),
      col("top_level_dir", P::kByteArray, L::kString),
      col("uid", P::kInt32, L::kUnsignedInt),
      col("gid", P::kInt32, L::kUnsignedInt),
      col("allocated_size", P::kInt64, L::kUnsignedInt),
      col("nlink", P::kInt64, L::kUnsignedInt),
      col("device", P::kInt64, L::kUnsignedInt),
      col("changed_time", P::kInt64, L::kSignedInt),
      col("symlink_target", P::kByteArray, L::kString, R::kOptional),
      col("path_bytes", P::kByteArray, L::kNone, R::kOptional),
      col("owner", P::kByteArray, L::kString, R::kOptional),
      col("group", P::kByteArray, L::kString, R::kOptional),
  }};
}

ScannerRows GenerateScannerRows(size_t num_rows, uint64_t seed) {
  static const char* kTop[] = {"projects", "home", "scratch", "datasets", "software", "archive"};
  static const char* kWords[] = {"analysis",  "results", "raw",    "model",  "checkpoint",
                                 "run",       "sample",  "config", "output", "input",
                                 "logs",      "figures", "src",    "build",  "data",
                                 "notebooks", "cache",   "tmp"};
  static const char* kExt[] = {"txt", "py", "csv", "h5", "nc",  "log", "json", "parquet", "c",
                               "h",   "o",  "so",  "gz", "tar", "png", "",     "md",      "dat"};
  static const char* kUsers[] = {"root", "alice", "bob", "carol", "dave", "erin", "frank"};
  static const char* kGroups[] = {"root", "physics", "chem", "bio", "hpc"};
  Rng rng(seed);
  ScannerRows r;
  r.num_rows = num_rows;
  Seen parents_seen, types_seen, tops_seen, owners_seen, groups_seen;
  uint64_t inode = 1'000'000 + rng.Below(1'000'000);
  size_t row = 0;
  while (row < num_rows) {
    // One directory: a few to a few hundred entries sharing a prefix, owner and times.
    const size_t top = rng.Below(6);
    const size_t user = rng.Below(7);
    std::string dir = "/gpfs/fs1/";
    dir.append(kTop[top]).append("/").append(kUsers[user]);
    const int levels = 2 + static_cast<int>(rng.Below(5));
    for (int l = 0; l < levels; ++l) {
      dir.append("/").append(kWords[rng.Below(18)]).append("_");
      dir.append(std::to_string(rng.Below(100)));
    }
    const uint32_t parent = Intern(&r.parent_path, &parents_seen, dir);
    const uint32_t top_index = Intern(&r.top_level_dir, &tops_seen, kTop[top]);
    const int32_t depth = 3 + levels;
    const int64_t dir_time = 1'600'000'000 + static_cast<int64_t>(rng.Below(100'000'000));
    const size_t entries = 1 + rng.Below(rng.Chance(0.1) ? 400 : 40);
    inode += rng.Below(5000);
    for (size_t e = 0; e < entries && row < num_rows; ++e, ++row) {
      const bool is_dir = rng.Chance(0.08);
      const bool is_link = !is_dir && rng.Chance(0.02);
      const char* ext = kExt[rng.Below(18)];
      char name[64];
      std::snprintf(name, sizeof(name), "%s_%04u%s%s", kWords[rng.Below(18)],
                    static_cast<unsigned>(rng.Below(10000)), *ext != 0 ? "." : "", ext);
      std::string path = dir;
      path.append("/").append(name);
      r.path.Add(path);
      r.parent_path.indices.push_back(parent);
      r.top_level_dir.indices.push_back(top_index);
      const std::string type = is_dir ? "directory" : is_link ? "symlink" : ext;
      r.file_type.indices.push_back(Intern(&r.file_type, &types_seen, type));
      const uint64_t bits = rng.Below(34);
      const int64_t size = is_dir ? 4096 : static_cast<int64_t>(rng.Below(uint64_t{1} << bits));
      r.size.push_back(size);
      r.allocated_size.push_back((size + 4095) / 4096 * 4096);
      const int64_t mtime = dir_time + static_cast<int64_t>(rng.Below(86400));
      r.modified_time.push_back(mtime);
      r.accessed_time.push_back(mtime + static_cast<int64_t>(rng.Below(1'000'000)));
      r.changed_time.push_back(mtime + static_cast<int64_t>(rng.Below(10)));
      const bool has_btime = rng.Chance(0.3);
      r.created_time.push_back(has_btime ? mtime - static_cast<int64_t>(rng.Below(1000)) : 0);
      r.created_valid.push_back(has_btime ? 1 : 0);
      inode += 1 + (rng.Chance(0.1) ? rng.Below(100) : 0);
      r.inode.push_back(static_cast<int64_t>(inode));
      r.permissions.push_back(is_dir ? 0755 : (rng.Chance(0.7) ? 0644 : 0664));
      r.depth.push_back(depth);
      r.uid.push_back(static_cast<int32_t>(user == 0 ? 0 : 1000 + user));
      r.gid.push_back(static_cast<int32_t>(user == 0 ? 0 : 100 + user % 5));
      r.nlink.push_back(is_dir ? 2 + static_cast<int64_t>(rng.Below(10)) : 1);
      r.device.push_back(rng.Chance(0.999) ? 64768 : 64769);
      std::string target;  // built by append: GCC 12 misfires -Wrestrict on chained +
      if (is_link) target.append("../").append(kWords[rng.Below(18)]).append("/").append(name);
      r.symlink_target.Add(target);
      r.symlink_valid.push_back(is_link ? 1 : 0);
      const bool bad_name = rng.Chance(0.001);
      std::string raw;
      if (bad_name) raw.append(dir).append("/\xff").append(name);
      r.path_bytes.Add(raw);
      r.path_bytes_valid.push_back(bad_name ? 1 : 0);
      const bool named = rng.Chance(0.95);
      r.owner.indices.push_back(named ? Intern(&r.owner, &owners_seen, kUsers[user]) : 0);
      r.owner_valid.push_back(named ? 1 : 0);
      r.group.indices.push_back(named ? Intern(&r.group, &groups_seen, kGroups[user % 5]) : 0);
      r.group_valid.push_back(named ? 1 : 0);
    }
  }
  // Dictionary form needs at least one entry even if every row is null.
  if (owners_seen.empty()) r.owner.dictionary.Add("");
  if (groups_seen.empty()) r.group.dictionary.Add("");
  return r;
}

pq::RowGroupData ScannerRows::Slice(size_t b, size_t e) const {
  pq::RowGroupData g;
  g.num_rows = e - b;
  auto ints64 = [&](const std::vector<int64_t>& v) {
    pq::ColumnData d;
    d.int64_values = Sub(v, b, e);
    return d;
  };
  auto ints32 = [&](const std::vector<int32_t>& v) {
    pq::ColumnData d;
    d.int32_values = Sub(v, b, e);
    return d;
  };
  auto with_validity = [&](pq::ColumnData d, const std::vector<uint8_t>& valid) {
    d.validity = Sub(valid, b, e);
    return d;
  };
  g.columns = {
      Plain(path, b, e),
      ints64(size),
      ints64(modified_time),
      ints64(accessed_time),
      with_validity(ints64(created_time), created_valid),
      Dict(file_type, b, e),
      ints64(inode),
      ints32(permissions),
      Dict(parent_path, b, e),
      ints32(depth),
      Dict(top_level_dir, b, e),
      ints32(uid),
      ints32(gid),
      ints64(allocated_size),
      ints64(nlink),
      ints64(device),
      ints64(changed_time),
      with_validity(Plain(symlink_target, b, e), symlink_valid),
      with_validity(Plain(path_bytes, b, e), path_bytes_valid),
      with_validity(Dict(owner, b, e), owner_valid),
      with_validity(Dict(group, b, e), group_valid),
  };
  return g;
}

}  // namespace sscan::bench
