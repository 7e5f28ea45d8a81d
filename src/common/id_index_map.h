// id_index_map.h — a map from 64-bit ids to 32-bit indices that allocates only when it grows.
//
// For per-row-group lookups such as "which dictionary entry is this directory's": a
// std::unordered_map allocated a node per directory and freed them all at every row group
// (~1% of a scan's user time, more with many threads on a cold cache, where glibc's
// cross-thread frees get expensive). Open addressing, linear probing, a power-of-two table
// kept at most half full; Clear() keeps the table.
//
// Thread safety: none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace sscan {

class IdIndexMap {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  // The index stored for `id`, or — when there is none — stores `index` and returns it.
  // Returns {index, inserted}. REQUIRES: index != kNone.
  std::pair<uint32_t, bool> FindOrInsert(uint64_t id, uint32_t index) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    Slot* slot = Probe(id);
    if (slot->index != kNone) return {slot->index, false};
    *slot = {id, index};
    ++size_;
    return {index, true};
  }

  size_t size() const { return size_; }

  void Clear() {
    if (size_ == 0) return;
    for (Slot& s : slots_) s.index = kNone;
    size_ = 0;
  }

 private:
  struct Slot {
    uint64_t id = 0;
    uint32_t index = kNone;  // kNone: empty
  };

  Slot* Probe(uint64_t id) {
    const size_t mask = slots_.size() - 1;
    // Fibonacci hashing spreads sequential ids (directory numbers) over the table.
    size_t i = static_cast<size_t>((id * 0x9E3779B97F4A7C15ULL) >> 32) & mask;
    while (slots_[i].index != kNone && slots_[i].id != id) i = (i + 1) & mask;
    return &slots_[i];
  }

  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
    for (const Slot& s : old) {
      if (s.index != kNone) *Probe(s.id) = s;
    }
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace sscan
