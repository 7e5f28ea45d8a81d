// parquet_driver — writes a Parquet file described by a JSON document, for the conformance
// suite (tests/conformance/test_parquet_conformance.py).
//
//   parquet_driver INPUT.json OUTPUT.parquet
//
// INPUT:
//   {"num_rows": N,
//    "schema": [{"name": "size", "physical": "int32"|"int64"|"byte_array",
//                "logical": "none"|"signed"|"unsigned"|"string",
//                "repetition": "required"|"optional"}, ...],
//    "columns": [ one per schema column:
//       {"values": [...]}                       integers as JSON numbers or decimal strings
//                                               (uint64 beyond 2^63 as strings), byte arrays
//                                               as hex strings, null for a null row; or
//       {"dictionary": ["hex", ...], "indices": [i or null, ...]}   dictionary form ],
//    "options": {"codec": "zstd"|"snappy"|"none", "level": 3, "data_page_size": B,
//                "dictionary_size_limit": B, "enable_dictionary": true, "enable_delta": true,
//                "max_statistics_size": B, "rows_per_row_group": R, "threads": T},
//    "key_value_metadata": {"key": "value", ...}}
// Row groups of R rows are encoded on T threads at once (EncodeRowGroup is reentrant) and
// appended in order. Exit status 0 on success; 1 with the writer's message on stderr.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "parquet/writer.h"

namespace pq = sscan::parquet;
using nlohmann::json;

namespace {

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "parquet_driver: " << message << "\n";
  std::exit(1);
}

int64_t ParseInt(const json& v) {
  if (v.is_number_unsigned()) return static_cast<int64_t>(v.get<uint64_t>());
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    errno = 0;
    char* end = nullptr;
    const int64_t r = s.starts_with('-') ? std::strtoll(s.c_str(), &end, 10)
                                         : static_cast<int64_t>(std::strtoull(s.c_str(), &end, 10));
    if (errno != 0 || end == s.c_str() || *end != '\0') Die("bad integer " + s);
    return r;
  }
  Die("bad integer " + v.dump());
}

