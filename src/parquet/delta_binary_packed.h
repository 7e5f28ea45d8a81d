// delta_binary_packed.h — DELTA_BINARY_PACKED encoding of INT32/INT64 values (Encodings.md).
//
// Layout:  header  = <block size: varint 128> <miniblocks per block: varint 4>
//                    <total value count: varint> <first value: zigzag varint>
//          blocks  = for each group of up to 128 deltas:
//                    <min delta: zigzag varint> <4 bit-width bytes> <miniblock bodies>
// Spec traps handled here:
//   - Deltas are computed with wrapping arithmetic in the column's own width (INT32 deltas
//     in 32 bits): an INT64 column going from INT64_MIN to INT64_MAX has the delta -1, and
//     readers undo it with the same wrapping addition.
//   - delta - min_delta can need all 64 bits (it is taken as unsigned), so miniblock bit
//     widths range 0..64 (0..32 for INT32).
//   - Each miniblock has its own bit width. A miniblock with values is always written in
//     full (32 values, the tail zero-padded); miniblocks past the last value have no body,
//     but their bit-width byte is still written (as 0).
//   - The header's count is the number of values, not of deltas; one value means no block.
// A stream is self-contained: every data page starts its own.
//
// Reader limit: fastparquet (2026.9) unpacks miniblocks through a 64-bit window that loses
// bits for widths above 28 (wrong values) and crashes above 56. kMaxReaderSafeDeltaBitWidth
// is the widest miniblock every reader decodes; DeltaRangeBitWidth tells whether a chunk
// stays within it under any split into pages (the writer uses PLAIN otherwise).
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "parquet/byte_buffer.h"

namespace sscan::parquet {

inline constexpr int kDeltaBlockSize = 128;
inline constexpr int kDeltaMiniblocks = 4;
inline constexpr int kDeltaMiniblockSize = kDeltaBlockSize / kDeltaMiniblocks;

// Appends one complete stream holding `values`.
void EncodeDeltaBinaryPacked(std::span<const int32_t> values, ByteBuffer* out);
void EncodeDeltaBinaryPacked(std::span<const int64_t> values, ByteBuffer* out);

inline constexpr int kMaxReaderSafeDeltaBitWidth = 28;

// Bits needed for (largest delta - smallest delta) over all consecutive pairs: no miniblock
// of any page split of `values` needs more. 0 for fewer than 2 values.
int DeltaRangeBitWidth(std::span<const int32_t> values);
int DeltaRangeBitWidth(std::span<const int64_t> values);

// The exact number of bytes EncodeDeltaBinaryPacked would append, computed without writing.
size_t DeltaBinaryPackedSize(std::span<const int32_t> values);
size_t DeltaBinaryPackedSize(std::span<const int64_t> values);

}  // namespace sscan::parquet
