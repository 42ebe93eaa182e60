// Ordering of Triton images the way sdcadm orders them (see version_order.hpp). Parsers are
// strict: a value that does not parse is refused, never ordered by accident.
#include <manifest/version_order.hpp>

#include <common/error.hpp>
#include <manifest/json_fields.hpp>

#include <algorithm>

namespace manifest {

namespace {

using common::Error;
using common::ExitCode;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The value of s[pos, pos+n) when all of it is digits, else -1.
int digits_at(std::string_view s, std::size_t pos, std::size_t n) {
  int value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!is_digit(s[i])) return -1;
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : k_days[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool is_ident_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

// A semver numeric part: digits, no leading zero, fits 64 bits.
std::optional<std::uint64_t> parse_number(std::string_view s) {
  if (!all_digits(s) || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : s) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;  // would overflow
    value = value * 10 + digit;
  }
  return value;
}

// Splits "a.b.c" into identifiers, each non-empty and made of [0-9A-Za-z-].
std::optional<std::vector<std::string>> parse_identifiers(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    const std::size_t length = dot == std::string_view::npos ? dot : dot - start;
    const std::string_view part = s.substr(start, length);
    if (part.empty() || !std::all_of(part.begin(), part.end(), is_ident_char)) {
      return std::nullopt;
    }
    out.emplace_back(part);
    if (dot == std::string_view::npos) return out;
    start = dot + 1;
  }
}

int compare_numeric_strings(const std::string& a, const std::string& b) {
  // No leading zeros (checked at parse), so the longer number is the larger one.
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

int compare_identifier(const std::string& a, const std::string& b) {
  const bool a_num = all_digits(a);
  const bool b_num = all_digits(b);
  if (a_num && b_num) return compare_numeric_strings(a, b);
  if (a_num != b_num) return a_num ? -1 : 1;  // numeric identifiers sort first
  const int c = a.compare(b);                // ASCII order, as semver says
  return c < 0 ? -1 : (c == 0 ? 0 : 1);
}

template <typename T>
int three_way(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

bool is_stamp_segment(std::string_view s) {
  return s.size() == 16 && digits_at(s, 0, 8) >= 0 && s[8] == 'T' && digits_at(s, 9, 6) >= 0 &&
         s[15] == 'Z';
}

}  // namespace

std::optional<std::int64_t> parse_published_at(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS then "Z" or ".d{1,9}Z".
  if (s.size() < 20 || s.size() > 30) return std::nullopt;
  if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  const int year = digits_at(s, 0, 4), month = digits_at(s, 5, 2), day = digits_at(s, 8, 2);
  const int hour = digits_at(s, 11, 2), minute = digits_at(s, 14, 2), sec = digits_at(s, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) ||
      hour < 0 || hour > 23 || minute < 0 || minute > 59 || sec < 0 || sec > 59) {
    return std::nullopt;
  }
  int millis = 0;
  if (s.size() == 20) {
    if (s[19] != 'Z') return std::nullopt;
  } else {
    const std::size_t fraction = s.size() - 21;  // digits between '.' and 'Z'
    if (s[19] != '.' || s.back() != 'Z' || fraction < 1 || digits_at(s, 20, fraction) < 0) {
      return std::nullopt;
    }
    // Milliseconds: the first three digits, padded ("5" is 500 ms).
    for (std::size_t i = 0; i < 3; ++i) millis = millis * 10 + (i < fraction ? s[20 + i] - '0' : 0);
  }
  const std::int64_t days = days_from_civil(year, month, day);
  return ((days * 24 + hour) * 60 + minute) * 60000 + std::int64_t{sec} * 1000 + millis;
}

int compare_published_at(std::string_view a, std::string_view b) {
  const auto parse = [](std::string_view text) {
    const auto value = parse_published_at(text);
    if (!value) {
      throw Error(ExitCode::bad_data, "published_at " + fields::quote(text) +
                                          " is not an IMGAPI time stamp "
                                          "(YYYY-MM-DDTHH:MM:SS[.sss]Z)");
    }
    return *value;
  };
  const std::int64_t ta = parse(a);  // a first, so the message names the first bad one
  const std::int64_t tb = parse(b);
  return three_way(ta, tb);
}

std::optional<Semver> parse_semver(std::string_view s) {
  Semver v;
  const std::size_t plus = s.find('+');
  if (plus != std::string_view::npos) {
    if (!parse_identifiers(s.substr(plus + 1))) return std::nullopt;
    v.build = std::string(s.substr(plus + 1));
    s = s.substr(0, plus);
  }
  const std::size_t dash = s.find('-');
  if (dash != std::string_view::npos) {
    auto pre = parse_identifiers(s.substr(dash + 1));
    if (!pre) return std::nullopt;
    for (const auto& id : *pre) {
      if (all_digits(id) && id.size() > 1 && id[0] == '0') return std::nullopt;
    }
    v.prerelease = std::move(*pre);
    s = s.substr(0, dash);
  }
  const std::size_t dot1 = s.find('.');
  const std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : s.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos) return std::nullopt;
  const auto major = parse_number(s.substr(0, dot1));
  const auto minor = parse_number(s.substr(dot1 + 1, dot2 - dot1 - 1));
  const auto patch = parse_number(s.substr(dot2 + 1));  // a third '.' fails here
  if (!major || !minor || !patch) return std::nullopt;
  v.major = *major;
  v.minor = *minor;
  v.patch = *patch;
  return v;
}

