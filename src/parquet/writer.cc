// writer.cc — EncodeRowGroup, FileWriter and FdOutputStream; see writer.h.
//
// File layout: "PAR1" <row group>* <FileMetaData> <4-byte LE footer length> "PAR1".
#include "parquet/writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "build_info.h"
#include "parquet/column_chunk_writer.h"
#include "parquet/compression.h"
#include "parquet/encoded_row_group.h"
#include "parquet/input_validation.h"
#include "parquet/parquet_metadata.h"

namespace sscan::parquet {
namespace {

constexpr char kMagic[4] = {'P', 'A', 'R', '1'};

std::vector<format::SchemaElement> ToSchemaElements(const Schema& schema) {
  std::vector<format::SchemaElement> out;
  out.reserve(schema.columns.size() + 1);
  format::SchemaElement root;
  root.name = "schema";
  root.num_children = static_cast<int32_t>(schema.columns.size());
  out.push_back(std::move(root));
  for (const ColumnSpec& c : schema.columns) {
    format::SchemaElement e;
    e.name = c.name;
    e.repetition = c.repetition == Repetition::kOptional ? format::Repetition::kOptional
                                                         : format::Repetition::kRequired;
    const bool is64 = c.physical == PhysicalType::kInt64;
    switch (c.physical) {
      case PhysicalType::kInt32:
        e.type = format::Type::kInt32;
        break;
      case PhysicalType::kInt64:
        e.type = format::Type::kInt64;
        break;
      case PhysicalType::kByteArray:
        e.type = format::Type::kByteArray;
        break;
    }
    // Both annotations: LogicalType for current readers, ConvertedType for older ones.
    switch (c.logical) {
      case LogicalType::kNone:
        break;
      case LogicalType::kSignedInt:
      case LogicalType::kUnsignedInt: {
        const bool is_signed = c.logical == LogicalType::kSignedInt;
        format::LogicalTypeAnnotation a;
        a.kind = format::LogicalTypeAnnotation::Kind::kInteger;
        a.bit_width = is64 ? 64 : 32;
        a.is_signed = is_signed;
        e.logical = a;
        e.converted_type =
            is_signed ? (is64 ? format::ConvertedType::kInt64 : format::ConvertedType::kInt32)
                      : (is64 ? format::ConvertedType::kUint64 : format::ConvertedType::kUint32);
        break;
      }
      case LogicalType::kString:
        e.logical = format::LogicalTypeAnnotation{};
        e.converted_type = format::ConvertedType::kUtf8;
        break;
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

// --- EncodedRowGroup ---------------------------------------------------------------------------

EncodedRowGroup::EncodedRowGroup() : impl_(std::make_unique<Impl>()) {}
EncodedRowGroup::EncodedRowGroup(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EncodedRowGroup::~EncodedRowGroup() = default;
EncodedRowGroup::EncodedRowGroup(EncodedRowGroup&&) noexcept = default;
EncodedRowGroup& EncodedRowGroup::operator=(EncodedRowGroup&&) noexcept = default;
uint64_t EncodedRowGroup::num_rows() const { return impl_ ? impl_->num_rows : 0; }
uint64_t EncodedRowGroup::byte_size() const { return impl_ ? impl_->byte_size : 0; }

// --- EncodeRowGroup ----------------------------------------------------------------------------

struct EncoderContext::State {
  explicit State(const WriterOptions& options) : compressor(options.codec, options.zstd_level) {}
  PageCompressor compressor;
  EncodeScratch scratch;
};

EncoderContext::EncoderContext(const WriterOptions& options)
    : state_(std::make_unique<State>(options)) {}
EncoderContext::~EncoderContext() = default;

EncodedColumn::EncodedColumn() = default;
EncodedColumn::EncodedColumn(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EncodedColumn::~EncodedColumn() = default;
EncodedColumn::EncodedColumn(EncodedColumn&&) noexcept = default;
EncodedColumn& EncodedColumn::operator=(EncodedColumn&&) noexcept = default;

Result<EncodedRowGroup> EncodeRowGroup(const Schema& schema, const WriterOptions& options,
                                       const RowGroupData& data) {
  if (Status s = ValidateSchema(schema); !s.ok()) return s;
  if (Status s = ValidateRowGroup(schema, data); !s.ok()) return s;
  auto impl = std::make_unique<EncodedRowGroup::Impl>();
  impl->num_rows = data.num_rows;
  if (data.num_rows == 0) return EncodedRowGroup(std::move(impl));  // Append skips it

  EncoderContext context(options);
  ByteBuffer& bytes = impl->parts.emplace_back();
  ColumnChunkContext ctx{&options, &context.state()->compressor, &context.state()->scratch, &bytes};
  impl->columns.resize(schema.columns.size());
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    Status s = WriteColumnChunk(schema.columns[i], data.columns[i],
                                static_cast<size_t>(data.num_rows), ctx, &impl->columns[i]);
    if (!s.ok()) return s;
  }
  impl->byte_size = bytes.size();
  return EncodedRowGroup(std::move(impl));
}

Result<EncodedColumn> EncodeColumn(const Schema& schema, const WriterOptions& options,
                                   const RowGroupData& data, size_t column,
                                   EncoderContext* context) {
  if (Status s = ValidateSchema(schema); !s.ok()) return s;
  if (column >= schema.columns.size()) {
    return Status::Error("parquet: column " + std::to_string(column) + " is not in the schema");
  }
  if (Status s = ValidateColumn(schema, data, column); !s.ok()) return s;
  auto impl = std::make_unique<EncodedColumn::Impl>();
  if (data.num_rows == 0) return EncodedColumn(std::move(impl));
  ColumnChunkContext ctx{&options, &context->state()->compressor, &context->state()->scratch,
                         &impl->bytes};
  if (Status s = WriteColumnChunk(schema.columns[column], data.columns[column],
                                  static_cast<size_t>(data.num_rows), ctx, &impl->chunk);
      !s.ok()) {
    return s;
  }
  return EncodedColumn(std::move(impl));
}

EncodedRowGroup JoinColumns(uint64_t num_rows, std::vector<EncodedColumn>&& columns) {
  auto impl = std::make_unique<EncodedRowGroup::Impl>();
  impl->num_rows = num_rows;
  if (num_rows == 0) return EncodedRowGroup(std::move(impl));  // Append skips it
  impl->parts.reserve(columns.size());
  impl->columns.reserve(columns.size());
  for (EncodedColumn& c : columns) {
    EncodedColumn::Impl& col = *c.impl();
    const auto base = static_cast<int64_t>(impl->byte_size);
    format::ColumnChunk chunk = std::move(col.chunk);
    // Encoded alone, its offsets start at 0: shift them to where it lands in the row group.
    chunk.file_offset += base;
    chunk.meta_data.data_page_offset += base;
    if (chunk.meta_data.dictionary_page_offset) *chunk.meta_data.dictionary_page_offset += base;
    impl->columns.push_back(std::move(chunk));
    impl->byte_size += col.bytes.size();
    impl->parts.push_back(std::move(col.bytes));  // its pages, not a copy of them
  }
  return EncodedRowGroup(std::move(impl));
}

// --- FdOutputStream ----------------------------------------------------------------------------

FdOutputStream::FdOutputStream(int fd, std::string path_for_messages)
    : fd_(fd), path_(std::move(path_for_messages)) {}

Status FdOutputStream::Write(const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd_, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("write", path_, errno);
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

// --- FileWriter --------------------------------------------------------------------------------

struct FileWriter::State {
  OutputStream* out;
  Schema schema;
  WriterOptions options;
  bool started = false;
  bool finished = false;
  Status failure;  // sticky: after a failed write the file is unusable
  uint64_t position = 0;
  uint64_t rows = 0;
  uint32_t num_row_groups = 0;
  ByteBuffer row_groups;  // serialised RowGroup structs, in order

  Status Write(const void* p, size_t n) {
    Status s = out->Write(p, n);
    if (!s.ok()) {
      failure = s;
      return s;
    }
    position += n;
    return Status::Ok();
  }
  Status Start() {
    if (started) return Status::Ok();
    started = true;
    return Write(kMagic, sizeof(kMagic));
  }
};

FileWriter::FileWriter(OutputStream* out, Schema schema, WriterOptions options)
    : state_(std::make_unique<State>()) {
  state_->out = out;
  state_->schema = std::move(schema);
  state_->options = std::move(options);
}

FileWriter::~FileWriter() = default;

Status FileWriter::Append(EncodedRowGroup row_group) {
  State& st = *state_;
  if (!st.failure.ok()) return st.failure;
  if (st.finished) return Status::Error("parquet: Append after Finish");
  EncodedRowGroup::Impl* rg = row_group.impl();
  // An empty row group adds nothing: some readers stumble on zero-row groups, and the
  // file's row counts stay exact without it.
  if (rg == nullptr || rg->num_rows == 0) return Status::Ok();
  if (rg->columns.size() != st.schema.columns.size()) {
    return Status::Error("parquet: row group does not match the file's schema");
  }
  if (Status s = st.Start(); !s.ok()) return s;
  const int64_t base = static_cast<int64_t>(st.position);
  for (const ByteBuffer& part : rg->parts) {
    if (part.empty()) continue;
    if (Status s = st.Write(part.data(), part.size()); !s.ok()) return s;
  }

  format::RowGroup meta;
  meta.num_rows = static_cast<int64_t>(rg->num_rows);
  meta.file_offset = base;  // the first column chunk starts the row group
  meta.total_compressed_size = static_cast<int64_t>(rg->byte_size);
  if (st.num_row_groups <= INT16_MAX) meta.ordinal = static_cast<int16_t>(st.num_row_groups);
  meta.columns = std::move(rg->columns);
  for (format::ColumnChunk& c : meta.columns) {
    // Encoded before its position was known: shift every offset by where it landed.
    c.file_offset += base;
    c.meta_data.data_page_offset += base;
    if (c.meta_data.dictionary_page_offset) *c.meta_data.dictionary_page_offset += base;
    meta.total_byte_size += c.meta_data.total_uncompressed_size;
  }
  format::SerializeRowGroup(meta, &st.row_groups);
  ++st.num_row_groups;
  st.rows += rg->num_rows;
  return Status::Ok();
}

Status FileWriter::WriteRowGroup(const RowGroupData& data) {
  Result<EncodedRowGroup> encoded = EncodeRowGroup(state_->schema, state_->options, data);
  if (!encoded.ok()) return encoded.status();
  return Append(std::move(encoded).value());
}

Status FileWriter::Finish(const std::vector<KeyValue>& key_value_metadata) {
  State& st = *state_;
  if (!st.failure.ok()) return st.failure;
  if (st.finished) return Status::Error("parquet: Finish called twice");
  if (Status s = ValidateSchema(st.schema); !s.ok()) return s;
  if (Status s = st.Start(); !s.ok()) return s;
  format::FileMetaDataHead head;
  head.schema = ToSchemaElements(st.schema);
  // The sum of the row groups' counts, by construction: readers trust both.
  head.num_rows = static_cast<int64_t>(st.rows);
  for (const KeyValue& kv : key_value_metadata)
    head.key_value_metadata.push_back({kv.key, kv.value});
  // The format parquet.thrift asks for: "<application> version <version> (build <hash>)".
  head.created_by = st.options.created_by.empty()
                        ? std::string("storage-scanner version ") + build_info::kVersion +
                              " (build " + build_info::kGitRevision + ")"
                        : st.options.created_by;
  head.num_leaf_columns = static_cast<int32_t>(st.schema.columns.size());
  ByteBuffer footer;
  format::SerializeFileMetaData(head, st.num_row_groups, st.row_groups.view(), &footer);
  const uint32_t length = static_cast<uint32_t>(footer.size());
  footer.AppendLittleEndian(length);
  footer.Append(kMagic, sizeof(kMagic));
  if (Status s = st.Write(footer.data(), footer.size()); !s.ok()) return s;
  st.finished = true;
  return Status::Ok();
}

uint64_t FileWriter::rows_written() const { return state_->rows; }
uint64_t FileWriter::bytes_written() const { return state_->position; }

}  // namespace sscan::parquet
