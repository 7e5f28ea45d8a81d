// delta_binary_packed.cc — see delta_binary_packed.h for the layout and the traps.
#include "parquet/delta_binary_packed.h"

#include <algorithm>
#include <limits>
#include <type_traits>

#include "parquet/bit_writer.h"
#include "parquet/thrift_compact.h"

namespace sscan::parquet {
namespace {

// One routine for sizing and writing keeps the two in exact agreement. `out` null = size only.
template <typename T>
size_t EncodeOrSize(std::span<const T> values, ByteBuffer* out) {
  using U = std::make_unsigned_t<T>;
  const size_t n = values.size();
  const uint64_t first_zz =
      n == 0 ? 0 : ZigZag64(static_cast<int64_t>(values[0]));  // sign-extends INT32
  size_t total = VarintSize(kDeltaBlockSize) + VarintSize(kDeltaMiniblocks) + VarintSize(n) +
                 VarintSize(first_zz);
  if (out != nullptr) {
    AppendVarint(out, kDeltaBlockSize);
    AppendVarint(out, kDeltaMiniblocks);
    AppendVarint(out, n);
    AppendVarint(out, first_zz);
  }
  U deltas[kDeltaBlockSize];
  for (size_t start = 1; start < n; start += kDeltaBlockSize) {
    const size_t count = std::min<size_t>(kDeltaBlockSize, n - start);
    // Wrapping subtraction in the unsigned type of the column's width.
    T min_delta = 0;
    for (size_t i = 0; i < count; ++i) {
      const U d =
          static_cast<U>(static_cast<U>(values[start + i]) - static_cast<U>(values[start + i - 1]));
      deltas[i] = d;
      const T sd = static_cast<T>(d);
      min_delta = i == 0 ? sd : std::min(min_delta, sd);
    }
    uint8_t widths[kDeltaMiniblocks] = {0, 0, 0, 0};
    const size_t used_miniblocks = (count + kDeltaMiniblockSize - 1) / kDeltaMiniblockSize;
    for (size_t m = 0; m < used_miniblocks; ++m) {
      U bits = 0;
      const size_t end = std::min(count, (m + 1) * kDeltaMiniblockSize);
      for (size_t i = m * kDeltaMiniblockSize; i < end; ++i) {
        deltas[i] = static_cast<U>(deltas[i] - static_cast<U>(min_delta));  // wraps: fine
        bits |= deltas[i];
      }
      widths[m] = static_cast<uint8_t>(BitWidth(bits));
    }
    const uint64_t min_zz = ZigZag64(static_cast<int64_t>(min_delta));
    total += VarintSize(min_zz) + kDeltaMiniblocks;
    for (size_t m = 0; m < used_miniblocks; ++m) {
      total += static_cast<size_t>(widths[m]) * kDeltaMiniblockSize / 8;
    }
    if (out == nullptr) continue;
    AppendVarint(out, min_zz);
    out->Append(widths, kDeltaMiniblocks);
    BitWriter bits(out);
    for (size_t m = 0; m < used_miniblocks; ++m) {
      const int w = widths[m];
      const size_t begin = m * kDeltaMiniblockSize;
      const size_t end = std::min(count, begin + kDeltaMiniblockSize);
      for (size_t i = begin; i < end; ++i) bits.Put(static_cast<uint64_t>(deltas[i]), w);
      // The last miniblock is padded to a full 32 values.
      for (size_t i = end; i < begin + kDeltaMiniblockSize; ++i) bits.Put(0, w);
      bits.Flush();  // 32 * w bits: whole bytes
    }
  }
  return total;
}

template <typename T>
int RangeBitWidth(std::span<const T> values) {
  using U = std::make_unsigned_t<T>;
  if (values.size() < 2) return 0;
  T lo = std::numeric_limits<T>::max();
  T hi = std::numeric_limits<T>::min();
  for (size_t i = 1; i < values.size(); ++i) {
    const T d = static_cast<T>(static_cast<U>(values[i]) - static_cast<U>(values[i - 1]));
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  return BitWidth(static_cast<U>(static_cast<U>(hi) - static_cast<U>(lo)));
}

}  // namespace

int DeltaRangeBitWidth(std::span<const int32_t> values) { return RangeBitWidth(values); }
int DeltaRangeBitWidth(std::span<const int64_t> values) { return RangeBitWidth(values); }

void EncodeDeltaBinaryPacked(std::span<const int32_t> values, ByteBuffer* out) {
  EncodeOrSize(values, out);
}
void EncodeDeltaBinaryPacked(std::span<const int64_t> values, ByteBuffer* out) {
  EncodeOrSize(values, out);
}
size_t DeltaBinaryPackedSize(std::span<const int32_t> values) {
  return EncodeOrSize<int32_t>(values, nullptr);
}
size_t DeltaBinaryPackedSize(std::span<const int64_t> values) {
  return EncodeOrSize<int64_t>(values, nullptr);
}

}  // namespace sscan::parquet
