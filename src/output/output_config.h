// output_config.h — settings shared by the standard and the incremental output.
#pragma once

#include <cstddef>
#include <string>

#include "output/error_records.h"
#include "output/file_system.h"
#include "output/name_resolver.h"
#include "parquet/writer.h"

namespace sscan::output {

struct OutputConfig {
  FileSystem* fs = nullptr;
  std::string root;                // the scan root (raw bytes): what the root row describes
  size_t rows_per_group = 100000;  // --batch-size: rows per Parquet row group
  // Row groups in memory at once (filling + encoding). Bounds memory: each holds up to
  // rows_per_group rows (~200 bytes per row).
  size_t max_builders = 2;
  unsigned file_mode = 0600;  // --output-mode
  parquet::WriterOptions writer;
  NameResolver* names = nullptr;
  ErrorLogger* logger = nullptr;
};

}  // namespace sscan::output
