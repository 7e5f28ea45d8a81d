// utf8.h — strict UTF-8 validation (RFC 3629), fast on ASCII.
//
// STRING columns must hold valid UTF-8: most readers reject a file that does not, and
// fastparquet silently mangles it (see shared/notes/parquet-reader-quirks.md). Rejected:
// overlong forms, surrogates (U+D800..U+DFFF), code points above U+10FFFF, truncated
// sequences, stray continuation bytes.
//
// Paths are overwhelmingly ASCII, so the check runs 16 bytes at a time until it meets a
// byte >= 0x80 and only then decodes sequences one by one.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sscan::parquet {

bool IsValidUtf8(const uint8_t* data, size_t size);
// True when every byte is < 0x80 (then the bytes are valid UTF-8, whatever their split).
bool IsAscii(const uint8_t* data, size_t size);

}  // namespace sscan::parquet
