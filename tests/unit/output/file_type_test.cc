#include "output/file_type.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

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

}  // namespace
}  // namespace sscan::output
