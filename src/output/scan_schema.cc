#include "output/scan_schema.h"

namespace sscan::output {

const parquet::Schema& ScanSchema() {
  using parquet::LogicalType;
  using parquet::PhysicalType;
  using parquet::Repetition;
  constexpr auto kI32 = PhysicalType::kInt32;
  constexpr auto kI64 = PhysicalType::kInt64;
  constexpr auto kBytes = PhysicalType::kByteArray;
  constexpr auto kU = LogicalType::kUnsignedInt;
  constexpr auto kS = LogicalType::kNone;  // plain INT64: every reader's default signed integer
  constexpr auto kStr = LogicalType::kString;
  constexpr auto kReq = Repetition::kRequired;
  constexpr auto kOpt = Repetition::kOptional;
  static const parquet::Schema schema{{
      {"path", kBytes, kStr, kReq},
      {"size", kI64, kU, kReq},
      {"modified_time", kI64, kS, kReq},
      {"accessed_time", kI64, kS, kReq},
      {"created_time", kI64, kS, kOpt},
      {"file_type", kBytes, kStr, kReq},
      {"inode", kI64, kU, kReq},
      {"permissions", kI32, kU, kReq},
      {"parent_path", kBytes, kStr, kReq},
      {"depth", kI32, kU, kReq},
      {"top_level_dir", kBytes, kStr, kReq},
      {"uid", kI32, kU, kReq},
      {"gid", kI32, kU, kReq},
      {"allocated_size", kI64, kU, kReq},
      {"nlink", kI64, kU, kReq},
      {"device", kI64, kU, kReq},
      {"changed_time", kI64, kS, kReq},
      {"symlink_target", kBytes, kStr, kOpt},
      {"path_bytes", kBytes, LogicalType::kNone, kOpt},
      {"owner", kBytes, kStr, kOpt},
      {"group", kBytes, kStr, kOpt},
  }};
  return schema;
}

}  // namespace sscan::output
