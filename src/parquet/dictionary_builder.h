// dictionary_builder.h — hash tables that turn a column chunk's values into dictionary
// entries (in order of first appearance) and one index per value.
//
// Built once per column chunk during analysis, before any page is written, so the chunk can
// be written all-dictionary or all-plain (fastparquet misreads a dictionary -> PLAIN switch
// inside one chunk). Building stops as soon as the dictionary's PLAIN size would pass
// `budget_bytes` — the dictionary size limit, or the size of the best other encoding, since a
// dictionary at least that big cannot win — so unique columns (paths, inodes) cost little.
//
// Open addressing, linear probing, power-of-two capacity at most half full. Byte-array
// entries are views into the caller's buffers, which outlive the builder (EncodeRowGroup).
// Memory is reused across Build() calls.
//
// Thread safety: one owner.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace sscan::parquet {

uint64_t HashBytes(const uint8_t* p, size_t n);
// True when a dictionary of `entries` entries after `values_seen` values is not worth
// finishing (see dictionary_builder.cc).
bool MostlyDistinct(size_t entries, size_t values_seen);

template <typename T>
class IntDictionaryBuilder {
 public:
  // Fills `indices` (resized to values.size()) and the entries. Returns false, with the
  // builder in an unspecified state, when the entries' PLAIN size would exceed budget_bytes.
  bool Build(std::span<const T> values, size_t budget_bytes, std::vector<uint32_t>* indices);
  std::span<const T> entries() const { return entries_; }

 private:
  void Rehash(size_t capacity);

  std::vector<T> entries_;
  std::vector<uint32_t> slots_;  // entry index + 1; 0 = empty
  int shift_ = 0;
};

class ByteArrayDictionaryBuilder {
 public:
  // Builds from the values of `rows` (value(row) gives the bytes). Returns false when the
  // entries' PLAIN size (4 + length each) would exceed budget_bytes.
  template <typename ValueOf>
  bool Build(size_t num_values, ValueOf value_of, size_t budget_bytes,
             std::vector<uint32_t>* indices);

  std::span<const std::string_view> entries() const { return entries_; }
  size_t plain_bytes() const { return plain_bytes_; }

 private:
  uint32_t Insert(std::string_view v, uint64_t hash);
  void Rehash(size_t capacity);

  std::vector<std::string_view> entries_;
  std::vector<uint64_t> hashes_;  // each entry's hash: skips most memcmps, and rehashing
  std::vector<uint32_t> slots_;
  int shift_ = 0;
  size_t plain_bytes_ = 0;
};

template <typename ValueOf>
bool ByteArrayDictionaryBuilder::Build(size_t num_values, ValueOf value_of, size_t budget_bytes,
                                       std::vector<uint32_t>* indices) {
  entries_.clear();
  hashes_.clear();
  plain_bytes_ = 0;
  Rehash(1024);
  indices->resize(num_values);
  uint32_t* out = indices->data();
  for (size_t i = 0; i < num_values; ++i) {
    const std::string_view v = value_of(i);
    const uint32_t before = static_cast<uint32_t>(entries_.size());
    const uint32_t index =
        Insert(v, HashBytes(reinterpret_cast<const uint8_t*>(v.data()),  // NOLINT
                            v.size()));
    if (index == before) {  // new entry
      plain_bytes_ += 4 + v.size();
      if (plain_bytes_ > budget_bytes || MostlyDistinct(entries_.size(), i + 1)) return false;
    }
    out[i] = index;
  }
  return true;
}

}  // namespace sscan::parquet
