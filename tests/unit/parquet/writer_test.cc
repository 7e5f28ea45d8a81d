// EncodeRowGroup and FileWriter: input validation (fails without side effects), error
// propagation from the OutputStream (errno kept), file layout, PLAIN bytes, dictionary
// compaction, and reentrancy.
#include "parquet/writer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "parquet/encoded_row_group.h"
#include "parquet/rle_bit_packed.h"

namespace sscan::parquet {
namespace {

// An encoded row group's bytes, its parts joined (what Append writes).
std::string BytesOf(const EncodedRowGroup& r) {
  std::string out;
  for (const ByteBuffer& part : r.impl()->parts) out.append(part.view());
  EXPECT_EQ(out.size(), r.byte_size());
  return out;
}

class MemoryStream : public OutputStream {
 public:
  Status Write(const void* data, size_t size) override {
    if (fail_after_writes >= 0 && writes++ >= fail_after_writes) {
      return Status::FromErrno("write", "/out/file.parquet", ENOSPC);
    }
    bytes.append(static_cast<const char*>(data), size);
    return Status::Ok();
  }
  std::string bytes;
  int writes = 0;
  int fail_after_writes = -1;  // fail every write from this one on
};

Schema OneColumn(PhysicalType p, LogicalType l, Repetition r = Repetition::kRequired) {
  return Schema{{ColumnSpec{"c", p, l, r}}};
}

struct Strings {  // plain-form byte arrays
  std::vector<uint32_t> offsets{0};
  std::vector<uint8_t> data;
  explicit Strings(const std::vector<std::string>& v) {
    for (const std::string& s : v) {
      data.insert(data.end(), s.begin(), s.end());
      offsets.push_back(static_cast<uint32_t>(data.size()));
    }
  }
  ColumnData Column() const {
    ColumnData c;
    c.offsets = offsets;
    c.data = data;
    return c;
  }
};

RowGroupData Rows(uint64_t n, ColumnData c) {
  RowGroupData g;
  g.num_rows = n;
  g.columns.push_back(c);
  return g;
}

std::string Error(const Schema& s, const RowGroupData& g) {
  Result<EncodedRowGroup> r = EncodeRowGroup(s, WriterOptions{}, g);
  return r.ok() ? "" : r.status().message();
}

TEST(EncodeRowGroup, RejectsBadOffsets) {
  const Schema s = OneColumn(PhysicalType::kByteArray, LogicalType::kString);
  Strings str({"ab", "cd"});
  ColumnData c = str.Column();
  std::vector<uint32_t> backwards = {0, 3, 2};
  c.offsets = backwards;
  EXPECT_NE(Error(s, Rows(2, c)).find("out of order"), std::string::npos);
  std::vector<uint32_t> past_end = {0, 2, 9};
  c.offsets = past_end;
  EXPECT_NE(Error(s, Rows(2, c)).find("past the end"), std::string::npos);
  c = str.Column();
  EXPECT_NE(Error(s, Rows(3, c)).find("expected 4 offsets"), std::string::npos);
}

TEST(EncodeRowGroup, RejectsBadDictionaryIndex) {
  const Schema s = OneColumn(PhysicalType::kByteArray, LogicalType::kString);
  Strings dict({"x", "y"});
  std::vector<uint32_t> indices = {0, 1, 2};
  ColumnData c;
  c.dict_offsets = dict.offsets;
  c.dict_data = dict.data;
  c.indices = indices;
  const std::string e = Error(s, Rows(3, c));
  EXPECT_NE(e.find("row 2: dictionary index 2 >= dictionary size 2"), std::string::npos) << e;
  // The same index on a null row is ignored (a null row's slot means nothing).
  const Schema opt =
      OneColumn(PhysicalType::kByteArray, LogicalType::kString, Repetition::kOptional);
  std::vector<uint8_t> validity = {1, 1, 0};
  c.validity = validity;
  EXPECT_EQ(Error(opt, Rows(3, c)), "");
}

TEST(EncodeRowGroup, RejectsInvalidUtf8OnlyInStringColumns) {
  Strings str({"fine", "bad\xC3\x28", "x"});
  const Schema s = OneColumn(PhysicalType::kByteArray, LogicalType::kString);
  EXPECT_NE(Error(s, Rows(3, str.Column())).find("row 1 is not valid UTF-8"), std::string::npos);
  const Schema binary = OneColumn(PhysicalType::kByteArray, LogicalType::kNone);
  EXPECT_EQ(Error(binary, Rows(3, str.Column())), "");
}

TEST(EncodeRowGroup, RejectsShapeErrors) {
  std::vector<int64_t> v = {1, 2, 3};
  ColumnData c;
  c.int64_values = v;
  // int64 values for an INT32 column, too few values, a null in a REQUIRED column.
  EXPECT_NE(Error(OneColumn(PhysicalType::kInt32, LogicalType::kNone), Rows(3, c)), "");
  EXPECT_NE(Error(OneColumn(PhysicalType::kInt64, LogicalType::kNone), Rows(4, c)), "");
  std::vector<uint8_t> validity = {1, 0, 1};
  c.validity = validity;
  EXPECT_NE(Error(OneColumn(PhysicalType::kInt64, LogicalType::kNone), Rows(3, c)).find("REQUIRED"),
            std::string::npos);
  // A STRING annotation on an integer, and a row group with the wrong column count.
  EXPECT_NE(Error(OneColumn(PhysicalType::kInt64, LogicalType::kString), Rows(3, c)), "");
  RowGroupData two = Rows(3, c);
  two.columns.push_back(c);
  EXPECT_NE(Error(OneColumn(PhysicalType::kInt64, LogicalType::kNone, Repetition::kOptional), two),
            "");
}

TEST(FileWriter, ZeroRowsIsAValidFile) {
  MemoryStream out;
  FileWriter w(&out, OneColumn(PhysicalType::kInt64, LogicalType::kUnsignedInt), {});
  ASSERT_TRUE(w.Append(EncodeRowGroup(OneColumn(PhysicalType::kInt64, LogicalType::kUnsignedInt),
                                      {}, Rows(0, ColumnData{}))
                           .value())
                  .ok());
  ASSERT_TRUE(w.Finish({{"k", "v"}}).ok());
  const std::string& f = out.bytes;
  ASSERT_GE(f.size(), 12u);
  EXPECT_EQ(f.substr(0, 4), "PAR1");
  EXPECT_EQ(f.substr(f.size() - 4), "PAR1");
  uint32_t footer = 0;
  std::memcpy(&footer, f.data() + f.size() - 8, 4);
  EXPECT_EQ(footer + 12, f.size());  // magic + footer + length + magic
  EXPECT_EQ(w.rows_written(), 0u);
  EXPECT_EQ(w.bytes_written(), f.size());
}

TEST(FileWriter, OutputErrorsPropagateWithErrno) {
  std::vector<int64_t> v = {1, 2, 3};
  ColumnData c;
  c.int64_values = v;
  const Schema s = OneColumn(PhysicalType::kInt64, LogicalType::kSignedInt);
  MemoryStream out;
  out.fail_after_writes = 1;  // "PAR1" goes through, the row group does not
  FileWriter w(&out, s, {});
  const Status st = w.WriteRowGroup(Rows(3, c));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error_number(), ENOSPC);
  EXPECT_NE(st.message().find("/out/file.parquet"), std::string::npos);
  // The failure is sticky: the file cannot be finished into something that looks whole.
  const Status fin = w.Finish({});
  EXPECT_FALSE(fin.ok());
  EXPECT_EQ(fin.error_number(), ENOSPC);
}

TEST(FileWriter, FdOutputStreamReportsEnospc) {
  const int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  if (fd < 0) GTEST_SKIP() << "/dev/full is not available";
  FdOutputStream out(fd, "/dev/full");
  FileWriter w(&out, OneColumn(PhysicalType::kInt64, LogicalType::kNone), {});
  const Status st = w.Finish({});
  ::close(fd);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error_number(), ENOSPC);
  EXPECT_NE(st.message().find("/dev/full"), std::string::npos);
}