void AppendHex(const std::string& hex, std::vector<uint8_t>* out) {
  if (hex.size() % 2 != 0) Die("odd hex string");
  for (size_t i = 0; i < hex.size(); i += 2) {
    out->push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
}

// Owned buffers behind one column's ColumnData.
struct ColumnBuffers {
  std::vector<int32_t> i32;
  std::vector<int64_t> i64;
  std::vector<uint32_t> offsets;
  std::vector<uint8_t> data;
  std::vector<uint32_t> dict_offsets;
  std::vector<uint8_t> dict_data;
  std::vector<uint32_t> indices;
  std::vector<uint8_t> validity;
  bool dictionary_form = false;
};

pq::Schema ParseSchema(const json& j) {
  pq::Schema schema;
  for (const json& c : j) {
    pq::ColumnSpec spec;
    spec.name = c.at("name").get<std::string>();
    const std::string physical = c.at("physical").get<std::string>();
    spec.physical = physical == "int32"   ? pq::PhysicalType::kInt32
                    : physical == "int64" ? pq::PhysicalType::kInt64
                                          : pq::PhysicalType::kByteArray;
    const std::string logical = c.value("logical", "none");
    spec.logical = logical == "signed"     ? pq::LogicalType::kSignedInt
                   : logical == "unsigned" ? pq::LogicalType::kUnsignedInt
                   : logical == "string"   ? pq::LogicalType::kString
                                           : pq::LogicalType::kNone;
    spec.repetition = c.value("repetition", "required") == "optional" ? pq::Repetition::kOptional
                                                                      : pq::Repetition::kRequired;
    schema.columns.push_back(spec);
  }
  return schema;
}

ColumnBuffers ParseColumn(const pq::ColumnSpec& spec, const json& j, size_t rows) {
  ColumnBuffers b;
  bool any_null = false;
  b.validity.assign(rows, 1);
  if (j.contains("dictionary")) {
    b.dictionary_form = true;
    b.dict_offsets.push_back(0);
    for (const json& e : j.at("dictionary")) {
      AppendHex(e.get<std::string>(), &b.dict_data);
      b.dict_offsets.push_back(static_cast<uint32_t>(b.dict_data.size()));
    }
    const json& idx = j.at("indices");
    if (idx.size() != rows) Die("column " + spec.name + ": wrong number of indices");
    for (size_t r = 0; r < rows; ++r) {
      if (idx[r].is_null()) {
        b.validity[r] = 0;
        any_null = true;
        b.indices.push_back(0xFFFFFFFFu);  // ignored: a null row's slot
      } else {
        b.indices.push_back(idx[r].get<uint32_t>());
      }
    }
  } else {
    const json& vals = j.at("values");
    if (vals.size() != rows) Die("column " + spec.name + ": wrong number of values");
    b.offsets.push_back(0);
    for (size_t r = 0; r < rows; ++r) {
      const json& v = vals[r];
      const bool null = v.is_null();
      if (null) {
        b.validity[r] = 0;
        any_null = true;
      }
      switch (spec.physical) {
        case pq::PhysicalType::kInt32:
          b.i32.push_back(null ? 0x5A5A5A5A : static_cast<int32_t>(ParseInt(v)));
          break;
        case pq::PhysicalType::kInt64:
          b.i64.push_back(null ? 0x5A5A5A5A5A5A : ParseInt(v));
          break;
        case pq::PhysicalType::kByteArray:
          if (!null) AppendHex(v.get<std::string>(), &b.data);
          b.offsets.push_back(static_cast<uint32_t>(b.data.size()));
          break;
      }
    }
  }
  if (!any_null) b.validity.clear();
  return b;
}

// ColumnData for rows [begin, end) of `b`.
pq::ColumnData Slice(const pq::ColumnSpec& spec, const ColumnBuffers& b, size_t begin, size_t end) {
  pq::ColumnData c;
  const size_t n = end - begin;
  if (!b.validity.empty()) c.validity = std::span(b.validity).subspan(begin, n);
  if (b.dictionary_form) {
    c.dict_offsets = b.dict_offsets;
    c.dict_data = b.dict_data;
    c.indices = std::span(b.indices).subspan(begin, n);
    return c;
  }
  switch (spec.physical) {
    case pq::PhysicalType::kInt32:
      c.int32_values = std::span(b.i32).subspan(begin, n);
      break;
    case pq::PhysicalType::kInt64:
      c.int64_values = std::span(b.i64).subspan(begin, n);
      break;
    case pq::PhysicalType::kByteArray:
      // Offsets stay absolute into the shared data buffer: a slice is legal input.
      c.offsets = std::span(b.offsets).subspan(begin, n + 1);
      c.data = b.data;
      break;
  }
  return c;
}

int Run(int argc, char** argv) {
  if (argc != 3) Die("usage: parquet_driver INPUT.json OUTPUT.parquet");
  std::ifstream in(argv[1]);
  if (!in) Die(std::string("cannot open ") + argv[1]);
  const json doc = json::parse(in);
  const size_t rows = doc.at("num_rows").get<size_t>();
  const pq::Schema schema = ParseSchema(doc.at("schema"));
  if (doc.at("columns").size() != schema.columns.size()) Die("columns do not match the schema");
  std::vector<ColumnBuffers> buffers;
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    buffers.push_back(ParseColumn(schema.columns[i], doc.at("columns")[i], rows));
  }

  pq::WriterOptions options;
  const json o = doc.contains("options") ? doc.at("options") : json::object();
  const std::string codec = o.value("codec", "zstd");
  options.codec = codec == "snappy" ? pq::Codec::kSnappy
                  : codec == "none" ? pq::Codec::kUncompressed
                                    : pq::Codec::kZstd;
  options.zstd_level = o.value("level", options.zstd_level);
  options.data_page_size = o.value("data_page_size", options.data_page_size);
  options.dictionary_size_limit = o.value("dictionary_size_limit", options.dictionary_size_limit);
  options.enable_dictionary = o.value("enable_dictionary", options.enable_dictionary);
  options.enable_delta = o.value("enable_delta", options.enable_delta);
  options.max_statistics_size = o.value("max_statistics_size", options.max_statistics_size);
  options.created_by = "storage-scanner conformance driver";
  const size_t per_group = std::max<size_t>(1, o.value("rows_per_row_group", size_t{1} << 20));
  const size_t threads = std::max<size_t>(1, o.value("threads", size_t{1}));

  // Encode every row group first (on `threads` threads), then append them in order.
  std::vector<std::pair<size_t, size_t>> groups;
  for (size_t b = 0; b < rows; b += per_group)
    groups.emplace_back(b, std::min(rows, b + per_group));
  std::vector<std::optional<pq::EncodedRowGroup>> encoded(groups.size());
  std::vector<std::string> errors(groups.size());
  auto encode = [&](size_t g) {
    pq::RowGroupData data;
    data.num_rows = groups[g].second - groups[g].first;
    for (size_t i = 0; i < schema.columns.size(); ++i) {
      data.columns.push_back(
          Slice(schema.columns[i], buffers[i], groups[g].first, groups[g].second));
    }
    sscan::Result<pq::EncodedRowGroup> r = pq::EncodeRowGroup(schema, options, data);
    if (r.ok()) {
      encoded[g] = std::move(r).value();
    } else {
      errors[g] = r.status().message();
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (size_t g = t; g < groups.size(); g += threads) encode(g);
    });
  }
  for (std::thread& t : pool) t.join();
  for (const std::string& e : errors) {
    if (!e.empty()) Die(e);
  }

  const int fd = ::open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) Die(std::string("cannot create ") + argv[2]);
  pq::FdOutputStream out(fd, argv[2]);
  pq::FileWriter writer(&out, schema, options);
  for (auto& g : encoded) {
    if (sscan::Status s = writer.Append(std::move(*g)); !s.ok()) Die(s.message());
  }
  std::vector<pq::KeyValue> kv;
  if (doc.contains("key_value_metadata")) {
    const json& meta = doc.at("key_value_metadata");
    for (auto it = meta.begin(); it != meta.end(); ++it) {
      kv.push_back({it.key(), it.value().get<std::string>()});
    }
  }
  if (sscan::Status s = writer.Finish(kv); !s.ok()) Die(s.message());
  if (::close(fd) != 0) Die("close failed");
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {  // malformed JSON: a test bug, reported plainly
    Die(std::string("bad input: ") + e.what());
  }
}
