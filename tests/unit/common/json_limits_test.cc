#include "common/json_limits.h"

#include <gtest/gtest.h>

#include <string>

namespace sscan {
namespace {

TEST(JsonLimitsTest, NestingDepthIgnoresBracketsInStrings) {
  EXPECT_EQ(JsonNestingDepth("{}", 10), 1u);
  EXPECT_EQ(JsonNestingDepth(R"({"a": [1, {"b": []}]})", 10), 4u);
  EXPECT_EQ(JsonNestingDepth(R"({"a": "[[[[\"]]]]"})", 10), 1u);
  EXPECT_EQ(JsonNestingDepth("plain", 10), 0u);
}

TEST(JsonLimitsTest, NestingDepthStopsAtTheLimit) {
  std::string deep(1000000, '[');
  EXPECT_EQ(JsonNestingDepth(deep, 64), 65u);
}

TEST(JsonLimitsTest, CleanRelativePaths) {
  for (const char* good : {"", "a", "a/b", "a/.b", "a/..b", "...", "x y/\xff"}) {
    EXPECT_TRUE(IsCleanRelativePath(good)) << good;
  }
  for (const char* bad : {"/a", "..", ".", "a/..", "../a", "a//b", "a/", "a/./b"}) {
    EXPECT_FALSE(IsCleanRelativePath(bad)) << bad;
  }
  EXPECT_FALSE(IsCleanRelativePath(std::string("a\0b", 3)));
}

}  // namespace
}  // namespace sscan
