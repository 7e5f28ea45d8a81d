// json_limits.h — checks on untrusted JSON text before it reaches a recursive parser.
//
// The manifest and the plan are files anyone with write access to the output directory can
// edit. nlohmann::json parses, copies and prints nested values recursively: a few hundred
// thousand '[' overflow the stack. Checking the nesting depth first, in one flat pass, turns
// that crash into a refusal ("damaged").
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

namespace sscan {

// The deepest nesting of arrays and objects in `text`, ignoring brackets inside strings.
// Stops counting (returns limit + 1) once `limit` is exceeded.
size_t JsonNestingDepth(std::string_view text, size_t limit);

// Whether `relative` is a clean path below a root: not absolute, no NUL byte, no empty, "."
// or ".." component (so joined to the root it cannot name anything outside it). "" is the
// root.
bool IsCleanRelativePath(std::string_view relative);

}  // namespace sscan
