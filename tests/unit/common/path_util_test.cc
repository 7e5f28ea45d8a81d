#include "common/path_util.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace sscan {
namespace {

TEST(PathUtilTest, NormalizesLikePythonAbspath) {
  EXPECT_EQ(AbsoluteNormalized("/"), "/");
  EXPECT_EQ(AbsoluteNormalized("//a//b/"), "/a/b");
  EXPECT_EQ(AbsoluteNormalized("/a/./b/../c"), "/a/c");
  EXPECT_EQ(AbsoluteNormalized("/.."), "/");
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
  EXPECT_EQ(AbsoluteNormalized("x/y"),
            std::string(cwd) == "/" ? "/x/y" : std::string(cwd) + "/x/y");
}

TEST(PathUtilTest, ParentDirectory) {
  EXPECT_EQ(ParentDirectory("/"), "/");
  EXPECT_EQ(ParentDirectory("/a"), "/");
  EXPECT_EQ(ParentDirectory("/a/b"), "/a");
}

}  // namespace
}  // namespace sscan
