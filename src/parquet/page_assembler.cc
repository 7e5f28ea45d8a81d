// page_assembler.cc — see page_assembler.h.
#include "parquet/page_assembler.h"

#include <algorithm>
#include <cstring>

#include "parquet/rle_bit_packed.h"

namespace sscan::parquet {

size_t AppendDefinitionLevels(std::span<const uint8_t> validity, size_t begin, size_t end,
                              ByteBuffer* body) {
  const size_t length_pos = body->size();
  body->AppendLittleEndian<uint32_t>(0);  // patched below
  RleBitPackedEncoder rle(body, 1);
  size_t present = 0;
  if (validity.empty()) {
    rle.PutRepeated(1, end - begin);
    present = end - begin;
  } else {
    // Feed runs, not single levels: directory listings give long runs of present values.
    size_t r = begin;
    while (r < end) {
      const bool valid = validity[r] != 0;
      size_t run_end = r + 1;
      while (run_end < end && (validity[run_end] != 0) == valid) ++run_end;
      rle.PutRepeated(valid ? 1 : 0, run_end - r);
      if (valid) present += run_end - r;
      r = run_end;
    }
  }
  rle.Finish();
  const uint32_t length = static_cast<uint32_t>(body->size() - length_pos - 4);
  std::memcpy(body->data() + length_pos, &length, 4);
  return present;
}

Status PageAssembler::AddPage(format::PageHeader& header, std::span<const uint8_t> body) {
  if (body.size() > INT32_MAX) {
    return Status::Error("parquet: a page of " + std::to_string(body.size()) +
                         " bytes exceeds the format's 2 GiB page limit");
  }
  std::span<const uint8_t> payload = body;
  if (compressor_->codec() != Codec::kUncompressed) {
    compressed_->clear();
    if (Status s = compressor_->Compress(body, compressed_); !s.ok()) return s;
    payload = compressed_->span();
    if (payload.size() > INT32_MAX) {
      return Status::Error("parquet: a compressed page exceeds the format's 2 GiB page limit");
    }
  }
  header.uncompressed_page_size = static_cast<int32_t>(body.size());
  header.compressed_page_size = static_cast<int32_t>(payload.size());
  header_->clear();
  format::SerializePageHeader(header, header_);
  out_->Append(header_->data(), header_->size());
  out_->Append(payload.data(), payload.size());
  total_uncompressed_ += static_cast<int64_t>(header_->size() + body.size());
  total_compressed_ += static_cast<int64_t>(header_->size() + payload.size());

  const format::Encoding enc = header.type == format::PageType::kDictionaryPage
                                   ? format::Encoding::kPlain
                                   : header.data_page.encoding;
  auto it = std::find_if(stats_.begin(), stats_.end(), [&](const format::PageEncodingStats& s) {
    return s.page_type == header.type && s.encoding == enc;
  });
  if (it == stats_.end()) {
    stats_.push_back({header.type, enc, 1});
  } else {
    ++it->count;
  }
  return Status::Ok();
}

Status PageAssembler::AddDictionaryPage(std::span<const uint8_t> body, uint32_t num_entries) {
  dictionary_page_offset_ = static_cast<int64_t>(out_->size());
  format::PageHeader h;
  h.type = format::PageType::kDictionaryPage;
  h.dictionary_page.num_values = static_cast<int32_t>(num_entries);
  return AddPage(h, body);
}

Status PageAssembler::AddDataPage(std::span<const uint8_t> body, uint32_t num_rows,
                                  format::Encoding encoding) {
  if (data_page_offset_ < 0) data_page_offset_ = static_cast<int64_t>(out_->size());
  format::PageHeader h;
  h.type = format::PageType::kDataPage;
  h.data_page.num_values = static_cast<int32_t>(num_rows);
  h.data_page.encoding = encoding;
  return AddPage(h, body);
}

int64_t PageAssembler::first_page_offset() const {
  return dictionary_page_offset_ >= 0 ? dictionary_page_offset_ : data_page_offset_;
}

void PageAssembler::FinishMetaData(format::ColumnMetaData* meta) const {
  meta->total_uncompressed_size = total_uncompressed_;
  meta->total_compressed_size = total_compressed_;
  meta->data_page_offset = data_page_offset_;
  if (dictionary_page_offset_ >= 0) meta->dictionary_page_offset = dictionary_page_offset_;
  meta->encoding_stats = stats_;
  // The encodings list names every encoding in the chunk, levels included: readers check
  // it before decoding. Data-page definition levels are declared RLE even for REQUIRED
  // columns (which carry none), so RLE is always listed.
  meta->encodings.clear();
  auto add = [&](format::Encoding e) {
    if (std::find(meta->encodings.begin(), meta->encodings.end(), e) == meta->encodings.end()) {
      meta->encodings.push_back(e);
    }
  };
  for (const format::PageEncodingStats& s : stats_) add(s.encoding);
  add(format::Encoding::kRle);
}

}  // namespace sscan::parquet
