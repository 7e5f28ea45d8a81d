#include "output/file_system.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <string>

namespace sscan::output {
namespace {

class PosixFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sscan_fs_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    for (const char* name : {"/big", "/appended"}) unlink((dir_ + name).c_str());
    rmdir(dir_.c_str());
  }
  std::string dir_;
};

// Writes far past the writeback interval, in pieces smaller and larger than the buffer: every
// byte lands where it belongs, whatever writeback was started along the way.
TEST_F(PosixFileSystemTest, LargeWritesArriveIntact) {
  FileSystem* fs = PosixFileSystem();
  const std::string path = dir_ + "/big";
  auto file = fs->Create(path, 0600);
  ASSERT_TRUE(file.ok()) << file.status().message();
  std::string expected;
  std::string piece;
  for (int i = 0; i < 80; ++i) {
    piece.assign(static_cast<size_t>(i % 8 == 0 ? 3 << 20 : 1000 + i * 37),
                 static_cast<char>('a' + i % 26));
    ASSERT_TRUE((*file)->Write(piece.data(), piece.size()).ok());
    expected += piece;
  }
  EXPECT_EQ((*file)->size(), expected.size());
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE((*file)->Close().ok());
  auto content = fs->ReadFile(path);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(content->size(), expected.size());
  EXPECT_TRUE(*content == expected);
}

// An append handle continues at its kept size, also past writeback intervals.
TEST_F(PosixFileSystemTest, AppendKeepsThePrefixAndAddsTheRest) {
  FileSystem* fs = PosixFileSystem();
  const std::string path = dir_ + "/appended";
  {
    auto file = fs->Create(path, 0600);
    ASSERT_TRUE(file.ok());
    const std::string head(5 << 20, 'h');
    ASSERT_TRUE((*file)->Write(head.data(), head.size()).ok());
    ASSERT_TRUE((*file)->Close().ok());
  }
  auto file = fs->OpenForAppend(path, 1 << 20, 0600);
  ASSERT_TRUE(file.ok());
  const std::string tail(20 << 20, 't');
  ASSERT_TRUE((*file)->Write(tail.data(), tail.size()).ok());
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE((*file)->Close().ok());
  auto content = fs->ReadFile(path);
  ASSERT_TRUE(content.ok());
  EXPECT_TRUE(*content == std::string(1 << 20, 'h') + tail);
}

}  // namespace
}  // namespace sscan::output
