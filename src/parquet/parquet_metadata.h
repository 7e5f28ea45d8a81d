// parquet_metadata.h — the Thrift structs of parquet.thrift that this writer emits, and their
// compact-protocol serialisation.
//
// Only the fields we write are modelled; field ids are those of apache/parquet-format
// src/main/thrift/parquet.thrift. Optional fields are std::optional (or an empty container
// that is then omitted). Serialise*() append one complete struct to a ByteBuffer.
//
// What we deliberately write, and why:
//   - Statistics: null_count (3) always; min_value (6) / max_value (5), never the deprecated
//     min (2) / max (1), which readers assume are signed-ordered and would misread for UINT64;
//     is_{min,max}_value_exact (7, 8) because our bounds are the real extremes.
//   - FileMetaData.column_orders (7): without it readers must ignore min_value/max_value.
//   - ColumnMetaData.encoding_stats (13): lets readers see a chunk is all-dictionary.
//
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parquet/byte_buffer.h"
#include "parquet/thrift_compact.h"

namespace sscan::parquet::format {

enum class Type : int32_t { kInt32 = 1, kInt64 = 2, kByteArray = 6 };
enum class ConvertedType : int32_t {
  kUtf8 = 0,
  kUint32 = 13,
  kUint64 = 14,
  kInt32 = 17,
  kInt64 = 18,
};
enum class Repetition : int32_t { kRequired = 0, kOptional = 1 };
enum class Encoding : int32_t {
  kPlain = 0,
  kRle = 3,
  kDeltaBinaryPacked = 5,
  kRleDictionary = 8,
};
enum class CompressionCodec : int32_t { kUncompressed = 0, kSnappy = 1, kZstd = 6 };
enum class PageType : int32_t { kDataPage = 0, kDictionaryPage = 2 };

// LogicalType union: STRING (1, empty struct) or INTEGER (10, IntType{1: i8 bitWidth,
// 2: bool isSigned}).
struct LogicalTypeAnnotation {
  enum class Kind : uint8_t { kString, kInteger } kind = Kind::kString;
  int8_t bit_width = 0;
  bool is_signed = false;
};

struct SchemaElement {
  std::optional<Type> type;                      // 1 (leaves only)
  std::optional<Repetition> repetition;          // 3 (not on the root)
  std::string name;                              // 4
  std::optional<int32_t> num_children;           // 5 (root only)
  std::optional<ConvertedType> converted_type;   // 6
  std::optional<LogicalTypeAnnotation> logical;  // 10
};

struct Statistics {
  std::optional<int64_t> null_count;     // 3
  std::optional<std::string> max_value;  // 5
  std::optional<std::string> min_value;  // 6
};

struct PageEncodingStats {
  PageType page_type = PageType::kDataPage;  // 1
  Encoding encoding = Encoding::kPlain;      // 2
  int32_t count = 0;                         // 3
};

struct ColumnMetaData {
  Type type = Type::kInt64;                                  // 1
  std::vector<Encoding> encodings;                           // 2
  std::vector<std::string> path_in_schema;                   // 3
  CompressionCodec codec = CompressionCodec::kUncompressed;  // 4
  int64_t num_values = 0;                                    // 5 (including nulls)
  int64_t total_uncompressed_size = 0;                       // 6 (page headers included)
  int64_t total_compressed_size = 0;                         // 7 (page headers included)
  int64_t data_page_offset = 0;                              // 9
  std::optional<int64_t> dictionary_page_offset;             // 11
  Statistics statistics;                                     // 12
  std::vector<PageEncodingStats> encoding_stats;             // 13
};

struct ColumnChunk {
  int64_t file_offset = 0;   // 2 (required; we write the chunk's first page offset)
  ColumnMetaData meta_data;  // 3
};

struct RowGroup {
  std::vector<ColumnChunk> columns;              // 1
  int64_t total_byte_size = 0;                   // 2 (uncompressed)
  int64_t num_rows = 0;                          // 3
  std::optional<int64_t> file_offset;            // 5
  std::optional<int64_t> total_compressed_size;  // 6
  std::optional<int16_t> ordinal;                // 7
};

struct KeyValue {
  std::string key;    // 1
  std::string value;  // 2
};

// FileMetaData minus the row groups, which FileWriter serialises one by one as they are
// appended (see SerializeFileMetaData).
struct FileMetaDataHead {
  int32_t version = 1;                       // 1 (the spec asks writers to write 1)
  std::vector<SchemaElement> schema;         // 2
  int64_t num_rows = 0;                      // 3
  std::vector<KeyValue> key_value_metadata;  // 5 (omitted when empty)
  std::string created_by;                    // 6 (omitted when empty)
  int32_t num_leaf_columns = 0;              // 7: one TypeDefinedOrder per leaf column
};

struct DataPageHeader {
  int32_t num_values = 0;                // 1 (rows, nulls included: flat schema)
  Encoding encoding = Encoding::kPlain;  // 2
  // 3, 4: definition/repetition level encoding, always RLE.
};

struct DictionaryPageHeader {
  int32_t num_values = 0;  // 1
  // 2: encoding, always PLAIN; 3: is_sorted omitted.
};

struct PageHeader {
  PageType type = PageType::kDataPage;   // 1
  int32_t uncompressed_page_size = 0;    // 2
  int32_t compressed_page_size = 0;      // 3
  DataPageHeader data_page;              // 5 when type == kDataPage
  DictionaryPageHeader dictionary_page;  // 7 when type == kDictionaryPage
};

void SerializePageHeader(const PageHeader& header, ByteBuffer* out);
void SerializeRowGroup(const RowGroup& row_group, ByteBuffer* out);
// Writes the whole FileMetaData: `row_groups` holds `num_row_groups` RowGroup structs
// already serialised back to back by SerializeRowGroup.
void SerializeFileMetaData(const FileMetaDataHead& head, uint32_t num_row_groups,
                           std::string_view row_groups, ByteBuffer* out);

// Pieces, exposed for unit tests.
void WriteStatistics(const Statistics& s, ThriftCompactWriter* w);
void WriteSchemaElement(const SchemaElement& e, ThriftCompactWriter* w);
void WriteColumnMetaData(const ColumnMetaData& m, ThriftCompactWriter* w);

}  // namespace sscan::parquet::format
