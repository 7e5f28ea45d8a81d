// dictionary_builder.cc — see dictionary_builder.h.
#include "parquet/dictionary_builder.h"

#include <cstring>

namespace sscan::parquet {
namespace {

constexpr uint64_t kMul = 0x9E3779B97F4A7C15ULL;  // 2^64 / golden ratio

inline uint64_t Mix(uint64_t h) {
  h *= kMul;
  return h ^ (h >> 29);
}

inline size_t SlotOf(uint64_t hash, int shift) { return static_cast<size_t>(hash >> shift); }

}  // namespace

// More than half the values so far were new: the dictionary would hold most values once
// more and add an index to each, which neither pays before compression nor after (the
// indices of near-unique values do not compress). Checked from the 4096th value on, so
// small chunks are judged on their whole content. Unique columns (inodes, timestamps,
// sizes) stop here after ~4096 values instead of hashing up to the size limit.
bool MostlyDistinct(size_t entries, size_t values_seen) {
  return values_seen >= 4096 && entries * 2 > values_seen;
}

uint64_t HashBytes(const uint8_t* p, size_t n) {
  // A multiply-xorshift over 8-byte words: fast on the long shared-prefix paths we hash,
  // and the final Mix spreads the last word's differences into the top bits we index by.
  uint64_t h = 0x243F6A8885A308D3ULL ^ (n * kMul);
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = Mix(h ^ w);
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = Mix(h ^ w ^ (static_cast<uint64_t>(n) << 59));
  }
  return Mix(h ^ (h >> 32)) * kMul;
}

template <typename T>
void IntDictionaryBuilder<T>::Rehash(size_t capacity) {
  slots_.assign(capacity, 0);
  shift_ = 64 - __builtin_ctzll(capacity);
  for (size_t i = 0; i < entries_.size(); ++i) {
    const uint64_t h = static_cast<uint64_t>(entries_[i]) * kMul;
    size_t s = SlotOf(h, shift_);
    while (slots_[s] != 0) s = (s + 1) & (capacity - 1);
    slots_[s] = static_cast<uint32_t>(i + 1);
  }
}

template <typename T>
bool IntDictionaryBuilder<T>::Build(std::span<const T> values, size_t budget_bytes,
                                    std::vector<uint32_t>* indices) {
  entries_.clear();
  Rehash(1024);
  const size_t max_entries = budget_bytes / sizeof(T);
  indices->resize(values.size());
  uint32_t* out = indices->data();
  size_t mask = slots_.size() - 1;
  T prev{};
  uint32_t prev_index = UINT32_MAX;
  for (size_t i = 0; i < values.size(); ++i) {
    const T v = values[i];
    // Runs of one value (uid, depth, device of neighbouring files) skip the table.
    if (v == prev && prev_index != UINT32_MAX) {
      out[i] = prev_index;
      continue;
    }
    size_t s = SlotOf(static_cast<uint64_t>(v) * kMul, shift_);
    uint32_t index;
    while (true) {
      const uint32_t slot = slots_[s];
      if (slot == 0) {
        if (entries_.size() + 1 > max_entries || MostlyDistinct(entries_.size() + 1, i + 1)) {
          return false;
        }
        index = static_cast<uint32_t>(entries_.size());
        entries_.push_back(v);
        slots_[s] = index + 1;
        if (entries_.size() * 2 > slots_.size()) {
          Rehash(slots_.size() * 2);
          mask = slots_.size() - 1;
        }
        break;
      }
      if (entries_[slot - 1] == v) {
        index = slot - 1;
        break;
      }
      s = (s + 1) & mask;
    }
    out[i] = index;
    prev = v;
    prev_index = index;
  }
  return true;
}

template class IntDictionaryBuilder<int32_t>;
template class IntDictionaryBuilder<int64_t>;

void ByteArrayDictionaryBuilder::Rehash(size_t capacity) {
  slots_.assign(capacity, 0);
  shift_ = 64 - __builtin_ctzll(capacity);
  for (size_t i = 0; i < entries_.size(); ++i) {
    size_t s = SlotOf(hashes_[i], shift_);
    while (slots_[s] != 0) s = (s + 1) & (capacity - 1);
    slots_[s] = static_cast<uint32_t>(i + 1);
  }
}

uint32_t ByteArrayDictionaryBuilder::Insert(std::string_view v, uint64_t hash) {
  const size_t mask = slots_.size() - 1;
  size_t s = SlotOf(hash, shift_);
  while (true) {
    const uint32_t slot = slots_[s];
    if (slot == 0) break;
    const uint32_t i = slot - 1;
    if (hashes_[i] == hash && entries_[i] == v) return i;
    s = (s + 1) & mask;
  }
  const uint32_t index = static_cast<uint32_t>(entries_.size());
  entries_.push_back(v);
  hashes_.push_back(hash);
  slots_[s] = index + 1;
  if (entries_.size() * 2 > slots_.size()) Rehash(slots_.size() * 2);
  return index;
}

}  // namespace sscan::parquet
