// parquet_metadata.cc — compact-protocol serialisation of the structs in parquet_metadata.h.
// Field ids follow parquet.thrift; fields are written in increasing id order. Every Write*()
// emits one whole struct value (BeginStruct ... EndStruct); a struct-valued field is its
// header (FieldStructHeader) followed by that value.
#include "parquet/parquet_metadata.h"

namespace sscan::parquet::format {
namespace {

template <typename E>
int32_t I(E e) {
  return static_cast<int32_t>(e);
}

void WriteColumnChunk(const ColumnChunk& c, ThriftCompactWriter* w) {
  w->BeginStruct();
  w->FieldI64(2, c.file_offset);
  w->FieldStructHeader(3);
  WriteColumnMetaData(c.meta_data, w);
  w->EndStruct();
}

void WriteRowGroup(const RowGroup& g, ThriftCompactWriter* w) {
  w->BeginStruct();
  w->FieldListBegin(1, ThriftType::kStruct, static_cast<uint32_t>(g.columns.size()));
  for (const ColumnChunk& c : g.columns) WriteColumnChunk(c, w);
  w->FieldI64(2, g.total_byte_size);
  w->FieldI64(3, g.num_rows);
  if (g.file_offset) w->FieldI64(5, *g.file_offset);
  if (g.total_compressed_size) w->FieldI64(6, *g.total_compressed_size);
  if (g.ordinal) w->FieldI16(7, *g.ordinal);
  w->EndStruct();
}

}  // namespace

void WriteStatistics(const Statistics& s, ThriftCompactWriter* w) {
  w->BeginStruct();
  if (s.null_count) w->FieldI64(3, *s.null_count);
  if (s.max_value) w->FieldBinary(5, *s.max_value);
  if (s.min_value) w->FieldBinary(6, *s.min_value);
  // Our bounds are the actual extremes, never truncated: say so (newer readers use it).
  if (s.max_value) w->FieldBool(7, true);
  if (s.min_value) w->FieldBool(8, true);
  w->EndStruct();
}

void WriteSchemaElement(const SchemaElement& e, ThriftCompactWriter* w) {
  w->BeginStruct();
  if (e.type) w->FieldI32(1, I(*e.type));
  if (e.repetition) w->FieldI32(3, I(*e.repetition));
  w->FieldBinary(4, e.name);
  if (e.num_children) w->FieldI32(5, *e.num_children);
  if (e.converted_type) w->FieldI32(6, I(*e.converted_type));
  if (e.logical) {
    w->FieldStructBegin(10);  // LogicalType union: exactly one member
    if (e.logical->kind == LogicalTypeAnnotation::Kind::kString) {
      w->FieldEmptyStruct(1);  // STRING: StringType {}
    } else {
      w->FieldStructBegin(10);  // INTEGER: IntType {1: i8 bitWidth, 2: bool isSigned}
      w->FieldI8(1, e.logical->bit_width);
      w->FieldBool(2, e.logical->is_signed);
      w->EndStruct();
    }
    w->EndStruct();
  }
  w->EndStruct();
}

void WriteColumnMetaData(const ColumnMetaData& m, ThriftCompactWriter* w) {
  w->BeginStruct();
  w->FieldI32(1, I(m.type));
  w->FieldListBegin(2, ThriftType::kI32, static_cast<uint32_t>(m.encodings.size()));
  for (Encoding e : m.encodings) w->ListI32(I(e));
  w->FieldListBegin(3, ThriftType::kBinary, static_cast<uint32_t>(m.path_in_schema.size()));
  for (const std::string& p : m.path_in_schema) w->ListBinary(p);
  w->FieldI32(4, I(m.codec));
  w->FieldI64(5, m.num_values);
  w->FieldI64(6, m.total_uncompressed_size);
  w->FieldI64(7, m.total_compressed_size);
  w->FieldI64(9, m.data_page_offset);
  if (m.dictionary_page_offset) w->FieldI64(11, *m.dictionary_page_offset);
  w->FieldStructHeader(12);
  WriteStatistics(m.statistics, w);
  if (!m.encoding_stats.empty()) {
    w->FieldListBegin(13, ThriftType::kStruct, static_cast<uint32_t>(m.encoding_stats.size()));
    for (const PageEncodingStats& s : m.encoding_stats) {
      w->BeginStruct();
      w->FieldI32(1, I(s.page_type));
      w->FieldI32(2, I(s.encoding));
      w->FieldI32(3, s.count);
      w->EndStruct();
    }
  }
  w->EndStruct();
}

void SerializePageHeader(const PageHeader& h, ByteBuffer* out) {
  ThriftCompactWriter w(out);
  w.BeginStruct();
  w.FieldI32(1, I(h.type));
  w.FieldI32(2, h.uncompressed_page_size);
  w.FieldI32(3, h.compressed_page_size);
  if (h.type == PageType::kDataPage) {
    w.FieldStructBegin(5);
    w.FieldI32(1, h.data_page.num_values);
    w.FieldI32(2, I(h.data_page.encoding));
    w.FieldI32(3, I(Encoding::kRle));  // definition levels
    w.FieldI32(4, I(Encoding::kRle));  // repetition levels (none written: flat schema)
    w.EndStruct();
  } else {
    w.FieldStructBegin(7);
    w.FieldI32(1, h.dictionary_page.num_values);
    w.FieldI32(2, I(Encoding::kPlain));
    w.EndStruct();
  }
  w.EndStruct();
}

void SerializeRowGroup(const RowGroup& row_group, ByteBuffer* out) {
  ThriftCompactWriter w(out);
  WriteRowGroup(row_group, &w);
}

void SerializeFileMetaData(const FileMetaDataHead& head, uint32_t num_row_groups,
                           std::string_view row_groups, ByteBuffer* out) {
  ThriftCompactWriter w(out);
  w.BeginStruct();
  w.FieldI32(1, head.version);
  w.FieldListBegin(2, ThriftType::kStruct, static_cast<uint32_t>(head.schema.size()));
  for (const SchemaElement& e : head.schema) WriteSchemaElement(e, &w);
  w.FieldI64(3, head.num_rows);
  // Each RowGroup was serialised as a self-contained struct value when it was appended
  // (compact-protocol field ids restart at 0 inside every struct, so they splice as is).
  w.FieldListBegin(4, ThriftType::kStruct, num_row_groups);
  w.Raw(row_groups);
  if (!head.key_value_metadata.empty()) {
    w.FieldListBegin(5, ThriftType::kStruct, static_cast<uint32_t>(head.key_value_metadata.size()));
    for (const KeyValue& kv : head.key_value_metadata) {
      w.BeginStruct();
      w.FieldBinary(1, kv.key);
      w.FieldBinary(2, kv.value);
      w.EndStruct();
    }
  }
  if (!head.created_by.empty()) w.FieldBinary(6, head.created_by);
  w.FieldListBegin(7, ThriftType::kStruct, static_cast<uint32_t>(head.num_leaf_columns));
  for (int32_t i = 0; i < head.num_leaf_columns; ++i) {
    w.BeginStruct();        // ColumnOrder union
    w.FieldEmptyStruct(1);  // TYPE_ORDER: TypeDefinedOrder {}
    w.EndStruct();
  }
  w.EndStruct();
}

}  // namespace sscan::parquet::format
