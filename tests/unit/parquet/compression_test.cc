// Tests for PageCompressor's two zstd searches (compression.h) and for the byte-array
// writer's choice between them: every page decompresses to its input, the choice follows the
// data, and other levels and codecs are untouched.
#include "parquet/compression.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "parquet/encoded_row_group.h"
#include "parquet/writer.h"

namespace sscan::parquet {
namespace {

using Search = PageCompressor::Search;

const std::vector<std::string> kWords = {"data",    "run",   "results", "sample", "model",
                                         "raw",     "tmp",   "output",  "frame",  "slice",
                                         "figures", "cache", "build",   "node",   "tile"};
const std::vector<std::string> kExts = {".csv", ".h5", ".log", ".txt", ".nc", ".py", ".tif", ""};

// Paths in the order a scan writes them: a directory's entries, then each subdirectory's, so
// neighbours share their ancestors; names of varied shapes and lengths (deterministic).
std::vector<std::string> TreePaths(size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto name = [&] {
    const std::string& w = kWords[rng() % kWords.size()];
    switch (rng() % 4) {
      case 0:
        return w + std::to_string(rng() % 100);
      case 1:
        return w + std::to_string(rng() % 3) + "_" + std::to_string(rng() % 10000);
      case 2:
        return w + "-" + std::to_string(rng() % 50);
      default:
        return w + "_" + std::to_string(rng() % 1000);
    }
  };
  std::vector<std::string> paths;
  std::function<void(const std::string&, int)> walk = [&](const std::string& dir, int depth) {
    if (paths.size() >= count) return;
    std::vector<std::string> dirs;
    const size_t files = 1 + rng() % 40;
    for (size_t i = 0; i < files; ++i)
      paths.push_back(dir + "/" + name() + kExts[rng() % kExts.size()]);
    const size_t subdirs = depth < 6 ? rng() % 6 : 0;
    for (size_t i = 0; i < subdirs; ++i) {
      dirs.push_back(dir + "/" + name());
      paths.push_back(dirs.back());
    }
    for (const std::string& d : dirs) walk(d, depth + 1);
  };
  while (paths.size() < count) walk("/gpfs/projects/lab" + std::to_string(rng() % 20), 0);
  paths.resize(count);
  return paths;
}

// Instrument output: directories of fixed-width numbered files listed in hash order (as ext4,
// XFS and Lustre list large directories), where level 1's repeat offsets win.
std::vector<std::string> NumberedPaths(size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> paths;
  while (paths.size() < count) {
    std::string dir = "/gpfs/research";
    for (int d = 0; d < 3; ++d)
      dir += "/" + kWords[rng() % kWords.size()] + std::to_string(rng() % 40);
    std::vector<int> numbers(1 + rng() % 200);
    for (size_t i = 0; i < numbers.size(); ++i) numbers[i] = static_cast<int>(i);
    std::shuffle(numbers.begin(), numbers.end(), rng);
    const std::string stem = dir + "/" + kWords[rng() % kWords.size()] + "_";
    for (int n : numbers) {
      std::string digits = std::to_string(n);
      digits.insert(0, 6 - digits.size(), '0');
      paths.push_back(stem + digits + ".tif");
    }
  }
  paths.resize(count);
  return paths;
}

std::vector<uint8_t> PlainPage(const std::vector<std::string>& values) {
  ByteBuffer page;
  for (const std::string& v : values) {
    page.AppendLittleEndian(static_cast<uint32_t>(v.size()));
    page.Append(v);
  }
  return {page.span().begin(), page.span().end()};
}

std::vector<uint8_t> Compress(PageCompressor& c, Search search, const std::vector<uint8_t>& in) {
  c.set_search(search);
  ByteBuffer out;
  EXPECT_TRUE(c.Compress(in, &out).ok());
  return {out.span().begin(), out.span().end()};
}

std::vector<uint8_t> Decompress(const std::vector<uint8_t>& frame, size_t size) {
  std::vector<uint8_t> out(size + 1);
  const size_t n = ZSTD_decompress(out.data(), out.size(), frame.data(), frame.size());
  EXPECT_FALSE(ZSTD_isError(n)) << ZSTD_getErrorName(n);
  out.resize(ZSTD_isError(n) ? 0 : n);
  return out;
}

TEST(PageCompressorTest, EverySearchAndLevelRoundTrips) {
  const std::vector<uint8_t> page = PlainPage(TreePaths(5000, 1));
  for (int level : {-1, 1, 3}) {
    PageCompressor c(Codec::kZstd, level);
    for (Search search : {Search::kLevel, Search::kLongMatches, Search::kLevel}) {
      EXPECT_EQ(Decompress(Compress(c, search, page), page.size()), page)
          << "level " << level << " search " << static_cast<int>(search);
    }
  }
}

TEST(PageCompressorTest, LongMatchesPayOnTreesAndNotOnNumberedNames) {
  PageCompressor c(Codec::kZstd, WriterOptions{}.zstd_level);
  ASSERT_TRUE(c.has_search_choice());
  for (uint64_t seed : {1, 2, 3}) {
    const std::vector<uint8_t> tree = PlainPage(TreePaths(20000, seed));
    EXPECT_LT(Compress(c, Search::kLongMatches, tree).size(),
              Compress(c, Search::kLevel, tree).size())
        << "seed " << seed;
    const std::vector<uint8_t> numbered = PlainPage(NumberedPaths(20000, seed));
    EXPECT_GT(Compress(c, Search::kLongMatches, numbered).size(),
              Compress(c, Search::kLevel, numbered).size())
        << "seed " << seed;
  }
}

TEST(PageCompressorTest, OtherLevelsAndCodecsHaveOneSearch) {
  const std::vector<uint8_t> page = PlainPage(TreePaths(5000, 4));
  for (auto [codec, level] : {std::pair{Codec::kZstd, 3}, std::pair{Codec::kZstd, -1},
                              std::pair{Codec::kSnappy, 1}, std::pair{Codec::kUncompressed, 1}}) {
    PageCompressor c(codec, level);
    EXPECT_FALSE(c.has_search_choice());
    EXPECT_EQ(Compress(c, Search::kLongMatches, page), Compress(c, Search::kLevel, page));
  }
}

// The byte-array writer's choice (ChooseSearch), seen in the column chunk's size.
size_t ChunkBytes(const std::vector<std::string>& paths) {
  std::vector<uint32_t> offsets{0};
  std::vector<uint8_t> data;
  for (const std::string& p : paths) {
    data.insert(data.end(), p.begin(), p.end());
    offsets.push_back(static_cast<uint32_t>(data.size()));
  }
  ColumnData c;
  c.offsets = offsets;
  c.data = data;
  RowGroupData g;
  g.num_rows = paths.size();
  g.columns.push_back(c);
  WriterOptions o;
  o.enable_dictionary = false;
  const Schema schema{
      {ColumnSpec{"path", PhysicalType::kByteArray, LogicalType::kString, Repetition::kRequired}}};
  Result<EncodedRowGroup> r = EncodeRowGroup(schema, o, g);
  EXPECT_TRUE(r.ok());
  return r.ok() ? static_cast<size_t>(r->impl()->columns[0].meta_data.total_compressed_size) : 0;
}

// The same pages (cut as the writer cuts them: at the first value that fills
// data_page_size), each compressed with level 1's search; and how many there are.
size_t Level1Bytes(const std::vector<std::string>& paths, size_t* pages) {
  const size_t page_size = WriterOptions{}.data_page_size;
  PageCompressor c(Codec::kZstd, 1);
  size_t total = 0;
  *pages = 0;
  for (size_t r = 0; r < paths.size();) {
    std::vector<std::string> page;
    size_t bytes = 0;
    for (; r < paths.size() && bytes < page_size; ++r) {
      bytes += 4 + paths[r].size();
      page.push_back(paths[r]);
    }
    total += Compress(c, Search::kLevel, PlainPage(page)).size();
    ++*pages;
  }
  return total;
}

TEST(ByteArrayColumnTest, PlainPagesTakeTheSearchTheirSamplesPrefer) {
  constexpr size_t kHeaderSlack = 64;  // a data page header is ~20 bytes
  for (uint64_t seed : {1, 2, 3}) {
    size_t pages = 0;
    const std::vector<std::string> tree = TreePaths(60000, seed);
    const size_t tree_level1 = Level1Bytes(tree, &pages);
    ASSERT_GE(pages, 2u);
    EXPECT_LT(ChunkBytes(tree) + pages * kHeaderSlack, tree_level1) << "seed " << seed;
    const std::vector<std::string> numbered = NumberedPaths(60000, seed);
    const size_t numbered_level1 = Level1Bytes(numbered, &pages);
    EXPECT_LE(ChunkBytes(numbered), numbered_level1 + pages * kHeaderSlack) << "seed " << seed;
  }
}

TEST(ByteArrayColumnTest, ChunksOfLessThanAPageKeepLevelOne) {
  // Tree paths, where long matches would pay, but under 1 MiB in all: not worth the samples.
  size_t pages = 0;
  const std::vector<std::string> tree = TreePaths(10000, 5);
  const size_t level1 = Level1Bytes(tree, &pages);
  ASSERT_EQ(pages, 1u);
  const size_t chunk = ChunkBytes(tree);
  EXPECT_GE(chunk, level1);
  EXPECT_LE(chunk, level1 + 64);
}

}  // namespace
}  // namespace sscan::parquet
