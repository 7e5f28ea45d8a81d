// number_format.h — numbers on the command line mean what they look like.
//
// CLI11 2.1 converts "010" as octal (8) and "0x10" as hex (16): --max-depth 010 would keep 8
// levels. These validators run on the text before conversion and accept plain decimal only
// ("007" is 7), refusing the rest as a usage error that names the value.
//
// Thread safety: plain factory functions.
#pragma once

#include <CLI/CLI.hpp>

namespace sscan::cli {

// An integer in decimal, optionally negative (the range check that follows refuses negatives
// where they make no sense, with its own message).
CLI::Validator DecimalInteger();
// A decimal number with an optional fraction ("0.5", "10"): no hex floats, no nan/inf.
CLI::Validator DecimalNumber();

}  // namespace sscan::cli
