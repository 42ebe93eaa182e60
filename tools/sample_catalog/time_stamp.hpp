#pragma once
// Calendar arithmetic and the time formats Triton builds use, without the wall clock or
// the C library's time zone machinery: the sample catalog must be byte-identical on any
// machine, so every time is computed from a fixed base in UTC.

#include <cstdint>
#include <string>

namespace sample_catalog {

// Seconds since 1970-01-01T00:00:00Z for a proleptic Gregorian UTC date and time.
std::int64_t unix_time(int year, int month, int day, int hour = 0, int minute = 0,
                       int second = 0);

// "20250103T041500Z": the build stamp of eng's Makefile.defs (and platform versions).
std::string compact_stamp(std::int64_t t);

// "20250103": the date part of a release branch name (release-YYYYMMDD).
std::string date_stamp(std::int64_t t);

// "2025-01-03T04:15:00.123Z": IMGAPI's published_at (millis in 0..999).
std::string iso_millis(std::int64_t t, int millis);

}  // namespace sample_catalog
