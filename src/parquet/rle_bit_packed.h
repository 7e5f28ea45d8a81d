// rle_bit_packed.h — the RLE / bit-packing hybrid encoder of Parquet's Encodings.md.
//
// Used for definition levels (bit width 1) and dictionary indices (RLE_DICTIONARY pages).
// The stream is a sequence of runs, each starting with a varint header:
//   RLE run:        header = count << 1,           then the value in ceil(width / 8) bytes LE
//   bit-packed run: header = (groups << 1) | 1,    then groups * 8 values, `width` bits each
// Bit-packed runs always hold whole groups of 8 values; the last group is padded with zeros
// (readers know the real count from the page header). Neither the 4-byte length prefix
// (definition levels in v1 pages) nor the 1-byte bit width (dictionary indices) is written
// here: the caller adds the framing its context requires.
//
// Policy: a value repeated at least 8 times becomes an RLE run; everything else goes into
// bit-packed groups. A bit-packed run's header byte is reserved before its groups are known,
// so a run is capped at 63 groups (504 values) to keep that header one byte.
//
// EncodeRleRuns writes the same encoding with another policy, RLE runs only (every run of
// equal values, however short, is one RLE run): larger before compression where runs are
// short, but each value stays byte-aligned, so a general-purpose compressor finds what
// repeats. Dictionary indices of parent directories (runs of a few rows, each index one more
// than the last) compress to half the bytes of the bit-packed form with zstd; DuckDB's writer
// only ever writes this form. The writer picks the smaller per column chunk
// (column_chunk_writer.cc).
//
// Allocation: none beyond the output ByteBuffer's growth. Thread safety: one owner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "parquet/byte_buffer.h"

namespace sscan::parquet {

// Exactly the bytes a fresh encoder writes for `values` (PutValues, then Finish), computed
// without writing them: the writer sizes dictionary candidates and pages with it.
size_t RleBitPackedSize(std::span<const uint32_t> values, int bit_width);

// RLE runs only (see above): appends to `out`. REQUIRES: 0 <= bit_width <= 32, every value
// fits in bit_width bits.
void EncodeRleRuns(std::span<const uint32_t> values, int bit_width, ByteBuffer* out);
// Exactly the bytes EncodeRleRuns appends.
size_t RleRunsSize(std::span<const uint32_t> values, int bit_width);

class RleBitPackedEncoder {
 public:
  // REQUIRES: 0 <= bit_width <= 32. Appends to `out` (which may already hold other bytes).
  RleBitPackedEncoder(ByteBuffer* out, int bit_width);

  void Put(uint32_t value) {
    if (value == current_) {
      ++repeat_count_;
      if (repeat_count_ > 8) return;  // extends an RLE run already decided on
    } else {
      if (repeat_count_ >= 8) FlushRepeatedRun();
      repeat_count_ = 1;
      current_ = value;
    }
    buffered_[num_buffered_++] = value;
    if (num_buffered_ == 8) FlushBufferedGroup();
  }

  // Same as `count` calls of Put(value), in O(8) steps when the run is long.
  void PutRepeated(uint32_t value, uint64_t count);

  // Same bytes as Put() of each value in turn, faster: from a group boundary on, it looks at
  // whole groups of 8 (all equal: an RLE run, extended as far as it goes; else packed
  // straight from `values`) instead of buffering value by value. Dictionary index pages go
  // through here: ~13 columns x every row of a scan.
  void PutValues(const uint32_t* values, size_t count);

  // Terminates the stream (pads the last bit-packed group). Call once, then read `out`.
  void Finish();

  // Upper bound on the bytes Finish() may still add.
  static constexpr int kMaxPendingBytes = 1 + 8 * 4 + 10 + 4;

 private:
  void FlushBufferedGroup();
  void PackGroup(const uint32_t* group);  // 8 values into the open (or a new) bit-packed run
  void FlushRepeatedRun();
  void EndLiteralRun();

  ByteBuffer* out_;
  int bit_width_;
  int value_bytes_;
  uint32_t buffered_[8];
  int num_buffered_ = 0;
  uint32_t current_ = 0;
  uint64_t repeat_count_ = 0;
  // Open bit-packed run: position of its reserved header byte, and groups written so far.
  size_t literal_header_pos_ = 0;
  int literal_groups_ = 0;
  bool literal_open_ = false;
};

}  // namespace sscan::parquet
