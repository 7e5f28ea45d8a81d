// Thrift compact protocol: varints, zigzag, field headers and whole structs against bytes
// computed by hand from the protocol description (see thrift_compact.h).
#include "parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include <climits>
#include <vector>

#include "parquet/parquet_metadata.h"

namespace sscan::parquet {
namespace {

std::vector<uint8_t> Bytes(const ByteBuffer& b) { return {b.data(), b.data() + b.size()}; }

std::vector<uint8_t> Varint(uint64_t v) {
  ByteBuffer b;
  AppendVarint(&b, v);
  return Bytes(b);
}

TEST(Varint, HandComputed) {
  EXPECT_EQ(Varint(0), (std::vector<uint8_t>{0x00}));
  EXPECT_EQ(Varint(1), (std::vector<uint8_t>{0x01}));
  EXPECT_EQ(Varint(127), (std::vector<uint8_t>{0x7F}));
  EXPECT_EQ(Varint(128), (std::vector<uint8_t>{0x80, 0x01}));
  EXPECT_EQ(Varint(300), (std::vector<uint8_t>{0xAC, 0x02}));  // 300 = 0b10_0101100
  EXPECT_EQ(Varint(UINT64_MAX), (std::vector<uint8_t>{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                                      0xFF, 0xFF, 0x01}));  // 9*7 + 1 bits
}

TEST(Varint, SizeIsWhatIsWritten) {
  for (int bits = 0; bits <= 64; ++bits) {
    const uint64_t top = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits);
    for (uint64_t v : {top - 1, top, top + 1}) EXPECT_EQ(VarintSize(v), Varint(v).size()) << v;
  }
}

TEST(ZigZag, HandComputed) {
  EXPECT_EQ(ZigZag32(0), 0u);
  EXPECT_EQ(ZigZag32(-1), 1u);
  EXPECT_EQ(ZigZag32(1), 2u);
  EXPECT_EQ(ZigZag32(-2), 3u);
  EXPECT_EQ(ZigZag32(INT32_MAX), 0xFFFFFFFEu);
  EXPECT_EQ(ZigZag32(INT32_MIN), 0xFFFFFFFFu);
  EXPECT_EQ(ZigZag64(INT64_MAX), UINT64_MAX - 1);
  EXPECT_EQ(ZigZag64(INT64_MIN), UINT64_MAX);
  EXPECT_EQ(ZigZag64(-3), 5u);
}

TEST(ThriftCompact, FieldsOfEveryKind) {
  ByteBuffer b;
  ThriftCompactWriter w(&b);
  w.BeginStruct();
  w.FieldI32(1, 5);        // delta 1, type 5 (i32): 0x15; zigzag(5) = 10
  w.FieldI64(3, -1);       // delta 2, type 6 (i64): 0x26; zigzag(-1) = 1
  w.FieldBool(4, true);    // delta 1, type 1 (true) and no payload: 0x11
  w.FieldBool(5, false);   // delta 1, type 2 (false): 0x12
  w.FieldBinary(6, "ab");  // delta 1, type 8: 0x18; length 2; 'a' 'b'
  w.FieldI32(40, 1);       // delta 34 > 15: long form, type byte 0x05, zigzag i16 40 = 80
  w.FieldI8(41, -2);       // delta 1, type 3 (byte): 0x13; raw byte 0xFE
  w.EndStruct();           // stop
  EXPECT_EQ(Bytes(b), (std::vector<uint8_t>{0x15, 0x0A, 0x26, 0x01, 0x11, 0x12, 0x18, 0x02, 'a',
                                            'b', 0x05, 0x50, 0x02, 0x13, 0xFE, 0x00}));
}

TEST(ThriftCompact, ListsShortAndLong) {
  ByteBuffer b;
  ThriftCompactWriter w(&b);
  w.BeginStruct();
  w.FieldListBegin(1, ThriftType::kI32, 3);  // 0x19 (delta 1, list); 0x35 (3 << 4 | i32)
  w.ListI32(0);
  w.ListI32(-1);
  w.ListI32(64);                                 // zigzag 128 = 0x80 0x01
  w.FieldListBegin(2, ThriftType::kBinary, 15);  // 0x19; 15 elements: 0xF8 then varint 15
  for (int i = 0; i < 15; ++i) w.ListBinary("");
  w.EndStruct();
  std::vector<uint8_t> want = {0x19, 0x35, 0x00, 0x01, 0x80, 0x01, 0x19, 0xF8, 0x0F};
  want.insert(want.end(), 15, 0x00);  // 15 empty binaries: length 0 each
  want.push_back(0x00);
  EXPECT_EQ(Bytes(b), want);
}

TEST(ThriftCompact, NestedStructRestartsFieldIds) {
  ByteBuffer b;
  ThriftCompactWriter w(&b);
  w.BeginStruct();
  w.FieldI32(5, 1);       // 0x55 0x02
  w.FieldStructBegin(7);  // delta 2, type 12: 0x2C
  w.FieldI32(1, 1);       // inner ids start over: delta 1: 0x15 0x02
  w.EndStruct();          // 0x00
  w.FieldI32(8, 1);       // outer delta from 7: 0x15 0x02
  w.EndStruct();
  EXPECT_EQ(Bytes(b), (std::vector<uint8_t>{0x55, 0x02, 0x2C, 0x15, 0x02, 0x00, 0x15, 0x02, 0x00}));
}

TEST(ParquetMetadata, DataPageHeader) {
  format::PageHeader h;
  h.type = format::PageType::kDataPage;
  h.uncompressed_page_size = 100;
  h.compressed_page_size = 50;
  h.data_page.num_values = 10;
  h.data_page.encoding = format::Encoding::kPlain;
  ByteBuffer b;
  format::SerializePageHeader(h, &b);
  EXPECT_EQ(Bytes(b), (std::vector<uint8_t>{0x15, 0x00,        // 1: type DATA_PAGE (0)
                                            0x15, 0xC8, 0x01,  // 2: uncompressed 100 -> zigzag 200
                                            0x15, 0x64,        // 3: compressed 50 -> zigzag 100
                                            0x2C,        // 5: data_page_header (delta 2, struct)
                                            0x15, 0x14,  //   1: num_values 10
                                            0x15, 0x00,  //   2: encoding PLAIN
                                            0x15, 0x06,  //   3: definition levels RLE (3)
                                            0x15, 0x06,  //   4: repetition levels RLE (3)
                                            0x00,        //   stop
                                            0x00}));     // stop
}

TEST(ParquetMetadata, DictionaryPageHeader) {
  format::PageHeader h;
  h.type = format::PageType::kDictionaryPage;
  h.uncompressed_page_size = 3;
  h.compressed_page_size = 3;
  h.dictionary_page.num_values = 1;
  ByteBuffer b;
  format::SerializePageHeader(h, &b);
  EXPECT_EQ(Bytes(b), (std::vector<uint8_t>{0x15, 0x04,  // type DICTIONARY_PAGE (2)
                                            0x15, 0x06, 0x15, 0x06,
                                            0x4C,        // 7: dictionary_page_header (delta 4)
                                            0x15, 0x02,  //   num_values 1
                                            0x15, 0x00,  //   encoding PLAIN
                                            0x00, 0x00}));
}

TEST(ParquetMetadata, SchemaElementUnsigned64) {
  format::SchemaElement e;
  e.type = format::Type::kInt64;
  e.repetition = format::Repetition::kOptional;
  e.name = "size";
  e.converted_type = format::ConvertedType::kUint64;
  format::LogicalTypeAnnotation a;
  a.kind = format::LogicalTypeAnnotation::Kind::kInteger;
  a.bit_width = 64;
  a.is_signed = false;
  e.logical = a;
  ByteBuffer b;
  ThriftCompactWriter w(&b);
  format::WriteSchemaElement(e, &w);
  EXPECT_EQ(Bytes(b), (std::vector<uint8_t>{0x15, 0x04,                      // 1: type INT64 (2)
                                            0x25, 0x02,                      // 3: OPTIONAL (1)
                                            0x18, 0x04, 's', 'i', 'z', 'e',  // 4: name
                                            0x25, 0x1C,  // 6: converted UINT_64 (14)
                                            0x4C,        // 10: logicalType union
                                            0xAC,        //   10: INTEGER (delta 10, struct)
                                            0x13, 0x40,  //     1: bitWidth i8 64
                                            0x12,        //     2: isSigned false
                                            0x00, 0x00, 0x00}));
}

TEST(ParquetMetadata, SchemaElementString) {
  format::SchemaElement e;
  e.type = format::Type::kByteArray;
  e.repetition = format::Repetition::kRequired;
  e.name = "p";
  e.converted_type = format::ConvertedType::kUtf8;
  e.logical = format::LogicalTypeAnnotation{};  // STRING
  ByteBuffer b;
  ThriftCompactWriter w(&b);
  format::WriteSchemaElement(e, &w);
  EXPECT_EQ(Bytes(b), (std::vector<uint8_t>{0x15, 0x0C,        // type BYTE_ARRAY (6)
                                            0x25, 0x00,        // REQUIRED
                                            0x18, 0x01, 'p',   // name
                                            0x25, 0x00,        // converted UTF8 (0)
                                            0x4C, 0x1C, 0x00,  // logicalType { STRING {} }
                                            0x00, 0x00}));
}

TEST(ParquetMetadata, StatisticsUseMinValueMaxValue) {
  format::Statistics s;
  s.null_count = 3;
  s.min_value = "a";
  s.max_value = "b";
  ByteBuffer b;
  ThriftCompactWriter w(&b);
  format::WriteStatistics(s, &w);
  EXPECT_EQ(Bytes(b), (std::vector<uint8_t>{0x36, 0x06,       // 3: null_count 3
                                            0x28, 0x01, 'b',  // 5: max_value (not 1: max)
                                            0x18, 0x01, 'a',  // 6: min_value (not 2: min)
                                            0x11, 0x11,       // 7, 8: exact = true
                                            0x00}));
}

}  // namespace
}  // namespace sscan::parquet
