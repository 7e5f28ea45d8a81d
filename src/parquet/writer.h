// writer.h — the Parquet writer's public API: encode row groups anywhere, append them in order.
//
// Two stages, so a caller can keep every core busy:
//   1. EncodeRowGroup() turns one row group's values into finished bytes (dictionary/data pages,
//      compressed) plus the footer metadata for its column chunks. It is a pure function of its
//      arguments: call it concurrently from as many threads as you like.
//   2. FileWriter appends encoded row groups to an OutputStream in call order, patching the
//      offsets, and writes the footer on Finish(). It is not thread-safe: one owner.
// Memory is bounded by the row groups the caller keeps alive; the FileWriter itself holds only
// the footer metadata (a few hundred bytes per column chunk).
//
// The writer knows nothing of files or names: publishing under a final name (temp + fsync +
// rename) belongs to the caller.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "parquet/column_data.h"
#include "parquet/schema.h"

namespace sscan::parquet {

enum class Codec : uint8_t { kUncompressed, kSnappy, kZstd };

struct WriterOptions {
  Codec codec = Codec::kZstd;
  // Level 1, not zstd's usual 3: on scanner-shaped rows (bench/parquet_bench) level 1 is
  // ~35% faster and no larger (28.1 vs 27.8 bytes/row; DuckDB's writer: 28.7), and level 3
  // only just reaches 2M rows/s on one core.
  int zstd_level = 1;
  // Target uncompressed size of one data page; a column chunk is split into several pages.
  size_t data_page_size = 1 << 20;
  // A column chunk whose dictionary would exceed this is written PLAIN throughout (never a
  // dictionary -> plain switch inside one chunk: fastparquet misreads that). Not applied to
  // STRING columns given in dictionary form: for STRING the input form alone picks the
  // encoding for the whole file (see column_data.h).
  size_t dictionary_size_limit = 1 << 20;
  bool enable_dictionary = true;
  // Compact integer encoding (DELTA_BINARY_PACKED) where it is smaller than PLAIN/dictionary.
  bool enable_delta = true;
  // Byte-array min/max statistics are written only when both fit in this many bytes
  // (readers trust exact statistics; truncated ones would need the exactness flags).
  size_t max_statistics_size = 4096;
  // FileMetaData.created_by; empty = "storage-scanner version X (build REV)".
  std::string created_by;
};

struct KeyValue {
  std::string key;
  std::string value;
};

// One row group, encoded and compressed, ready to append. Opaque; movable.
class EncodedRowGroup {
 public:
  EncodedRowGroup();
  ~EncodedRowGroup();
  EncodedRowGroup(EncodedRowGroup&&) noexcept;
  EncodedRowGroup& operator=(EncodedRowGroup&&) noexcept;

  uint64_t num_rows() const;
  uint64_t byte_size() const;  // bytes it adds to the file

  struct Impl;
  explicit EncodedRowGroup(std::unique_ptr<Impl> impl);
  Impl* impl() const { return impl_.get(); }

 private:
  std::unique_ptr<Impl> impl_;
};

// REQUIRES: data.columns.size() == schema.columns.size(); every column has num_rows slots.
// Fails (without side effects) on inconsistent input, e.g. sizes that disagree or invalid
// UTF-8 in a STRING column (see input_validation.h for the full list), and on more than
// 2^31 - 1 rows (page headers count in i32).
Result<EncodedRowGroup> EncodeRowGroup(const Schema& schema, const WriterOptions& options,
                                       const RowGroupData& data);

// --- One row group on several threads ------------------------------------------------------
// EncodeRowGroup encodes the columns one after the other. A caller that wants one row group
// encoded by several threads at once encodes each column with EncodeColumn (any thread, any
// order) and joins them in schema order with JoinColumns: byte for byte what EncodeRowGroup
// makes.

// What encoding needs besides the data: a compression context and scratch buffers. Reusing
// one across columns and row groups saves setting them up, and faulting their pages in, every
// time. Made for one WriterOptions; used by one thread at a time.
class EncoderContext {
 public:
  explicit EncoderContext(const WriterOptions& options);
  ~EncoderContext();
  EncoderContext(const EncoderContext&) = delete;
  EncoderContext& operator=(const EncoderContext&) = delete;

  struct State;
  State* state() const { return state_.get(); }

 private:
  std::unique_ptr<State> state_;
};

// One column chunk of a row group, encoded alone. Opaque; movable.
class EncodedColumn {
 public:
  EncodedColumn();
  ~EncodedColumn();
  EncodedColumn(EncodedColumn&&) noexcept;
  EncodedColumn& operator=(EncodedColumn&&) noexcept;

  struct Impl;
  explicit EncodedColumn(std::unique_ptr<Impl> impl);
  Impl* impl() const { return impl_.get(); }

 private:
  std::unique_ptr<Impl> impl_;
};

// Column `column` of `data`; fails as EncodeRowGroup does, on this column's data and the row
// group's shape. REQUIRES: `context` made with `options`.
Result<EncodedColumn> EncodeColumn(const Schema& schema, const WriterOptions& options,
                                   const RowGroupData& data, size_t column,
                                   EncoderContext* context);
// REQUIRES: one column per schema column, in schema order, each encoded from `num_rows` rows.
EncodedRowGroup JoinColumns(uint64_t num_rows, std::vector<EncodedColumn>&& columns);

// Where bytes go. Implementations report failures (ENOSPC, EIO) through Status.
class OutputStream {
 public:
  virtual ~OutputStream() = default;
  virtual Status Write(const void* data, size_t size) = 0;
};

// Writes to a file descriptor the caller opened and will close; retries short writes and EINTR.
class FdOutputStream final : public OutputStream {
 public:
  FdOutputStream(int fd, std::string path_for_messages);
  Status Write(const void* data, size_t size) override;

 private:
  int fd_;
  std::string path_;
};

class FileWriter {
 public:
  FileWriter(OutputStream* out, Schema schema, WriterOptions options);
  ~FileWriter();
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  // Appends one encoded row group (writes "PAR1" first if nothing was written yet).
  // A row group of zero rows is skipped (no empty row groups in the footer). After a failed
  // write every later call returns that same error (the file is unusable).
  // REQUIRES: encoded with the same schema and options.
  Status Append(EncodedRowGroup row_group);
  // Convenience: EncodeRowGroup + Append on the calling thread.
  Status WriteRowGroup(const RowGroupData& data);
  // Writes the footer (schema, row groups, key-value metadata, column orders, created_by).
  // A file with zero row groups is valid. After Finish, no further calls.
  Status Finish(const std::vector<KeyValue>& key_value_metadata);

  uint64_t rows_written() const;
  uint64_t bytes_written() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace sscan::parquet