TEST(EncodeRowGroup, PlainInt32PageHoldsTheValues) {
  std::vector<int32_t> v = {1, -2, 0x01020304};
  ColumnData c;
  c.int32_values = v;
  WriterOptions o;
  o.codec = Codec::kUncompressed;
  o.enable_dictionary = false;
  o.enable_delta = false;
  Result<EncodedRowGroup> r =
      EncodeRowGroup(OneColumn(PhysicalType::kInt32, LogicalType::kSignedInt), o, Rows(3, c));
  ASSERT_TRUE(r.ok());
  const std::string bytes = BytesOf(*r);
  // The page body (after the header) is the three values, 4 bytes little-endian each, and
  // no definition levels (REQUIRED column).
  ASSERT_GT(bytes.size(), 12u);
  const std::string body = bytes.substr(bytes.size() - 12);
  EXPECT_EQ(body, std::string("\x01\x00\x00\x00\xFE\xFF\xFF\xFF\x04\x03\x02\x01", 12));
  const format::ColumnMetaData& m = r->impl()->columns[0].meta_data;
  EXPECT_EQ(m.num_values, 3);
  EXPECT_EQ(m.total_compressed_size, static_cast<int64_t>(bytes.size()));
  EXPECT_FALSE(m.dictionary_page_offset.has_value());
  EXPECT_EQ(*m.statistics.null_count, 0);
}

