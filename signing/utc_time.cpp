#include <signing/utc_time.hpp>

#include <manifest/bundle_index.hpp>

#include <cstdio>
#include <ctime>

namespace signing {
namespace {

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's
// days_from_civil algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

int digits(std::string_view s, std::size_t at, std::size_t n) {
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

}  // namespace

std::optional<std::int64_t> parse_utc(std::string_view text) {
  // The bundle index's own validator decides what a valid timestamp is, so the index
  // and the trust files agree on it.
  if (!manifest::is_rfc3339_seconds(text)) return std::nullopt;
  const std::int64_t days = days_from_civil(digits(text, 0, 4), static_cast<unsigned>(digits(text, 5, 2)),
                                            static_cast<unsigned>(digits(text, 8, 2)));
  return days * 86400 + digits(text, 11, 2) * 3600 + digits(text, 14, 2) * 60 + digits(text, 17, 2);
}

std::string format_utc(std::int64_t epoch) {
  const auto t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::int64_t now_utc() { return static_cast<std::int64_t>(std::time(nullptr)); }

}  // namespace signing
