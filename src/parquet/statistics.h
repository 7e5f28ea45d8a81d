// statistics.h — column chunk min/max under the column's sort order, PLAIN-encoded.
//
// The order is the one parquet.thrift's ColumnOrder (TypeDefinedOrder) gives the column's
// logical type: UINT_32/UINT_64 compare as unsigned (an inode of 2^63 is the maximum, not
// the minimum), INT_*/unannotated integers as signed, byte arrays (STRING or BINARY)
// byte-wise as unsigned bytes (0xC3 sorts after 'z'). The bounds go to Statistics fields
// min_value/max_value; the deprecated min/max fields, which readers take as signed, are
// never written.
//
// Thread safety: pure functions and plain values.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "parquet/parquet_metadata.h"

namespace sscan::parquet {

// Sets min_value/max_value of `stats` from `values` (all non-null); leaves them unset when
// `values` is empty. `is_unsigned` selects the order.
void SetIntegerMinMax(std::span<const int32_t> values, bool is_unsigned, format::Statistics* stats);
void SetIntegerMinMax(std::span<const int64_t> values, bool is_unsigned, format::Statistics* stats);

inline int CompareBytes(std::string_view a, std::string_view b) {
  const size_t n = a.size() < b.size() ? a.size() : b.size();
  const int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);  // memcmp: unsigned bytes
  if (c != 0) return c;
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

// Running byte-wise min/max over borrowed values (views stay valid during encoding).
class ByteArrayMinMax {
 public:
  void Update(std::string_view v) {
    if (!any_) {
      min_ = max_ = v;
      any_ = true;
    } else if (CompareBytes(v, min_) < 0) {
      min_ = v;
    } else if (CompareBytes(v, max_) > 0) {
      max_ = v;
    }
  }
  bool any() const { return any_; }
  std::string_view min() const { return min_; }
  std::string_view max() const { return max_; }

  // Writes the bounds only when both fit in `max_size` bytes: truncated bounds would have to
  // be flagged inexact, and readers would stop trusting them for pruning.
  void WriteTo(size_t max_size, format::Statistics* stats) const {
    if (!any_ || min_.size() > max_size || max_.size() > max_size) return;
    stats->min_value = std::string(min_);
    stats->max_value = std::string(max_);
  }

 private:
  bool any_ = false;
  std::string_view min_;
  std::string_view max_;
};

// CompareBytes(p + s, m) without building p + s.
inline int CompareJoined(std::string_view p, std::string_view s, std::string_view m) {
  const size_t n = p.size() < m.size() ? p.size() : m.size();
  const int c = n == 0 ? 0 : std::memcmp(p.data(), m.data(), n);
  if (c != 0) return c;
  if (p.size() > m.size()) return 1;  // m is a proper prefix of p, so of p + s
  return CompareBytes(s, m.substr(p.size()));
}

// Running byte-wise min/max over values given as prefix + suffix (the prefixed form): the
// bounds are copied, and only when a value beats them.
class JoinedMinMax {
 public:
  void Update(std::string_view prefix, std::string_view suffix) {
    if (!any_) {
      Assign(&min_, prefix, suffix);
      Assign(&max_, prefix, suffix);
      any_ = true;
    } else if (CompareJoined(prefix, suffix, min_) < 0) {
      Assign(&min_, prefix, suffix);
    } else if (CompareJoined(prefix, suffix, max_) > 0) {
      Assign(&max_, prefix, suffix);
    }
  }
  void WriteTo(size_t max_size, format::Statistics* stats) const {
    if (!any_ || min_.size() > max_size || max_.size() > max_size) return;
    stats->min_value = min_;
    stats->max_value = max_;
  }

 private:
  static void Assign(std::string* out, std::string_view prefix, std::string_view suffix) {
    out->assign(prefix);
    out->append(suffix);
  }
  bool any_ = false;
  std::string min_;
  std::string max_;
};

}  // namespace sscan::parquet