TEST(EncodeRowGroup, DictionaryFormIsCompactedToUsedEntries) {
  Strings dict({"/used/a", "/never/used", "/used/b"});
  std::vector<uint32_t> indices = {0, 2, 2, 0, 2};
  ColumnData c;
  c.dict_offsets = dict.offsets;
  c.dict_data = dict.data;
  c.indices = indices;
  WriterOptions o;
  o.codec = Codec::kUncompressed;
  Result<EncodedRowGroup> r =
      EncodeRowGroup(OneColumn(PhysicalType::kByteArray, LogicalType::kString), o, Rows(5, c));
  ASSERT_TRUE(r.ok());
  const std::string bytes = BytesOf(*r);
  EXPECT_NE(bytes.find("/used/a"), std::string::npos);
  EXPECT_EQ(bytes.find("/never/used"), std::string::npos);
  const format::ColumnMetaData& m = r->impl()->columns[0].meta_data;
  ASSERT_TRUE(m.dictionary_page_offset.has_value());
  EXPECT_EQ(*m.statistics.min_value, "/used/a");
  EXPECT_EQ(*m.statistics.max_value, "/used/b");
}

// Dictionary indices are written in whichever run layout is smaller after compression (here
// none, so smaller as they are): RLE runs only for parent-directory-like indices (short runs,
// each index one more than the last), the bit-packed hybrid for indices without runs.
TEST(EncodeRowGroup, DictionaryIndicesTakeTheSmallerRunLayout) {
  std::vector<std::string> names;
  for (int i = 0; i < 3000; ++i) names.push_back("/d/" + std::to_string(i));
  Strings dict(names);
  std::vector<uint32_t> runs;  // 0 x1, 1 x2, ... 7 x8, 8 x1, ...: short runs, increasing
  for (uint32_t i = 0; runs.size() < 12000; ++i) runs.insert(runs.end(), 1 + i % 8, i);
  std::vector<uint32_t> scattered;  // 8 entries, never twice in a row
  for (uint32_t i = 0; i < 12000; ++i) scattered.push_back((i * 5 + i / 8) % 8);
  for (const std::vector<uint32_t>* indices : {&runs, &scattered}) {
    ColumnData c;
    c.dict_offsets = dict.offsets;
    c.dict_data = dict.data;
    c.indices = *indices;
    WriterOptions o;
    o.codec = Codec::kUncompressed;
    Result<EncodedRowGroup> r = EncodeRowGroup(
        OneColumn(PhysicalType::kByteArray, LogicalType::kString), o, Rows(indices->size(), c));
    ASSERT_TRUE(r.ok());
    // The writer compacts the dictionary to the entries used, in order of first use: both
    // inputs already are, so the written indices are the input's.
    const uint32_t used = *std::max_element(indices->begin(), indices->end()) + 1;
    const int width = std::bit_width(used - 1);
    ByteBuffer hybrid;
    RleBitPackedEncoder e(&hybrid, width);
    e.PutValues(indices->data(), indices->size());
    e.Finish();
    ByteBuffer runs_only;
    EncodeRleRuns(*indices, width, &runs_only);
    const bool want_runs = indices == &runs;
    ASSERT_EQ(runs_only.size() < hybrid.size(), want_runs);  // the premise of each case
    std::string body(1, static_cast<char>(width));
    body.append(want_runs ? runs_only.view() : hybrid.view());
    const std::string bytes = BytesOf(*r);
    EXPECT_EQ(bytes.substr(bytes.size() - body.size()), body) << (want_runs ? "runs" : "hybrid");
  }
}

