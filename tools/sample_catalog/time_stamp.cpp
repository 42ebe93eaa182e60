#include <tools/sample_catalog/time_stamp.hpp>

#include <cstdio>

namespace sample_catalog {

namespace {

struct Civil {
  std::int64_t year;
  int month;
  int day;
};

// Days since 1970-01-01 for a Gregorian date; the well-known era-based algorithm (400-year
// eras of 146097 days, years starting in March so the leap day comes last).
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return Civil{yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

struct Broken {
  Civil date;
  int hour;
  int minute;
  int second;
};

Broken split(std::int64_t t) {
  std::int64_t days = t / 86400;
  std::int64_t rest = t % 86400;
  if (rest < 0) {
    rest += 86400;
    days -= 1;
  }
  return Broken{civil_from_days(days), static_cast<int>(rest / 3600),
                static_cast<int>(rest % 3600 / 60), static_cast<int>(rest % 60)};
}

}  // namespace

std::int64_t unix_time(int year, int month, int day, int hour, int minute, int second) {
  return days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

std::string compact_stamp(std::int64_t t) {
  const Broken b = split(t);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld%02d%02dT%02d%02d%02dZ",
                static_cast<long long>(b.date.year), b.date.month, b.date.day, b.hour, b.minute,
                b.second);
  return buf;
}

std::string date_stamp(std::int64_t t) { return compact_stamp(t).substr(0, 8); }

std::string iso_millis(std::int64_t t, int millis) {
  const Broken b = split(t);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ",
                static_cast<long long>(b.date.year), b.date.month, b.date.day, b.hour, b.minute,
                b.second, millis % 1000);
  return buf;
}

}  // namespace sample_catalog