int compare_semver(const Semver& a, const Semver& b) {
  if (int c = three_way(a.major, b.major)) return c;
  if (int c = three_way(a.minor, b.minor)) return c;
  if (int c = three_way(a.patch, b.patch)) return c;
  // A pre-release is lower than its release.
  if (a.prerelease.empty() != b.prerelease.empty()) return a.prerelease.empty() ? 1 : -1;
  const std::size_t n = std::min(a.prerelease.size(), b.prerelease.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (int c = compare_identifier(a.prerelease[i], b.prerelease[i])) return c;
  }
  return three_way(a.prerelease.size(), b.prerelease.size());
}

int compare_semver(std::string_view a, std::string_view b) {
  const auto va = parse_semver(a);
  const auto vb = parse_semver(b);
  if (!va) throw Error(ExitCode::bad_data, "version " + fields::quote(a) + " is not semver");
  if (!vb) throw Error(ExitCode::bad_data, "version " + fields::quote(b) + " is not semver");
  return compare_semver(*va, *vb);
}

std::optional<std::string> buildstamp_time(std::string_view buildstamp) {
  // The branch may itself contain '-' and a time-like segment ("release-20250101-…"), and a
  // "-dirty" suffix may follow the sha, so take the LAST segment of the stamp's shape.
  std::optional<std::string> found;
  std::size_t start = 0;
  while (start <= buildstamp.size()) {
    std::size_t dash = buildstamp.find('-', start);
    if (dash == std::string_view::npos) dash = buildstamp.size();
    const std::string_view part = buildstamp.substr(start, dash - start);
    if (is_stamp_segment(part)) found = std::string(part);
    start = dash + 1;
  }
  return found;
}

int compare_sdcadm(const SdcadmVersion& a, const SdcadmVersion& b) {
  if (int c = compare_semver(a.version, b.version)) return c;
  const auto time_of = [](const std::string& stamp) {
    auto t = buildstamp_time(stamp);
    if (!t) {
      throw Error(ExitCode::bad_data, "sdcadm build stamp " + fields::quote(stamp) +
                                          " has no YYYYMMDDTHHMMSSZ time segment");
    }
    return *t;
  };
  const std::string ta = time_of(a.buildstamp);
  const std::string tb = time_of(b.buildstamp);
  return three_way(ta, tb);
}

}  // namespace manifest