// The file a prefixed column makes is byte for byte the file of the joined values in plain
// form: pages (cut across many pages here), statistics, nulls. Prefixes alternate row by row,
// or come in runs (a directory's entries, as the scanner writes them).
void ExpectPrefixedFormWritesThePlainForm(bool runs) {
  Strings prefixes({"/scan/root", "/", "/scan/root/a\xC3\xA9", "/zz"});
  std::vector<std::string> suffixes;
  std::vector<std::string> joined;
  std::vector<uint32_t> indices;
  std::vector<uint8_t> validity;
  const std::vector<std::string> prefix_values = {"/scan/root", "/", "/scan/root/a\xC3\xA9", "/zz"};
  for (uint32_t i = 0; i < 5000; ++i) {
    const uint32_t j = runs ? (i / 50 + i / 1234) % 4 : (i * 7) % 4;
    std::string suffix(j == 1 ? "" : "/");
    suffix.append("name_");
    suffix.append(std::to_string(i * 31 % 997));
    if (i == 17) suffix.clear();  // a value that is its prefix alone
    indices.push_back(j);
    validity.push_back(i % 13 == 5 ? 0 : 1);
    suffixes.push_back(suffix);
    joined.push_back(prefix_values[j] + suffix);
  }
  Strings suffix_data(suffixes);
  Strings joined_data(joined);
  for (Repetition rep : {Repetition::kRequired, Repetition::kOptional}) {
    const Schema s = OneColumn(PhysicalType::kByteArray, LogicalType::kString, rep);
    ColumnData prefixed = suffix_data.Column();
    prefixed.dict_offsets = prefixes.offsets;
    prefixed.dict_data = prefixes.data;
    prefixed.indices = indices;
    ColumnData plain = joined_data.Column();
    if (rep == Repetition::kOptional) prefixed.validity = plain.validity = validity;
    ASSERT_TRUE(prefixed.is_prefixed_form() && !prefixed.is_dictionary_form());
    WriterOptions o;
    o.data_page_size = 4096;  // many pages
    auto encode = [&](const ColumnData& c) {
      MemoryStream out;
      FileWriter w(&out, s, o);
      EXPECT_TRUE(w.WriteRowGroup(Rows(joined.size(), c)).ok());
      EXPECT_TRUE(w.Finish({}).ok());
      return out.bytes;
    };
    EXPECT_EQ(encode(prefixed), encode(plain));
  }
}

TEST(EncodeRowGroup, PrefixedFormWritesExactlyThePlainFormOfTheJoinedValues) {
  for (const bool runs : {false, true}) {
    SCOPED_TRACE(runs ? "runs" : "alternating");
    ExpectPrefixedFormWritesThePlainForm(runs);
  }
}

