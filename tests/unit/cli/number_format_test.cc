// Numbers on the command line are decimal: CLI11 2.1 alone reads "010" as 8 and "0x10" as 16.
#include "cli/number_format.h"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

namespace sscan::cli {
namespace {

int64_t Parse(const std::string& text) {
  CLI::App app;
  int64_t value = -99;
  app.add_option("--n", value)->transform(DecimalInteger());
  app.parse(std::vector<std::string>{text, "--n"});  // CLI11 parses the vector in reverse
  return value;
}

TEST(NumberFormatTest, DecimalIntegersMeanWhatTheySay) {
  EXPECT_EQ(Parse("10"), 10);
  EXPECT_EQ(Parse("010"), 10);
  EXPECT_EQ(Parse("0"), 0);
  EXPECT_EQ(Parse("000"), 0);
  EXPECT_EQ(Parse("-5"), -5);
}

TEST(NumberFormatTest, EverythingElseIsAUsageError) {
  for (const char* bad : {"0x10", "1e3", "12abc", "", "-", "+5", " 5", "0b11", "1.5"}) {
    EXPECT_THROW(Parse(bad), CLI::ValidationError) << bad;
  }
}

TEST(NumberFormatTest, DecimalNumbers) {
  CLI::App app;
  double value = 0;
  app.add_option("--x", value)->transform(DecimalNumber());
  app.parse(std::vector<std::string>{"0.25", "--x"});
  EXPECT_DOUBLE_EQ(value, 0.25);
  for (const char* bad : {"nan", "inf", "0x1p3", "1e3", ".", "1."}) {
    CLI::App again;
    again.add_option("--x", value)->transform(DecimalNumber());
    EXPECT_THROW(again.parse(std::vector<std::string>{bad, "--x"}), CLI::ValidationError) << bad;
  }
}

}  // namespace
}  // namespace sscan::cli
