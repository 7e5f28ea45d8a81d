// name_resolver.h — uid/gid to user/group names, each id looked up once.
//
// Names travel with the data (the owner and group columns) because a snapshot is often
// analysed far from the cluster's user database. Lookups go through the system's name service
// (getpwuid_r/getgrgid_r, so LDAP and SSSD users resolve) once per distinct id and are cached:
// a lookup per entry is what made the seed's scanner 35x slower than the kernel, and its
// non-reentrant lookups from several threads are what corrupted its owner names.
//
// Thread safety: all methods may be called from any thread. Returned pointers stay valid for
// the resolver's lifetime.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sscan::output {

class NameResolver {
 public:
  // With `enabled` false (--no-resolve-names) every lookup answers null without asking.
  explicit NameResolver(bool enabled) : enabled_(enabled) {}

  // The user name of `uid` (valid UTF-8), or nullptr when the system does not know it.
  const std::string* User(uint32_t uid);
  const std::string* Group(uint32_t gid);

  bool enabled() const { return enabled_; }

 private:
  struct Cached {
    bool known = false;
    std::string name;
  };
  const bool enabled_;
  std::mutex mutex_;
  std::unordered_map<uint32_t, Cached> users_;
  std::unordered_map<uint32_t, Cached> groups_;
};

}  // namespace sscan::output
