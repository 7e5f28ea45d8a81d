#include "output/file_type.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>
#include <vector>

namespace sscan::output {
namespace {

std::string Type(uint32_t mode, const std::string& name) {
  std::string scratch;
  return std::string(FileType(mode, name, &scratch));
}

TEST(FileTypeTest, ExtensionRulesOfTheContract) {
  EXPECT_EQ(Type(S_IFREG, "a.tar.GZ"), "gz");
  EXPECT_EQ(Type(S_IFREG, ".bashrc"), "");
  EXPECT_EQ(Type(S_IFREG, "..x"), "x");
  EXPECT_EQ(Type(S_IFREG, "dot."), "");
  EXPECT_EQ(Type(S_IFREG, "noext"), "");
  EXPECT_EQ(Type(S_IFREG, "Report.PDF"), "pdf");
  EXPECT_EQ(Type(S_IFREG, "x.\xc3\x89T\xc3\xa9"), "\xc3\x89t\xc3\xa9");  // ASCII-only lowering
}

TEST(FileTypeTest, KindsForEverythingButRegularFiles) {
  EXPECT_EQ(Type(S_IFDIR, "d.txt"), "directory");
  EXPECT_EQ(Type(S_IFLNK, "l.txt"), "symlink");
  EXPECT_EQ(Type(S_IFIFO, "p"), "fifo");
  EXPECT_EQ(Type(S_IFSOCK, "s"), "socket");
  EXPECT_EQ(Type(S_IFBLK, "b"), "block_device");
  EXPECT_EQ(Type(S_IFCHR, "c"), "char_device");
}

// The key stands for the type: over every pair of (mode, name) with a key, the keys are equal
// exactly when the types are. Names cover each rule, case, the 8-byte limit and non-ASCII.
TEST(FileTypeTest, KeysAreEqualExactlyWhenTypesAre) {
  const std::vector<std::string> names = {"a.tar.GZ",
                                          "b.gz",
                                          "c.Gz",
                                          ".bashrc",
                                          "..x",
                                          "y.x",
                                          "dot.",
                                          "noext",
                                          "",
                                          "a.12345678",
                                          "b.1234567",
                                          "c.1234567A",
                                          "d.1234567a",
                                          "R.PDF",
                                          "r.pdf",
                                          "x.\xc3\x89T",
                                          "z.\xc3\x89t",
                                          "gz",
                                          ".gz",
                                          "a..gz",
                                          "123456789",
                                          "abcdefghijklmnop",
                                          "abcdefghijklmnop.C",
                                          ".12345678",
                                          "x.12345678"};
  const std::vector<uint32_t> modes = {S_IFREG,  S_IFDIR, S_IFLNK, S_IFIFO,
                                       S_IFSOCK, S_IFBLK, S_IFCHR, 0};
  struct Keyed {
    FileTypeKey key;
    std::string type;
  };
  std::vector<Keyed> keyed;
  for (uint32_t mode : modes) {
    for (const std::string& name : names) {
      FileTypeKey key;
      ASSERT_TRUE(FileTypeKeyOf(mode | 0644, name, &key)) << name;
      keyed.push_back({key, Type(mode | 0644, name)});
    }
  }
  for (const Keyed& a : keyed) {
    for (const Keyed& b : keyed) {
      EXPECT_EQ(a.key == b.key, a.type == b.type) << a.type << " / " << b.type;
    }
  }
}

TEST(FileTypeTest, NoKeyForExtensionsLongerThanEightBytes) {
  FileTypeKey key;
  EXPECT_FALSE(FileTypeKeyOf(S_IFREG, "a.123456789", &key));
  EXPECT_FALSE(FileTypeKeyOf(S_IFREG, "abcdefghijklmnop.123456789", &key));
  EXPECT_TRUE(FileTypeKeyOf(S_IFDIR, "a.123456789", &key));  // not a regular file: its kind
}

}  // namespace
}  // namespace sscan::output
