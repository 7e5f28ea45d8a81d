// scan_bench — whole scans through the library, as `storage-scanner scan` runs them: the walker
// (getdents64 + statx on N threads) feeding the standard output (row groups encoded to
// Parquet, zstd, the file published by rename). Throughput is reported as items per second,
// one item per row: files (and directories) per second.
//
// The groups of the seed's benchmark suite, each over a tree generated once in a temporary
// directory ($SSCAN_BENCH_DIR, else $TMPDIR, else /tmp) and removed at exit:
//   scan_small_files/{100,500,1000}       one directory of N files of 1 KiB
//   scan_nested/{3,5,7}                   L levels, 3 subdirectories and 5 files per directory
//   parallel_comparison/{1,2,4,8}         a 22,000-entry tree, N threads
//   batch_sizes/{100,1000,10000}          the same tree, N rows per row group
//   max_depth/{2,4,unlimited}             the 7-level tree with --max-depth
// Every scan but parallel_comparison's uses the default options (threads: DefaultThreads()).
// The Parquet file goes to /dev/shm when it exists, so the numbers measure the scan rather
// than the fsync of its output.
//
//   scan_bench [--benchmark_filter=REGEX] [--benchmark_min_time=SECONDS] [...]
//   scripts/run_benchmarks.sh [FILTER]     builds, runs and keeps the results
//
// These are small, warm-cache trees: they show how options and thread counts compare, not the
// kernel's limit. bench/compare_walkers.py measures whole processes on 1M+ files, warm and
// cold, against a reference walker and find, du and gdu.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "cli/scan_options.h"
#include "output/error_records.h"
#include "output/file_system.h"
#include "output/name_resolver.h"
#include "output/output_config.h"
#include "output/output_paths.h"
#include "output/standard_output.h"
#include "walk/walker.h"

namespace {

namespace fs = std::filesystem;
using sscan::Status;

std::string MakeTempDir(const std::string& parent, const char* prefix) {
  std::string tmpl = parent + "/" + prefix + "XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) {
    std::perror(tmpl.c_str());
    std::exit(1);
  }
  return tmpl;
}

std::string TreeParent() {
  for (const char* var : {"SSCAN_BENCH_DIR", "TMPDIR"}) {
    if (const char* v = std::getenv(var); v != nullptr && *v != '\0') return v;
  }
  return "/tmp";
}

// Trees and output directories made by this process, removed at exit.
class Scratch {
 public:
  ~Scratch() {
    std::error_code ec;
    for (const auto& [_, dir] : trees_) fs::remove_all(dir, ec);
    if (!output_dir_.empty()) fs::remove_all(output_dir_, ec);
  }

  // The tree named `key`, made by `make` on first use.
  template <typename Make>
  const std::string& Tree(const std::string& key, Make make) {
    auto it = trees_.find(key);
    if (it != trees_.end()) return it->second;
    std::string dir = MakeTempDir(TreeParent(), "scan_bench_");
    make(dir);
    return trees_.emplace(key, dir).first->second;
  }

  const std::string& OutputDir() {
    if (output_dir_.empty()) {
      struct stat st;
      const bool shm =
          stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0;
      output_dir_ = MakeTempDir(shm ? "/dev/shm" : TreeParent(), "scan_bench_out_");
    }
    return output_dir_;
  }

 private:
  std::map<std::string, std::string> trees_;
  std::string output_dir_;
};

Scratch& scratch() {
  static Scratch s;
  return s;
}

void WriteFile(const std::string& path, size_t bytes) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    std::perror(path.c_str());
    std::exit(1);
  }
  static const std::string kContent(4096, 'x');
  for (size_t left = bytes; left > 0;) {
    const size_t n = std::min(left, kContent.size());
    if (write(fd, kContent.data(), n) != static_cast<ssize_t>(n)) {
      std::perror(path.c_str());
      std::exit(1);
    }
    left -= n;
  }
  close(fd);
}

void MakeDir(const std::string& path) {
  if (mkdir(path.c_str(), 0755) != 0) {
    std::perror(path.c_str());
    std::exit(1);
  }
}

// `levels` levels below the root, each directory holding `subdirs` directories (but the
// last level) and `files` empty files.
void MakeNested(const std::string& dir, int levels, int subdirs, int files) {
  for (int f = 0; f < files; ++f) WriteFile(dir + "/file_" + std::to_string(f) + ".dat", 0);
  if (levels == 0) return;
  for (int d = 0; d < subdirs; ++d) {
    std::string sub = dir + "/dir_" + std::to_string(d);
    MakeDir(sub);
    MakeNested(sub, levels - 1, subdirs, files);
  }
}

