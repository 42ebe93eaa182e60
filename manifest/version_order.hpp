#pragma once
// Ordering rules for Triton images, as sdcadm applies them (docs: /work/shared/reference
// sdcadm.md §2.4 and §5). Core images are ordered by IMGAPI's published_at, never by their
// version strings; sdcadm itself by the semver of its version, then by the time stamp in
// tags.buildstamp. Pure functions; malformed input is refused with Error(bad_data) rather
// than ordered arbitrarily, because a wrong order means installing the wrong image.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace manifest {

// An IMGAPI published_at: "YYYY-MM-DDTHH:MM:SSZ" or "YYYY-MM-DDTHH:MM:SS.sssZ" (IMGAPI
// writes 3 digits; 1-9 fractional digits are accepted). Returns milliseconds since
// 1970-01-01T00:00:00Z (digits beyond the millisecond are truncated), or nullopt when `s` is
// not of that form or not a valid calendar date/time.
std::optional<std::int64_t> parse_published_at(std::string_view s);

// <0, 0, >0 as `a` is published before, at the same millisecond as, or after `b`
// ("…:00Z" and "…:00.000Z" are equal). Throws Error(bad_data) naming the bad value when
// either is malformed.
int compare_published_at(std::string_view a, std::string_view b);

// A semantic version (semver 2.0.0): MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]. Numeric parts
// have no leading zeros; identifiers are [0-9A-Za-z-]+; numeric pre-release identifiers have
// no leading zeros. Build metadata is kept but never compared.
struct Semver {
  std::uint64_t major = 0, minor = 0, patch = 0;
  std::vector<std::string> prerelease;
  std::string build;
};

// nullopt when `s` is not a strict semver 2.0.0 string (no leading 'v', no spaces).
std::optional<Semver> parse_semver(std::string_view s);

// Semver 2.0.0 precedence: major, minor, patch numerically; a version with a pre-release
// sorts before the same version without one; pre-release identifiers compare left to right,
// numeric ones numerically and below alphanumeric ones, a shorter list first when all shared
// identifiers are equal. Build metadata is ignored (1.0.0+a == 1.0.0+b).
int compare_semver(const Semver& a, const Semver& b);
// The same on strings; throws Error(bad_data) when either is not semver.
int compare_semver(std::string_view a, std::string_view b);

// The time stamp segment of a Triton build stamp: the last '-'-separated segment of the form
// YYYYMMDDTHHMMSSZ, e.g. "20250101T000000Z" from "master-20250101T000000Z-g1a2b3c4",
// "release-20250101-20250101T000000Z-g1a2b3c4" or "master-20250101T000000Z-g1a2b3c4-dirty".
// nullopt when there is no such segment.
std::optional<std::string> buildstamp_time(std::string_view buildstamp);

// One sdcadm build: its package version (semver, the image's "version") and its build stamp
// (the image's tags.buildstamp or /opt/smartdc/sdcadm/etc/buildstamp).
struct SdcadmVersion {
  std::string version;
  std::string buildstamp;
};

// sdcadm's _selfAvailable order: semver of `version` first, then the build stamp's time
// segment (YYYYMMDDTHHMMSSZ strings compare as text). Throws Error(bad_data) when a version
// is not semver or a build stamp has no time segment.
int compare_sdcadm(const SdcadmVersion& a, const SdcadmVersion& b);

}  // namespace manifest
