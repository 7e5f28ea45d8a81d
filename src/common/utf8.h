// utf8.h — UTF-8 validation and lossy repair of raw filesystem bytes.
//
// Linux names are arbitrary bytes; every STRING value we write must be valid UTF-8 (most
// Parquet readers reject anything else, fastparquet silently mangles it). Invalid names are
// repaired with U+FFFD exactly as Python's bytes.decode('utf-8', errors='replace') does — one
// replacement per maximal invalid subpart, the Unicode-recommended practice also used by
// WHATWG — so an analyst comparing with Python sees the same strings; the exact bytes travel
// in the path_bytes column.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace sscan {

// Strict RFC 3629: no overlong forms, surrogates, code points above U+10FFFF, truncated
// sequences or stray continuation bytes.
bool IsValidUtf8(std::string_view bytes);
// Every byte < 0x80 (then any split of the bytes is valid UTF-8).
bool IsAscii(std::string_view bytes);

// Appends `bytes` to `out`, each maximal invalid subpart replaced by U+FFFD (EF BF BD).
void AppendUtf8Replaced(std::string* out, std::string_view bytes);

}  // namespace sscan
