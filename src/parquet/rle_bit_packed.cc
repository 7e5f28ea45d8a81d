// rle_bit_packed.cc — see rle_bit_packed.h for the format and the run policy.
//
// Invariant: repeat_count_ counts the trailing equal values not yet emitted as literals.
// It only reaches 8 when the 8 buffered values are all equal (it restarts at 0 whenever a
// group is emitted bit-packed), so at that moment the buffer is dropped and the values are
// carried by the count alone until the run ends.
#include "parquet/rle_bit_packed.h"

#include <cassert>

#include "parquet/bit_writer.h"
#include "parquet/thrift_compact.h"

namespace sscan::parquet {
namespace {

// The bytes a value takes in an RLE run: its bit width rounded up to whole bytes.
int RunValueBytes(int bit_width) { return (bit_width + 7) / 8; }

// One RLE run: the header (count << 1, a varint), then the value, little-endian.
void AppendRleRun(ByteBuffer* out, uint32_t value, uint64_t count, int value_bytes) {
  AppendVarint(out, count << 1);
  for (int b = 0; b < value_bytes; ++b) {
    out->PushByte(static_cast<uint8_t>(value));
    value >>= 8;
  }
}

size_t RleRunSize(uint64_t count, int value_bytes) {
  return VarintSize(count << 1) + static_cast<size_t>(value_bytes);
}

}  // namespace

RleBitPackedEncoder::RleBitPackedEncoder(ByteBuffer* out, int bit_width)
    : out_(out), bit_width_(bit_width), value_bytes_(RunValueBytes(bit_width)) {
  assert(bit_width >= 0 && bit_width <= 32);
}

void RleBitPackedEncoder::PutRepeated(uint32_t value, uint64_t count) {
  // Feed values one by one until the encoder is inside an RLE run of `value`; from there on
  // a longer run costs nothing but the count.
  while (count > 0 && !(value == current_ && repeat_count_ >= 8)) {
    Put(value);
    --count;
  }
  repeat_count_ += count;
}

namespace {

bool GroupIsOneValue(const uint32_t* g) {
  const uint32_t v = g[0];
  return g[1] == v && g[2] == v && g[3] == v && g[4] == v && g[5] == v && g[6] == v && g[7] == v;
}

// Calls emit(value, count) for each run of equal values in order.
template <typename Emit>
void ForEachRun(std::span<const uint32_t> values, Emit emit) {
  const uint32_t* p = values.data();
  const size_t n = values.size();
  for (size_t i = 0; i < n;) {
    size_t end = i + 1;
    while (end < n && p[end] == p[i]) ++end;
    emit(p[i], end - i);
    i = end;
  }
}

}  // namespace

size_t RleBitPackedSize(std::span<const uint32_t> values, int bit_width) {
  // The encoder's decisions (PutValues, Finish), counting bytes instead of writing them.
  const int value_bytes = RunValueBytes(bit_width);
  const size_t group_bytes = static_cast<size_t>(bit_width);  // 8 values x width bits
  const uint32_t* p = values.data();
  const size_t n = values.size();
  size_t bytes = 0;
  int literal_groups = 0;  // groups in the open bit-packed run; 0 = none open
  size_t i = 0;
  while (n - i >= 8) {
    if (GroupIsOneValue(p + i)) {
      size_t end = i + 8;
      while (end < n && p[end] == p[i]) ++end;
      bytes += RleRunSize(end - i, value_bytes);
      literal_groups = 0;
      i = end;
    } else {
      if (literal_groups == 0) ++bytes;  // the run's header byte
      bytes += group_bytes;
      literal_groups = literal_groups == 62 ? 0 : literal_groups + 1;
      i += 8;
    }
  }
  if (i < n) {
    // Finish: a tail of one value after no open bit-packed run is an RLE run; otherwise a
    // padded group.
    bool one_value = true;
    for (size_t k = i + 1; k < n; ++k) one_value = one_value && p[k] == p[i];
    if (literal_groups == 0 && one_value) {
      bytes += RleRunSize(n - i, value_bytes);
    } else {
      bytes += (literal_groups == 0 ? 1 : 0) + group_bytes;
    }
  }
  return bytes;
}

void EncodeRleRuns(std::span<const uint32_t> values, int bit_width, ByteBuffer* out) {
  assert(bit_width >= 0 && bit_width <= 32);
  const int value_bytes = RunValueBytes(bit_width);
  ForEachRun(values, [&](uint32_t v, size_t count) { AppendRleRun(out, v, count, value_bytes); });
}

size_t RleRunsSize(std::span<const uint32_t> values, int bit_width) {
  const int value_bytes = RunValueBytes(bit_width);
  size_t bytes = 0;
  ForEachRun(values, [&](uint32_t, size_t count) { bytes += RleRunSize(count, value_bytes); });
  return bytes;
}

void RleBitPackedEncoder::PutValues(const uint32_t* values, size_t count) {
  size_t i = 0;
  while (true) {
    // Value by value until the encoder stands at a group boundary with nothing pending.
    while (i < count && (num_buffered_ != 0 || repeat_count_ != 0)) Put(values[i++]);
    if (count - i < 8) break;
    const uint32_t* g = values + i;
    const uint32_t v = g[0];
    if (GroupIsOneValue(g)) {
      // What Put does on 8 equal values at a boundary: the group starts an RLE run.
      size_t end = i + 8;
      while (end < count && values[end] == v) ++end;
      if (literal_open_) EndLiteralRun();
      current_ = v;
      repeat_count_ = end - i;
      i = end;
      // At the end of the input the run stays open: later values may extend it. Otherwise a
      // different value follows, which is where Put would emit it.
      if (i < count) FlushRepeatedRun();
    } else {
      PackGroup(g);  // leaves no repeats pending, as Put's group flush does
      i += 8;
    }
  }
  while (i < count) Put(values[i++]);
}

void RleBitPackedEncoder::PackGroup(const uint32_t* group) {
  if (!literal_open_) {
    literal_header_pos_ = out_->size();
    out_->PushByte(0);  // patched by EndLiteralRun
    literal_open_ = true;
    literal_groups_ = 0;
  }
  BitWriter bits(out_);
  for (int i = 0; i < 8; ++i) bits.Put(group[i], bit_width_);
  bits.Flush();  // 8 * width bits: always whole bytes
  ++literal_groups_;
  // (63 << 1) | 1 = 127 is the largest header that fits the single reserved byte.
  if (literal_groups_ == 63) EndLiteralRun();
}

void RleBitPackedEncoder::FlushBufferedGroup() {
  if (repeat_count_ >= 8) {
    // The 8 buffered values are the start of an RLE run: drop them from the buffer, and
    // close the bit-packed run before it (its header byte is final now).
    num_buffered_ = 0;
    if (literal_open_) EndLiteralRun();
    return;
  }
  // A group is always 8 values: pad a partial (final) group with zeros.
  for (int i = num_buffered_; i < 8; ++i) buffered_[i] = 0;
  PackGroup(buffered_);
  num_buffered_ = 0;
  repeat_count_ = 0;
}

void RleBitPackedEncoder::EndLiteralRun() {
  out_->data()[literal_header_pos_] = static_cast<uint8_t>((literal_groups_ << 1) | 1);
  literal_open_ = false;
  literal_groups_ = 0;
}

void RleBitPackedEncoder::FlushRepeatedRun() {
  assert(!literal_open_);
  AppendRleRun(out_, current_, repeat_count_, value_bytes_);
  repeat_count_ = 0;
}

void RleBitPackedEncoder::Finish() {
  if (repeat_count_ >= 8) {
    FlushRepeatedRun();  // the buffer is empty: the run carries every pending value
  } else if (num_buffered_ > 0) {
    if (!literal_open_ && repeat_count_ == static_cast<uint64_t>(num_buffered_)) {
      // A short tail of one value (e.g. a 5-row page with no nulls): an RLE run is as
      // small as a padded group and simpler for readers.
      FlushRepeatedRun();
      num_buffered_ = 0;
    } else {
      FlushBufferedGroup();
    }
  }
  if (literal_open_) EndLiteralRun();
  num_buffered_ = 0;
  repeat_count_ = 0;
}

}  // namespace sscan::parquet
