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

RleBitPackedEncoder::RleBitPackedEncoder(ByteBuffer* out, int bit_width)
    : out_(out), bit_width_(bit_width), value_bytes_((bit_width + 7) / 8) {
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

void RleBitPackedEncoder::FlushBufferedGroup() {
  if (repeat_count_ >= 8) {
    // The 8 buffered values are the start of an RLE run: drop them from the buffer, and
    // close the bit-packed run before it (its header byte is final now).
    num_buffered_ = 0;
    if (literal_open_) EndLiteralRun();
    return;
  }
  if (!literal_open_) {
    literal_header_pos_ = out_->size();
    out_->PushByte(0);  // patched by EndLiteralRun
    literal_open_ = true;
    literal_groups_ = 0;
  }
  // A group is always 8 values: pad a partial (final) group with zeros.
  for (int i = num_buffered_; i < 8; ++i) buffered_[i] = 0;
  BitWriter bits(out_);
  for (uint32_t v : buffered_) bits.Put(v, bit_width_);
  bits.Flush();  // 8 * width bits: always whole bytes
  ++literal_groups_;
  num_buffered_ = 0;
  repeat_count_ = 0;
  // (63 << 1) | 1 = 127 is the largest header that fits the single reserved byte.
  if (literal_groups_ == 63) EndLiteralRun();
}

void RleBitPackedEncoder::EndLiteralRun() {
  out_->data()[literal_header_pos_] = static_cast<uint8_t>((literal_groups_ << 1) | 1);
  literal_open_ = false;
  literal_groups_ = 0;
}

void RleBitPackedEncoder::FlushRepeatedRun() {
  assert(!literal_open_);
  AppendVarint(out_, repeat_count_ << 1);
  uint32_t v = current_;
  for (int i = 0; i < value_bytes_; ++i) {
    out_->PushByte(static_cast<uint8_t>(v));
    v >>= 8;
  }
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
