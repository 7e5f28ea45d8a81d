// statistics.cc — see statistics.h.
#include "parquet/statistics.h"

#include <type_traits>

namespace sscan::parquet {
namespace {

// `Order` is the type whose built-in comparison is the column's order; the stored bytes are
// those of the value as written (same bits whether signed or unsigned).
template <typename Order, typename T>
void MinMax(std::span<const T> values, format::Statistics* stats) {
  static_assert(sizeof(Order) == sizeof(T));
  if (values.empty()) return;
  Order lo = static_cast<Order>(values[0]);
  Order hi = lo;
  for (T raw : values) {
    const Order v = static_cast<Order>(raw);
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
  }
  std::string min(sizeof(T), '\0');
  std::string max(sizeof(T), '\0');
  std::memcpy(min.data(), &lo, sizeof(T));  // PLAIN: little-endian
  std::memcpy(max.data(), &hi, sizeof(T));
  stats->min_value = std::move(min);
  stats->max_value = std::move(max);
}

}  // namespace

void SetIntegerMinMax(std::span<const int32_t> values, bool is_unsigned,
                      format::Statistics* stats) {
  if (is_unsigned) {
    MinMax<uint32_t>(values, stats);
  } else {
    MinMax<int32_t>(values, stats);
  }
}

void SetIntegerMinMax(std::span<const int64_t> values, bool is_unsigned,
                      format::Statistics* stats) {
  if (is_unsigned) {
    MinMax<uint64_t>(values, stats);
  } else {
    MinMax<int64_t>(values, stats);
  }
}

}  // namespace sscan::parquet
