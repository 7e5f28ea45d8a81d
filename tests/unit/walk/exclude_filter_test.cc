// The glob matcher must agree with Python's fnmatch.fnmatchcase (what an analyst, or an
// independent check of a snapshot, would use). The expected matches were produced by CPython
// for every pattern x text pair below; every other pair must not match.
#include "walk/exclude_filter.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace sscan::walk {
namespace {

TEST(ExcludeFilterTest, GlobMatchAgreesWithPythonFnmatchcase) {
  const std::vector<std::string> patterns = {
      "*.log", "a?c",          "[abc]x",     "[!abc]x", "[a-c]z", "[]]",  "[!]]",
      "*",     "a*b*c",        "data/*/tmp", "*/tmp",   ".snap*", "[*]",  "x[?]y",
      "[[]a",  "a-[0-9][0-9]", "*.[ch]",     "**/x",    "a*",     "[-a]", "[a-]"};
  const std::vector<std::string> texts = {"x.log",
                                          ".log",
                                          "log",
                                          "abc",
                                          "aXc",
                                          "ac",
                                          "ax",
                                          "dx",
                                          "bz",
                                          "dz",
                                          "]",
                                          "a",
                                          "]]",
                                          "aXbYc",
                                          "acb",
                                          "data/u1/tmp",
                                          "data/u1/u2/tmp",
                                          "u/tmp",
                                          "tmp",
                                          ".snapshot",
                                          "snap",
                                          "*",
                                          "x?y",
                                          "xay",
                                          "[a",
                                          "a-42",
                                          "a-4",
                                          "f.c",
                                          "f.h",
                                          "f.o",
                                          "q/r/x",
                                          "x",
                                          "-",
                                          "b"};
  const std::set<std::pair<std::string, std::string>> python_matches = {
      {"*.log", "x.log"},
      {"*.log", ".log"},
      {"a?c", "abc"},
      {"a?c", "aXc"},
      {"[abc]x", "ax"},
      {"[!abc]x", "dx"},
      {"[a-c]z", "bz"},
      {"[]]", "]"},
      {"[!]]", "a"},
      {"[!]]", "*"},
      {"[!]]", "x"},
      {"[!]]", "-"},
      {"[!]]", "b"},
      {"*", "x.log"},
      {"*", ".log"},
      {"*", "log"},
      {"*", "abc"},
      {"*", "aXc"},
      {"*", "ac"},
      {"*", "ax"},
      {"*", "dx"},
      {"*", "bz"},
      {"*", "dz"},
      {"*", "]"},
      {"*", "a"},
      {"*", "]]"},
      {"*", "aXbYc"},
      {"*", "acb"},
      {"*", "data/u1/tmp"},
      {"*", "data/u1/u2/tmp"},
      {"*", "u/tmp"},
      {"*", "tmp"},
      {"*", ".snapshot"},
      {"*", "snap"},
      {"*", "*"},
      {"*", "x?y"},
      {"*", "xay"},
      {"*", "[a"},
      {"*", "a-42"},
      {"*", "a-4"},
      {"*", "f.c"},
      {"*", "f.h"},
      {"*", "f.o"},
      {"*", "q/r/x"},
      {"*", "x"},
      {"*", "-"},
      {"*", "b"},
      {"a*b*c", "abc"},
      {"a*b*c", "aXbYc"},
      {"data/*/tmp", "data/u1/tmp"},
      {"data/*/tmp", "data/u1/u2/tmp"},
      {"*/tmp", "data/u1/tmp"},
      {"*/tmp", "data/u1/u2/tmp"},
      {"*/tmp", "u/tmp"},
      {".snap*", ".snapshot"},
      {"[*]", "*"},
      {"x[?]y", "x?y"},
      {"[[]a", "[a"},
      {"a-[0-9][0-9]", "a-42"},
      {"*.[ch]", "f.c"},
      {"*.[ch]", "f.h"},
      {"**/x", "q/r/x"},
      {"a*", "abc"},
      {"a*", "aXc"},
      {"a*", "ac"},
      {"a*", "ax"},
      {"a*", "a"},
      {"a*", "aXbYc"},
      {"a*", "acb"},
      {"a*", "a-42"},
      {"a*", "a-4"},
      {"[-a]", "a"},
      {"[-a]", "-"},
      {"[a-]", "a"},
      {"[a-]", "-"},
  };
  for (const auto& p : patterns) {
    ASSERT_TRUE(ValidatePattern(p).ok()) << p;
    for (const auto& t : texts) {
      bool expected = python_matches.count({p, t}) != 0;
      EXPECT_EQ(GlobMatch(p, t), expected) << "pattern " << p << " text " << t;
    }
  }
}

TEST(ExcludeFilterTest, InvalidPatternsAreRefusedWithTheirText) {
  for (const char* bad : {"", "[abc", "a[", "[!", "x[]"}) {
    Status s = ValidatePattern(bad);
    EXPECT_FALSE(s.ok()) << bad;
    if (*bad != '\0') {
      EXPECT_NE(s.message().find(bad), std::string::npos) << s.message();
    }
  }
}

TEST(ExcludeFilterTest, NamePatternsAndPathPatterns) {
  auto f = ExcludeFilter::Create({".snapshot", "*.tmp", "proj/*/scratch"});
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->needs_relative_path());
  EXPECT_TRUE(f->Excluded(".snapshot", "deep/down/.snapshot"));
  EXPECT_TRUE(f->Excluded("x.tmp", "x.tmp"));
  EXPECT_TRUE(f->Excluded("scratch", "proj/alice/scratch"));
  EXPECT_FALSE(f->Excluded("scratch", "other/alice/scratch"));
  EXPECT_FALSE(f->Excluded("snapshot", "snapshot"));
  auto names_only = ExcludeFilter::Create({".zfs"});
  ASSERT_TRUE(names_only.ok());
  EXPECT_FALSE(names_only->needs_relative_path());
}

TEST(ExcludeFilterTest, PatternFilesSkipCommentsAndBlankLines) {
  auto p = ParsePatternFile("# site excludes\n.snapshot\n\n  \n*.tmp  \r\nproj/*/cache\n#x\n");
  EXPECT_EQ(p, (std::vector<std::string>{".snapshot", "*.tmp", "proj/*/cache"}));
}

}  // namespace
}  // namespace sscan::walk
