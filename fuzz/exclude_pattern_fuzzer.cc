// Fuzzes the --exclude glob syntax: walk::ValidatePattern and walk::GlobMatch, against a
// reference matcher written here from the documented semantics (Python's fnmatch.fnmatchcase
// on bytes: '*' any run, '/' included; '?' one byte; '[seq]' / '[!seq]' a set whose leading ']'
// is a member, with ranges 'a-z' where the '-' is neither first nor last; no escapes).
//
// Input: pattern '\0' text (the first NUL splits them; no NUL: the input is both).
// Properties:
//   * ValidatePattern never crashes; it accepts exactly the non-empty patterns whose every
//     '[' opens a terminated set (the reference's tokenizer decides that independently);
//   * for a valid pattern, GlobMatch(pattern, text) equals the reference matcher;
//   * GlobMatch(p, p) holds for a pattern without glob characters;
//   * a valid pattern matches the text obtained by instantiating it (each '*' -> "", '?' ->
//     'x', each set -> a member); checked where the instantiation is defined.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "walk/exclude_filter.h"

namespace {

struct Token {
  enum Kind { kByte, kAny, kStar, kSet } kind;
  unsigned char byte = 0;
  std::array<bool, 256> members{};  // kSet, negation already applied
};

// The pattern as tokens, or nullopt when a '[' is not terminated (an invalid pattern).
std::optional<std::vector<Token>> Tokenize(std::string_view p) {
  std::vector<Token> out;
  for (size_t i = 0; i < p.size();) {
    const char c = p[i];
    if (c == '*') {
      out.push_back({Token::kStar});
      ++i;
    } else if (c == '?') {
      out.push_back({Token::kAny});
      ++i;
    } else if (c == '[') {
      size_t j = i + 1;
      bool negate = j < p.size() && p[j] == '!';
      if (negate) ++j;
      size_t body = j;
      if (j < p.size() && p[j] == ']') ++j;  // a leading ']' is a member
      while (j < p.size() && p[j] != ']') ++j;
      if (j >= p.size()) return std::nullopt;
      Token t{Token::kSet};
      // body..j is the set's text: members and ranges x-y ('-' neither first nor last).
      for (size_t k = body; k < j;) {
        const auto lo = static_cast<unsigned char>(p[k]);
        if (k + 2 < j && p[k + 1] == '-') {
          const auto hi = static_cast<unsigned char>(p[k + 2]);
          for (unsigned v = lo; v <= hi; ++v) t.members[v] = true;
          k += 3;
        } else {
          t.members[lo] = true;
          ++k;
        }
      }
      if (negate) {
        for (bool& m : t.members) m = !m;
      }
      out.push_back(t);
      i = j + 1;
    } else {
      out.push_back({Token::kByte, static_cast<unsigned char>(c)});
      ++i;
    }
  }
  return out;
}

// Dynamic programming over (token, text position): O(tokens x text), no backtracking.
bool ReferenceMatch(const std::vector<Token>& tokens, std::string_view t) {
  std::vector<char> can(t.size() + 1, 0), next(t.size() + 1, 0);
  can[0] = 1;  // before any token, only the empty prefix is consumed
  for (const Token& tok : tokens) {
    std::fill(next.begin(), next.end(), 0);
    for (size_t i = 0; i <= t.size(); ++i) {
      if (!can[i]) continue;
      if (tok.kind == Token::kStar) {
        for (size_t j = i; j <= t.size(); ++j) next[j] = 1;
        break;  // every later position is already reachable
      }
      if (i == t.size()) continue;
      const auto c = static_cast<unsigned char>(t[i]);
      const bool ok = tok.kind == Token::kAny || (tok.kind == Token::kByte && tok.byte == c) ||
                      (tok.kind == Token::kSet && tok.members[c]);
      if (ok) next[i + 1] = 1;
    }
    can.swap(next);
  }
  return can[t.size()] != 0;
}

// A text the pattern must match: '*' -> "", '?' -> 'x', a set -> its smallest member.
std::optional<std::string> Instantiate(const std::vector<Token>& tokens) {
  std::string s;
  for (const Token& tok : tokens) {
    switch (tok.kind) {
      case Token::kByte:
        s.push_back(static_cast<char>(tok.byte));
        break;
      case Token::kAny:
        s.push_back('x');
        break;
      case Token::kStar:
        break;
      case Token::kSet: {
        int first = -1;
        for (int v = 0; v < 256 && first < 0; ++v) {
          if (tok.members[v]) first = v;
        }
        if (first < 0) return std::nullopt;  // an empty set ([z-a]) matches nothing
        s.push_back(static_cast<char>(first));
      }
    }
  }
  return s;
}

[[noreturn]] void Fail(const char* what, std::string_view p, std::string_view t) {
  std::fprintf(stderr, "exclude_pattern_fuzzer: %s\npattern: '%.*s'\ntext: '%.*s'\n", what,
               static_cast<int>(p.size()), p.data(), static_cast<int>(t.size()), t.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string_view pattern = input.substr(0, nul);
  const std::string_view text = nul == std::string_view::npos ? input : input.substr(nul + 1);

  const auto tokens = Tokenize(pattern);
  const bool valid = sscan::walk::ValidatePattern(pattern).ok();
  const bool reference_valid = !pattern.empty() && tokens.has_value();
  if (valid != reference_valid) Fail("ValidatePattern disagrees with the reference", pattern, "");
  if (!valid) return 0;

  if (sscan::walk::GlobMatch(pattern, text) != ReferenceMatch(*tokens, text)) {
    Fail("GlobMatch disagrees with the reference matcher", pattern, text);
  }
  if (pattern.find_first_of("*?[") == std::string_view::npos &&
      !sscan::walk::GlobMatch(pattern, pattern)) {
    Fail("a pattern without glob characters does not match itself", pattern, pattern);
  }
  if (auto instance = Instantiate(*tokens)) {
    if (!sscan::walk::GlobMatch(pattern, *instance)) {
      Fail("a pattern does not match its own instantiation", pattern, *instance);
    }
  }
  return 0;
}
