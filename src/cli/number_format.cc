#include "cli/number_format.h"

#include <string>

namespace sscan::cli {
namespace {

bool AllDigits(const std::string& s, size_t from, size_t to) {
  if (from >= to) return false;
  for (size_t i = from; i < to; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

}  // namespace

CLI::Validator DecimalInteger() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const size_t sign = (!text.empty() && text[0] == '-') ? 1 : 0;
        if (!AllDigits(text, sign, text.size())) return "'" + text + "' is not a decimal integer";
        // Strip leading zeros so the conversion that follows cannot read octal.
        size_t first = sign;
        while (first + 1 < text.size() && text[first] == '0') ++first;
        text = text.substr(0, sign) + text.substr(first);
        return "";
      },
      "");
}

CLI::Validator DecimalNumber() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const size_t sign = (!text.empty() && text[0] == '-') ? 1 : 0;
        const size_t dot = text.find('.');
        const bool ok = dot == std::string::npos
                            ? AllDigits(text, sign, text.size())
                            : (AllDigits(text, sign, dot) && AllDigits(text, dot + 1, text.size()));
        if (!ok) return "'" + text + "' is not a decimal number";
        return "";
      },
      "");
}

}  // namespace sscan::cli
