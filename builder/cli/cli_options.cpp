#include <builder/cli/cli_options.hpp>

#include <common/error.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <iostream>

namespace builder {

using common::Error;
using common::ExitCode;

std::uint64_t parse_size(const std::string& text, const std::string& option) {
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  std::string suffix = text.substr(digits);
  std::transform(suffix.begin(), suffix.end(), suffix.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  int shift = -1;
  if (suffix.empty() || suffix == "B") shift = 0;
  else if (suffix == "K" || suffix == "KIB") shift = 10;
  else if (suffix == "M" || suffix == "MIB") shift = 20;
  else if (suffix == "G" || suffix == "GIB") shift = 30;
  else if (suffix == "T" || suffix == "TIB") shift = 40;
  const auto bad = [&](const std::string& why) {
    return Error(ExitCode::usage, option + " \"" + text + "\": " + why +
                                      "; give bytes or a whole number with K, M, G or T "
                                      "(binary units), e.g. 4000M");
  };
  if (digits == 0 || shift < 0 || digits > 19) throw bad("not a size");
  const std::uint64_t value = std::strtoull(text.substr(0, digits).c_str(), nullptr, 10);
  if (value == 0) throw bad("must be more than 0");
  if (shift > 0 && value > (UINT64_MAX >> shift)) throw bad("too large");
  return value << shift;
}

std::int64_t build_time() {
  const char* sde = std::getenv("SOURCE_DATE_EPOCH");
  if (sde == nullptr || sde[0] == '\0') {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  const std::string text(sde);
  if (text.size() > 12 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    throw Error(ExitCode::usage, "SOURCE_DATE_EPOCH=\"" + text +
                                     "\" is not a number of seconds since 1970; set it to "
                                     "e.g. $(git log -1 --format=%ct) or unset it");
  }
  return std::stoll(text);
}

}  // namespace builder
