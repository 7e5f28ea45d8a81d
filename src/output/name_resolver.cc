#include "output/name_resolver.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "common/utf8.h"

namespace sscan::output {
namespace {

// Calls a getXXid_r function, growing the buffer on ERANGE. Returns the name or false.
template <typename Entry, typename Fn>
bool LookUp(Fn fn, uint32_t id, long size_hint, char* Entry::*field, std::string* out) {
  size_t size = size_hint > 0 ? static_cast<size_t>(size_hint) : 1024;
  std::vector<char> buffer;
  for (int attempt = 0; attempt < 8; ++attempt, size *= 4) {
    buffer.resize(size);
    Entry entry;
    Entry* result = nullptr;
    int rc = fn(id, &entry, buffer.data(), buffer.size(), &result);
    if (rc == ERANGE) continue;
    if (rc != 0 || result == nullptr) return false;
    out->clear();
    AppendUtf8Replaced(out, entry.*field);
    return true;
  }
  return false;
}

}  // namespace

const std::string* NameResolver::User(uint32_t uid) {
  if (!enabled_) return nullptr;
  std::lock_guard lock(mutex_);
  auto [it, inserted] = users_.try_emplace(uid);
  if (inserted) {
    it->second.known = LookUp<struct passwd>(getpwuid_r, uid, sysconf(_SC_GETPW_R_SIZE_MAX),
                                             &passwd::pw_name, &it->second.name);
  }
  return it->second.known ? &it->second.name : nullptr;
}

const std::string* NameResolver::Group(uint32_t gid) {
  if (!enabled_) return nullptr;
  std::lock_guard lock(mutex_);
  auto [it, inserted] = groups_.try_emplace(gid);
  if (inserted) {
    it->second.known = LookUp<struct group>(getgrgid_r, gid, sysconf(_SC_GETGR_R_SIZE_MAX),
                                            &group::gr_name, &it->second.name);
  }
  return it->second.known ? &it->second.name : nullptr;
}

}  // namespace sscan::output