TEST(EncodeRowGroup, PrefixedFormIsValidatedLikeBothOthers) {
  const Schema s = OneColumn(PhysicalType::kByteArray, LogicalType::kString);
  Strings prefixes({"/a", "/b"});
  Strings suffixes({"/x", "/y"});
  std::vector<uint32_t> indices = {0, 2};  // 2: past the dictionary
  ColumnData c = suffixes.Column();
  c.dict_offsets = prefixes.offsets;
  c.dict_data = prefixes.data;
  c.indices = indices;
  EXPECT_NE(Error(s, Rows(2, c)).find("dictionary index 2"), std::string::npos);
  indices = {0, 1};
  Strings bad_suffix({"/x", "\xFF"});
  ColumnData d = bad_suffix.Column();
  d.dict_offsets = prefixes.offsets;
  d.dict_data = prefixes.data;
  d.indices = indices;
  EXPECT_NE(Error(s, Rows(2, d)).find("not valid UTF-8"), std::string::npos);
  Strings bad_prefix({"/a", "\xC3"});
  ColumnData e = suffixes.Column();
  e.dict_offsets = bad_prefix.offsets;
  e.dict_data = bad_prefix.data;
  e.indices = indices;
  EXPECT_NE(Error(s, Rows(2, e)).find("not valid UTF-8"), std::string::npos);
}

