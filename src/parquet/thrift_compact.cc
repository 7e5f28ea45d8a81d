// thrift_compact.cc — see thrift_compact.h for the byte format.
#include "parquet/thrift_compact.h"

#include <cassert>

namespace sscan::parquet {

size_t AppendVarint(ByteBuffer* out, uint64_t v) {
  size_t n = PutVarint(out->EnsureTail(10), v);
  out->Advance(n);
  return n;
}

void ThriftCompactWriter::BeginStruct() {
  assert(depth_ + 1 < static_cast<int>(last_id_.size()));
  last_id_[++depth_] = 0;
}

void ThriftCompactWriter::EndStruct() {
  out_->PushByte(0);  // STOP
  assert(depth_ > 0);
  --depth_;
}

void ThriftCompactWriter::FieldHeader(int16_t id, ThriftType type) {
  const int delta = id - last_id_[depth_];
  if (delta > 0 && delta <= 15) {
    out_->PushByte(static_cast<uint8_t>((delta << 4) | static_cast<int>(type)));
  } else {
    // Long form: type byte, then the absolute id as a zigzag i16 varint.
    out_->PushByte(static_cast<uint8_t>(type));
    AppendVarint(out_, ZigZag32(id));
  }
  last_id_[depth_] = id;
}

void ThriftCompactWriter::FieldBool(int16_t id, bool v) {
  // The value is the type nibble itself; no payload byte follows.
  FieldHeader(id, v ? ThriftType::kBoolTrue : ThriftType::kBoolFalse);
}

void ThriftCompactWriter::FieldI8(int16_t id, int8_t v) {
  FieldHeader(id, ThriftType::kByte);
  out_->PushByte(static_cast<uint8_t>(v));
}

void ThriftCompactWriter::FieldI16(int16_t id, int16_t v) {
  FieldHeader(id, ThriftType::kI16);
  AppendVarint(out_, ZigZag32(v));
}

void ThriftCompactWriter::FieldI32(int16_t id, int32_t v) {
  FieldHeader(id, ThriftType::kI32);
  AppendVarint(out_, ZigZag32(v));
}

void ThriftCompactWriter::FieldI64(int16_t id, int64_t v) {
  FieldHeader(id, ThriftType::kI64);
  AppendVarint(out_, ZigZag64(v));
}

void ThriftCompactWriter::FieldBinary(int16_t id, std::string_view v) {
  FieldHeader(id, ThriftType::kBinary);
  ListBinary(v);
}

void ThriftCompactWriter::FieldStructBegin(int16_t id) {
  FieldHeader(id, ThriftType::kStruct);
  BeginStruct();
}

void ThriftCompactWriter::FieldEmptyStruct(int16_t id) {
  FieldStructBegin(id);
  EndStruct();
}

void ThriftCompactWriter::FieldListBegin(int16_t id, ThriftType element_type, uint32_t size) {
  FieldHeader(id, ThriftType::kList);
  if (size < 15) {
    out_->PushByte(static_cast<uint8_t>((size << 4) | static_cast<uint32_t>(element_type)));
  } else {
    out_->PushByte(static_cast<uint8_t>(0xF0 | static_cast<uint32_t>(element_type)));
    AppendVarint(out_, size);
  }
}

void ThriftCompactWriter::ListI32(int32_t v) { AppendVarint(out_, ZigZag32(v)); }
void ThriftCompactWriter::ListI64(int64_t v) { AppendVarint(out_, ZigZag64(v)); }
void ThriftCompactWriter::ListBinary(std::string_view v) {
  AppendVarint(out_, v.size());
  out_->Append(v);
}

}  // namespace sscan::parquet
