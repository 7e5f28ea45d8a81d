// json_fields.h — reading and writing the plan's JSON fields with messages that name them.
//
// Every accessor throws JsonFieldError naming the field and where it was expected; the
// parser (ParsePlan) catches it at its edge and turns it into a Status, so a damaged plan is
// refused with one line that says what is wrong. Raw byte strings that are not UTF-8 are
// written as "<key>" (repaired) plus "<key>_b64" (exact), the manifest's convention.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace sscan::shard::json {

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
const Json& Array(const Json& obj, const char* key, const std::string& where);
const Json& Object(const Json& obj, const char* key, const std::string& where);

}  // namespace sscan::shard::json