const std::string& SmallFilesTree(int files) {
  return scratch().Tree("small_files/" + std::to_string(files), [files](const std::string& d) {
    for (int i = 0; i < files; ++i) WriteFile(d + "/small_" + std::to_string(i) + ".txt", 1024);
  });
}

const std::string& NestedTree(int levels) {
  return scratch().Tree("nested/" + std::to_string(levels),
                        [levels](const std::string& d) { MakeNested(d, levels, 3, 5); });
}

// About 22,000 entries: 20 top-level directories of 10 subdirectories of 100 files.
const std::string& MediumTree() {
  return scratch().Tree("medium", [](const std::string& d) {
    for (int t = 0; t < 20; ++t) {
      std::string top = d + "/top_" + std::to_string(t);
      MakeDir(top);
      MakeNested(top, 1, 10, 100);
    }
  });
}

struct ScanSettings {
  unsigned threads = sscan::cli::DefaultThreads();
  size_t batch_size = 100'000;  // the --batch-size default
  std::optional<uint32_t> max_depth;
};

// One scan, as RunStandard does it. Returns the rows written, or a failure.
sscan::Result<uint64_t> Scan(const std::string& root, const ScanSettings& settings) {
  const sscan::output::OutputPaths paths(scratch().OutputDir() + "/scan.parquet");
  sscan::walk::WalkOptions wo;
  wo.root = root;
  wo.threads = settings.threads;
  wo.max_depth = settings.max_depth;
  sscan::walk::Walker walker(wo, nullptr);
  if (Status s = walker.Prepare(); !s.ok()) return s;

  sscan::output::NameResolver names(true);
  sscan::output::ErrorLogger logger(paths.errors_file());
  sscan::output::OutputConfig config;
  config.fs = sscan::output::PosixFileSystem();
  config.root = root;
  config.rows_per_group = settings.batch_size;
  config.names = &names;
  config.logger = &logger;
  auto sink = sscan::output::StandardOutput::Open(paths, config);
  if (!sink.ok()) return sink.status();
  walker.SetSink(sink->get());
  walker.Run(sscan::walk::WalkStart());
  if (Status f = (*sink)->failure(); !f.ok()) return f;
  if (Status s = (*sink)->Finish({{"scan.root", root}}); !s.ok()) return s;
  return (*sink)->rows();
}

void RunScans(benchmark::State& state, const std::string& root, const ScanSettings& settings) {
  uint64_t rows = 0;
  for (auto _ : state) {
    auto done = Scan(root, settings);
    if (!done.ok()) {
      state.SkipWithError(done.status().message().c_str());
      return;
    }
    rows = *done;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rows));
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["threads"] = settings.threads;
}

void Register(const std::string& name, std::function<void(benchmark::State&)> fn) {
  benchmark::RegisterBenchmark(name.c_str(), std::move(fn))
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();  // the work happens on the walker's threads
}

void RegisterAll() {
  for (int files : {100, 500, 1000}) {
    Register("scan_small_files/" + std::to_string(files), [files](benchmark::State& state) {
      RunScans(state, SmallFilesTree(files), ScanSettings());
    });
  }
  for (int levels : {3, 5, 7}) {
    Register("scan_nested/" + std::to_string(levels), [levels](benchmark::State& state) {
      RunScans(state, NestedTree(levels), ScanSettings());
    });
  }
  for (unsigned threads : {1u, 2u, 4u, 8u}) {
    Register("parallel_comparison/" + std::to_string(threads), [threads](benchmark::State& state) {
      ScanSettings s;
      s.threads = threads;
      RunScans(state, MediumTree(), s);
    });
  }
  for (size_t batch : {100, 1000, 10000}) {
    Register("batch_sizes/" + std::to_string(batch), [batch](benchmark::State& state) {
      ScanSettings s;
      s.batch_size = batch;
      RunScans(state, MediumTree(), s);
    });
  }
  for (int depth : {2, 4, -1}) {
    Register("max_depth/" + (depth < 0 ? std::string("unlimited") : std::to_string(depth)),
             [depth](benchmark::State& state) {
               ScanSettings s;
               if (depth >= 0) s.max_depth = static_cast<uint32_t>(depth);
               RunScans(state, NestedTree(7), s);
             });
  }
}

}  // namespace

int main(int argc, char** argv) {
  RegisterAll();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
