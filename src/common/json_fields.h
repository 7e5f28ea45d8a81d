// json_fields.h — reading and writing JSON fields (manifest, plan) with messages that name them.
//
// Every accessor throws JsonFieldError naming the field and where it was expected; the
// parsers (ParseManifest, ParsePlan) catch it at their edge and turn it into a Status, so a
// damaged file is refused with one line that says what is wrong. Raw byte strings that are not
// UTF-8 are written as "<key>" (repaired) plus "<key>_b64" (exact), the manifest's convention.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace sscan::json {

using Json = nlohmann::ordered_json;

struct JsonFieldError {
  std::string message;
};

void PutBytes(Json* obj, const std::string& key, const std::string& raw);

const Json& Field(const Json& obj, const char* key, const std::string& where);
uint64_t U64(const Json& obj, const char* key, const std::string& where);
uint32_t U32(const Json& obj, const char* key, const std::string& where);
bool Bool(const Json& obj, const char* key, const std::string& where);
std::string Str(const Json& obj, const char* key, const std::string& where);
// "<key>_b64" when present (exact bytes), else "<key>".
std::string Bytes(const Json& obj, const char* key, const std::string& where);
// A path relative to the scan root (Bytes), refused unless it is clean (IsCleanRelativePath):
// a manifest or plan naming "../.." must not lead a scan outside its root.
std::string RelativePath(const Json& obj, const char* key, const std::string& where);
const Json& Array(const Json& obj, const char* key, const std::string& where);
const Json& Object(const Json& obj, const char* key, const std::string& where);

// Refuses text nested deeper than `limit` before it reaches the (recursive) JSON parser.
// Returns "" or the reason.
std::string CheckNesting(std::string_view text, size_t limit = 64);

}  // namespace sscan::json
