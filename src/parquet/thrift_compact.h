// thrift_compact.h — a minimal encoder for the Thrift compact protocol, enough for Parquet.
//
// Parquet's footer and page headers are Thrift structs in the compact protocol. We only ever
// write them, so instead of generated code this is a small hand-written encoder:
//   - varint:   unsigned LEB128, 7 bits per byte, low group first, high bit = "more".
//   - zigzag:   i16/i32/i64 are zigzag-mapped ((n << 1) ^ (n >> 63)) then varint-encoded;
//               i8 is one raw byte.
//   - field:    header byte (delta << 4) | type when 0 < delta = id - previous id <= 15, else
//               a byte holding the type followed by the id as a zigzag varint.
//               The previous id restarts at 0 in every (nested) struct.
//   - bool:     a struct field's value lives in its type nibble (1 = true, 2 = false), with no
//               payload byte — the trap every hand-written encoder must get right.
//   - binary:   varint length then the bytes (strings are binary).
//   - list:     (size << 4) | element type when size < 15, else 0xF0 | type and a varint size;
//               elements follow with no field headers.
//   - struct:   fields, then a stop byte 0x00. A union is a struct with exactly one field.
// The caller is responsible for writing fields in increasing id order (Parquet readers accept
// any order, but increasing ids keep every delta small and positive).
//
// Thread safety: one writer per thread; it appends to a ByteBuffer the caller owns.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "parquet/byte_buffer.h"

namespace sscan::parquet {

enum class ThriftType : uint8_t {
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

// Appends `v` as an unsigned LEB128 varint; returns the number of bytes written.
size_t AppendVarint(ByteBuffer* out, uint64_t v);
// Bytes AppendVarint/PutVarint write for `v` (1 to 10).
inline size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
// Writes the varint to `p` (at least 10 bytes of room); returns bytes written.
inline size_t PutVarint(uint8_t* p, uint64_t v) {
  size_t n = 0;
  while (v >= 0x80) {
    p[n++] = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  p[n++] = static_cast<uint8_t>(v);
  return n;
}
inline uint64_t ZigZag64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline uint32_t ZigZag32(int32_t v) {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}

class ThriftCompactWriter {
 public:
  explicit ThriftCompactWriter(ByteBuffer* out) : out_(out) {}

  // Top-level (or list element) struct: no field header.
  void BeginStruct();
  // Writes the stop byte and restores the enclosing struct's field-id context.
  void EndStruct();

  void FieldBool(int16_t id, bool v);
  void FieldI8(int16_t id, int8_t v);
  void FieldI16(int16_t id, int16_t v);
  void FieldI32(int16_t id, int32_t v);
  void FieldI64(int16_t id, int64_t v);
  void FieldBinary(int16_t id, std::string_view v);
  // A struct-valued field: header, then BeginStruct(). Close with EndStruct().
  void FieldStructBegin(int16_t id);
  // Only the header of a struct-valued field; the value follows as BeginStruct()...EndStruct()
  // (lets one function serialise a struct both as a field and as a list element).
  void FieldStructHeader(int16_t id) { FieldHeader(id, ThriftType::kStruct); }
  // An empty struct field (e.g. a union member like StringType {}).
  void FieldEmptyStruct(int16_t id);
  // A list-valued field; then write exactly `size` elements with the List* calls.
  void FieldListBegin(int16_t id, ThriftType element_type, uint32_t size);

  void ListI32(int32_t v);
  void ListI64(int64_t v);
  void ListBinary(std::string_view v);
  // List elements of struct type: BeginStruct()/EndStruct() around each.

  // Splices bytes that are already a complete compact-protocol value (e.g. a struct
  // serialised earlier as a list element).
  void Raw(std::string_view bytes) { out_->Append(bytes); }

 private:
  void FieldHeader(int16_t id, ThriftType type);

  ByteBuffer* out_;
  // Previous field id of each open struct. Parquet nests at most ~5 deep.
  std::array<int16_t, 16> last_id_{};
  int depth_ = 0;
};

}  // namespace sscan::parquet
