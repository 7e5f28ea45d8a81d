// scan_schema.h — the columns of a snapshot, in file order, and their Parquet types.
//
// The seed's eleven columns come first with the seed's names and types, then the columns its
// users need (owners, du's figure, hard-link identity, raw bytes of undecodable names).
// Changing this list changes the file format: add columns at the end, never reorder.
#pragma once

#include <cstddef>

#include "parquet/schema.h"

namespace sscan::output {

enum Column : size_t {
  kPath,
  kSize,
  kModifiedTime,
  kAccessedTime,
  kCreatedTime,
  kFileType,
  kInode,
  kPermissions,
  kParentPath,
  kDepth,
  kTopLevelDir,
  kUid,
  kGid,
  kAllocatedSize,
  kNlink,
  kDevice,
  kChangedTime,
  kSymlinkTarget,
  kPathBytes,
  kOwner,
  kGroup,
  kColumnCount
};

const parquet::Schema& ScanSchema();

}  // namespace sscan::output
