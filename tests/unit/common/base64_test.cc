#include "common/base64.h"

#include <gtest/gtest.h>

namespace sscan {
namespace {

TEST(Base64Test, RoundTripsEveryLengthModuloThree) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode(std::string("\xff\xfe\x00", 3)), "//4A");
  for (std::string s : {"", "a", "ab", "abc", "\x80\xff\x00\x01 raw bytes"}) {
    EXPECT_EQ(Base64Decode(Base64Encode(s)), s);
  }
}

TEST(Base64Test, RejectsMalformedText) {
  EXPECT_FALSE(Base64Decode("Zg="));
  EXPECT_FALSE(Base64Decode("Z!=="));
  EXPECT_FALSE(Base64Decode("Z=g="));
}

}  // namespace
}  // namespace sscan
