#include "output/output_paths.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace sscan::output {
namespace {

TEST(OutputPathsTest, DerivesEveryNameFromTheOutput) {
  OutputPaths p("/snap/lab.parquet");
  EXPECT_EQ(p.dir(), "/snap");
  EXPECT_EQ(p.stem(), "lab");
  EXPECT_EQ(p.chunk_file(1), "/snap/lab_chunk_0001.parquet");
  EXPECT_EQ(p.chunk_file(12345), "/snap/lab_chunk_12345.parquet");
  EXPECT_EQ(p.manifest_file(), "/snap/lab_manifest.json");
  EXPECT_EQ(p.errors_file(), "/snap/lab_errors.jsonl");
  OutputPaths shard("/snap/lab.parquet", 7);
  EXPECT_EQ(shard.chunk_file(2), "/snap/lab_shard0007_chunk_0002.parquet");
  OutputPaths no_ext("/snap/lab.pq");
  EXPECT_EQ(no_ext.stem(), "lab.pq");
}

TEST(OutputPathsTest, RecognisesOwnFilesAndNotLookalikes) {
  OutputPaths p("/snap/scan.parquet");
  for (const char* own :
       {"scan.parquet", "scan_chunk_0001.parquet", "scan_chunk_123456.parquet",
        "scan_manifest.json", "scan_errors.jsonl", "scan_state.bin",
        "scan_shard0003_chunk_0001.parquet", "scan_shard0003_manifest.json",
        ".scan.parquet.tmp-123", ".scan_chunk_0002.parquet.tmp-9", ".scan.x.tmp-42"}) {
    EXPECT_TRUE(p.IsOwnOutput(own)) << own;
  }
  for (const char* other :
       {"scan", "scan_notes.txt", "scan_chunk_1.parquet", "scan_chunk_0001.parquet.bak",
        "scanner.parquet", ".scan.tmp-", ".scan.tmp-12a", "other_chunk_0001.parquet",
        "scan_shard01_chunk_0001.parquet"}) {
    EXPECT_FALSE(p.IsOwnOutput(other)) << other;
  }
}

TEST(OutputPathsTest, StaleTempsAreOnlyThisShardsAndOnlyOfDeadWriters) {
  OutputPaths shard("/snap/scan.parquet", 1);
  EXPECT_TRUE(shard.IsStaleTemp(".scan_shard0001_chunk_0001.parquet.tmp-999999999"));
  // Another shard's temporary file may belong to a live process on another node.
  EXPECT_FALSE(shard.IsStaleTemp(".scan_shard0002_chunk_0001.parquet.tmp-999999999"));
  // Our own live process keeps its file.
  EXPECT_FALSE(shard.IsStaleTemp(".scan_shard0001_manifest.json.tmp-" + std::to_string(getpid())));
}

}  // namespace
}  // namespace sscan::output
