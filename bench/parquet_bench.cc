// parquet_bench — the Parquet writer on 1M scanner-shaped rows (scanner_rows.h), on one core.
//
// Each benchmark encodes all rows in row groups of 122,880 (DuckDB's default, so sizes
// compare) and appends them to a counting sink; it reports rows/s (items_per_second) and
// bytes/row of the finished file. Codecs: none, snappy, zstd at levels 1..3.
//
//   parquet_bench                                   run the benchmarks
//   parquet_bench --dump_parquet=PATH [--level=N]   write the 1M rows (zstd) to PATH, no
//                                                   benchmarks (bench/parquet_vs_duckdb.py)
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "parquet/writer.h"
#include "scanner_rows.h"

namespace {

namespace pq = sscan::parquet;
constexpr size_t kRows = 1'000'000;
constexpr size_t kRowGroup = 122'880;

const sscan::bench::ScannerRows& Rows() {
  static const sscan::bench::ScannerRows rows = sscan::bench::GenerateScannerRows(kRows, 42);
  return rows;
}

class CountingStream final : public pq::OutputStream {
 public:
  sscan::Status Write(const void*, size_t size) override {
    bytes += size;
    return sscan::Status::Ok();
  }
  uint64_t bytes = 0;
};

sscan::Status WriteAll(pq::OutputStream* out, const pq::WriterOptions& options) {
  const auto& rows = Rows();
  pq::FileWriter writer(out, sscan::bench::ScannerSchema(), options);
  for (size_t b = 0; b < rows.num_rows; b += kRowGroup) {
    const size_t e = std::min(rows.num_rows, b + kRowGroup);
    if (sscan::Status s = writer.WriteRowGroup(rows.Slice(b, e)); !s.ok()) return s;
  }
  return writer.Finish({{"scanner_version", "bench"}});
}

void BM_WriteScannerRows(benchmark::State& state, pq::Codec codec, int level) {
  pq::WriterOptions options;
  options.codec = codec;
  options.zstd_level = level;
  Rows();  // generate outside the timing
  uint64_t bytes = 0;
  for (auto _ : state) {
    CountingStream out;
    if (sscan::Status s = WriteAll(&out, options); !s.ok()) {
      state.SkipWithError(s.message().c_str());
      return;
    }
    bytes = out.bytes;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRows));
  state.counters["bytes_per_row"] = static_cast<double>(bytes) / kRows;
  state.counters["file_MB"] = static_cast<double>(bytes) / 1e6;
}

BENCHMARK_CAPTURE(BM_WriteScannerRows, none, pq::Codec::kUncompressed, 0)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2);
BENCHMARK_CAPTURE(BM_WriteScannerRows, snappy, pq::Codec::kSnappy, 0)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2);
BENCHMARK_CAPTURE(BM_WriteScannerRows, zstd_1, pq::Codec::kZstd, 1)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2);
BENCHMARK_CAPTURE(BM_WriteScannerRows, zstd_2, pq::Codec::kZstd, 2)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2);
BENCHMARK_CAPTURE(BM_WriteScannerRows, zstd_3, pq::Codec::kZstd, 3)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2);

int Dump(const char* path, int level) {
  const int fd = ::open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    std::perror(path);
    return 1;
  }
  pq::FdOutputStream out(fd, path);
  pq::WriterOptions options;
  if (level > 0) options.zstd_level = level;
  sscan::Status s = WriteAll(&out, options);
  ::close(fd);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.message().c_str());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* dump = nullptr;
  int level = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--dump_parquet=", 15) == 0) dump = argv[i] + 15;
    if (std::strncmp(argv[i], "--level=", 8) == 0) level = std::atoi(argv[i] + 8);
  }
  if (dump != nullptr) return Dump(dump, level);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