TEST(EncodeRowGroup, ReentrantAcrossThreads) {
  std::vector<int64_t> v(20000);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int64_t>(i * i % 1000);
  std::vector<std::string> names;
  for (size_t i = 0; i < v.size(); ++i) names.push_back("/p/" + std::to_string(i % 700));
  Strings str(names);
  const Schema s{
      {ColumnSpec{"i", PhysicalType::kInt64, LogicalType::kNone, Repetition::kRequired},
       ColumnSpec{"s", PhysicalType::kByteArray, LogicalType::kNone, Repetition::kRequired}}};
  RowGroupData g;
  g.num_rows = v.size();
  ColumnData ci;
  ci.int64_values = v;
  g.columns = {ci, str.Column()};
  std::vector<std::string> out(4);
  std::vector<std::thread> threads;
  threads.reserve(out.size());
  for (std::string& slot : out) {
    threads.emplace_back([&s, &g, &slot] {
      Result<EncodedRowGroup> r = EncodeRowGroup(s, WriterOptions{}, g);
      if (r.ok()) slot = BytesOf(*r);
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_FALSE(out[0].empty());
  for (const std::string& o : out) EXPECT_EQ(o, out[0]);
}

// Columns encoded alone, on their own threads and contexts, in any order, and joined: the
// same file as EncodeRowGroup's, byte for byte.
TEST(EncodeColumn, JoinedColumnsAreExactlyTheRowGroup) {
  const size_t n = 30000;
  std::vector<int64_t> big(n);
  std::vector<int32_t> small(n);
  std::vector<uint8_t> validity(n);
  std::vector<std::string> names;
  std::vector<uint32_t> parents(n);
  for (size_t i = 0; i < n; ++i) {
    big[i] = static_cast<int64_t>(i * 2654435761u % 100000);
    small[i] = static_cast<int32_t>(i % 17);
    validity[i] = i % 11 == 3 ? 0 : 1;
    names.push_back("/f" + std::to_string(i));
    parents[i] = static_cast<uint32_t>(i / 1000 % 3);
  }
  Strings suffixes(names);
  Strings dirs({"/a", "/a/b", "/c"});
  const Schema schema{
      {ColumnSpec{"big", PhysicalType::kInt64, LogicalType::kNone, Repetition::kOptional},
       ColumnSpec{"small", PhysicalType::kInt32, LogicalType::kSignedInt, Repetition::kRequired},
       ColumnSpec{"path", PhysicalType::kByteArray, LogicalType::kString, Repetition::kRequired},
       ColumnSpec{"dir", PhysicalType::kByteArray, LogicalType::kString, Repetition::kRequired}}};
  RowGroupData g;
  g.num_rows = n;
  ColumnData c0;
  c0.int64_values = big;
  c0.validity = validity;
  ColumnData c1;
  c1.int32_values = small;
  ColumnData c2 = suffixes.Column();
  c2.dict_offsets = dirs.offsets;
  c2.dict_data = dirs.data;
  c2.indices = parents;
  ColumnData c3;
  c3.dict_offsets = dirs.offsets;
  c3.dict_data = dirs.data;
  c3.indices = parents;
  g.columns = {c0, c1, c2, c3};
  WriterOptions o;
  o.data_page_size = 8192;

  auto file_of = [&](EncodedRowGroup rg) {
    MemoryStream out;
    FileWriter w(&out, schema, o);
    EXPECT_TRUE(w.Append(std::move(rg)).ok());
    EXPECT_TRUE(w.Finish({}).ok());
    return out.bytes;
  };
  Result<EncodedRowGroup> whole = EncodeRowGroup(schema, o, g);
  ASSERT_TRUE(whole.ok());
  std::vector<EncodedColumn> columns(schema.columns.size());
  std::vector<std::thread> threads;
  for (size_t i : {3u, 0u, 2u, 1u}) {
    threads.emplace_back([&, i] {
      EncoderContext context(o);
      Result<EncodedColumn> c = EncodeColumn(schema, o, g, i, &context);
      ASSERT_TRUE(c.ok()) << c.status().message();
      columns[i] = std::move(c).value();
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(file_of(JoinColumns(n, std::move(columns))), file_of(std::move(whole).value()));

  // One context reused for every column (and row group) gives the same bytes again.
  EncoderContext reused(o);
  for (int round = 0; round < 2; ++round) {
    std::vector<EncodedColumn> again;
    for (size_t i = 0; i < schema.columns.size(); ++i) {
      again.push_back(std::move(EncodeColumn(schema, o, g, i, &reused)).value());
    }
    Result<EncodedRowGroup> whole_again = EncodeRowGroup(schema, o, g);
    EXPECT_EQ(file_of(JoinColumns(n, std::move(again))), file_of(std::move(whole_again).value()));
  }
}

TEST(EncodeColumn, ChecksItsColumnAndTheShape) {
  const Schema s = OneColumn(PhysicalType::kInt64, LogicalType::kNone);
  std::vector<int64_t> v = {1, 2};
  ColumnData c;
  c.int64_values = v;
  EncoderContext context(WriterOptions{});
  EXPECT_FALSE(EncodeColumn(s, WriterOptions{}, Rows(3, c), 0, &context).ok());
  EXPECT_FALSE(EncodeColumn(s, WriterOptions{}, Rows(2, c), 1, &context).ok());
  EXPECT_TRUE(EncodeColumn(s, WriterOptions{}, Rows(2, c), 0, &context).ok());
}

TEST(FileWriter, RowCountsAddUp) {
  std::vector<int64_t> v = {1, 2, 3, 4, 5};
  ColumnData c;
  c.int64_values = v;
  const Schema s = OneColumn(PhysicalType::kInt64, LogicalType::kNone);
  MemoryStream out;
  FileWriter w(&out, s, {});
  ASSERT_TRUE(w.WriteRowGroup(Rows(5, c)).ok());
  c.int64_values = std::span<const int64_t>(v).first(2);
  ASSERT_TRUE(w.WriteRowGroup(Rows(2, c)).ok());
  ASSERT_TRUE(w.Finish({}).ok());
  EXPECT_EQ(w.rows_written(), 7u);
  EXPECT_FALSE(w.Append(EncodedRowGroup()).ok() && w.Finish({}).ok());  // finished
}

}  // namespace
}  // namespace sscan::parquet
