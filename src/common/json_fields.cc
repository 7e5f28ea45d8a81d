#include "common/json_fields.h"

#include "common/base64.h"
#include "common/json_limits.h"
#include "common/utf8.h"

namespace sscan::json {
namespace {

[[noreturn]] void Fail(const char* key, const std::string& where, const char* what) {
  throw JsonFieldError{std::string("field '") + key + "' in " + where + " " + what};
}

}  // namespace

void PutBytes(Json* obj, const std::string& key, const std::string& raw) {
  if (IsValidUtf8(raw)) {
    (*obj)[key] = raw;
    return;
  }
  std::string repaired;
  AppendUtf8Replaced(&repaired, raw);
  (*obj)[key] = repaired;
  (*obj)[key + "_b64"] = Base64Encode(raw);
}

const Json& Field(const Json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) throw JsonFieldError{std::string("missing field '") + key + "' in " + where};
  return *it;
}

uint64_t U64(const Json& obj, const char* key, const std::string& where) {
  const Json& v = Field(obj, key, where);
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0)) {
    Fail(key, where, "is not a non-negative integer");
  }
  return v.get<uint64_t>();
}

uint32_t U32(const Json& obj, const char* key, const std::string& where) {
  uint64_t v = U64(obj, key, where);
  if (v > UINT32_MAX) Fail(key, where, "is too large");
  return static_cast<uint32_t>(v);
}

bool Bool(const Json& obj, const char* key, const std::string& where) {
  const Json& v = Field(obj, key, where);
  if (!v.is_boolean()) Fail(key, where, "is not a boolean");
  return v.get<bool>();
}

std::string Str(const Json& obj, const char* key, const std::string& where) {
  const Json& v = Field(obj, key, where);
  if (!v.is_string()) Fail(key, where, "is not a string");
  return v.get<std::string>();
}

std::string Bytes(const Json& obj, const char* key, const std::string& where) {
  const std::string b64 = std::string(key) + "_b64";
  auto it = obj.find(b64);
  if (it == obj.end()) return Str(obj, key, where);
  if (!it->is_string()) Fail(b64.c_str(), where, "is not a string");
  auto raw = Base64Decode(it->get<std::string>());
  if (!raw) Fail(b64.c_str(), where, "is not base64");
  return *raw;
}

std::string RelativePath(const Json& obj, const char* key, const std::string& where) {
  std::string path = Bytes(obj, key, where);
  if (!IsCleanRelativePath(path)) {
    Fail(key, where, "is not a clean path below the root (absolute, empty, '.' or '..' parts)");
  }
  return path;
}

std::string CheckNesting(std::string_view text, size_t limit) {
  if (JsonNestingDepth(text, limit) > limit) {
    return "nested more than " + std::to_string(limit) + " levels deep";
  }
  return "";
}

const Json& Array(const Json& obj, const char* key, const std::string& where) {
  const Json& v = Field(obj, key, where);
  if (!v.is_array()) Fail(key, where, "is not a list");
  return v;
}

const Json& Object(const Json& obj, const char* key, const std::string& where) {
  const Json& v = Field(obj, key, where);
  if (!v.is_object()) Fail(key, where, "is not an object");
  return v;
}

}  // namespace sscan::json
