// Tests for manifest/version_order.cpp: IMGAPI time stamps, semver 2.0 precedence, build
// stamps and sdcadm's self-update order.
#include <manifest/version_order.hpp>

#include <common/error.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

using common::Error;
using common::ExitCode;
using manifest::buildstamp_time;
using manifest::compare_published_at;
using manifest::compare_sdcadm;
using manifest::compare_semver;
using manifest::parse_published_at;
using manifest::parse_semver;
using manifest::SdcadmVersion;

namespace {

ExitCode code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  return ExitCode::ok;
}

}  // namespace

TEST_CASE("published_at parses with and without milliseconds") {
  CHECK(parse_published_at("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_published_at("1970-01-01T00:00:01.5Z") == 1500);
  CHECK(parse_published_at("1970-01-01T00:00:00.123456789Z") == 123);
  // 2025-01-01T00:00:00Z is 1735689600 s after the epoch.
  CHECK(parse_published_at("2025-01-01T00:00:00Z") == 1735689600000LL);
  CHECK(parse_published_at("2025-01-01T00:00:00.000Z") == 1735689600000LL);
  CHECK(parse_published_at("2024-02-29T12:34:56.789Z") == 1709210096789LL);
  CHECK(parse_published_at("2000-02-29T00:00:00Z").has_value());  // divisible by 400
}

TEST_CASE("published_at refuses malformed values") {
  for (const char* bad :
       {"", "2025-01-01", "2025-01-01T00:00:00", "2025-01-01T00:00:00+00:00",
        "2025-01-01 00:00:00Z", "2025-13-01T00:00:00Z", "2025-00-01T00:00:00Z",
        "2025-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2025-04-31T00:00:00Z",
        "2025-01-01T24:00:00Z", "2025-01-01T00:60:00Z", "2025-01-01T00:00:60Z",
        "2025-01-01T00:00:00.Z", "2025-01-01T00:00:00.1234567890Z", "2025-01-01T00:00:00.12aZ",
        "2025-01-01T00:00:00z", "+025-01-01T00:00:00Z", "2025-1-01T00:00:00Z",
        "2025-01-01T00:00:00.000Zjunk"}) {
    INFO(bad);
    CHECK_FALSE(parse_published_at(bad).has_value());
  }
}

TEST_CASE("compare_published_at orders by instant, ties included") {
  CHECK(compare_published_at("2025-01-01T00:00:00Z", "2025-01-01T00:00:00.000Z") == 0);
  CHECK(compare_published_at("2025-01-01T00:00:00.001Z", "2025-01-01T00:00:00Z") > 0);
  CHECK(compare_published_at("2024-12-31T23:59:59.999Z", "2025-01-01T00:00:00Z") < 0);
  // Text order and time order agree here, but not for mixed precisions:
  // "…:00.5Z" < "…:00Z" as text ('.' < 'Z'), yet it is later.
  CHECK(compare_published_at("2025-01-01T00:00:00.5Z", "2025-01-01T00:00:00Z") > 0);
  CHECK(code_of([] { compare_published_at("yesterday", "2025-01-01T00:00:00Z"); }) ==
        ExitCode::bad_data);
  CHECK(code_of([] { compare_published_at("2025-01-01T00:00:00Z", ""); }) == ExitCode::bad_data);
}

TEST_CASE("parse_semver accepts semver 2.0.0 and keeps its parts") {
  const auto v = parse_semver("1.39.0-rc.1+build.5");
  REQUIRE(v);
  CHECK(v->major == 1);
  CHECK(v->minor == 39);
  CHECK(v->patch == 0);
  CHECK(v->prerelease == std::vector<std::string>{"rc", "1"});
  CHECK(v->build == "build.5");
  CHECK(parse_semver("0.0.0"));
  CHECK(parse_semver("1.0.0-0A.is.legal"));
  CHECK(parse_semver("1.0.0+0001"));  // leading zeros are fine in build metadata
  CHECK(parse_semver("18446744073709551615.0.0"));
}

TEST_CASE("parse_semver refuses what semver 2.0.0 does not allow") {
  for (const char* bad : {"", "1", "1.2", "1.2.3.4", "v1.2.3", "01.2.3", "1.02.3", "1.2.03",
                          "1.2.3-", "1.2.3+", "1.2.3-01", "1.2.3-a..b", "1.2.3-a_b", " 1.2.3",
                          "1.2.3 ", "1.2.-3", "99999999999999999999.0.0",
                          "18446744073709551616.0.0", "1.2.3+a+b"}) {
    INFO(bad);
    CHECK_FALSE(parse_semver(bad).has_value());
  }
}

TEST_CASE("compare_semver follows the semver 2.0.0 precedence example") {
  // semver.org §11: 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta <
  // 1.0.0-beta.2 < 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0.
  const std::vector<std::string> ordered = {"1.0.0-alpha",  "1.0.0-alpha.1", "1.0.0-alpha.beta",
                                            "1.0.0-beta",   "1.0.0-beta.2",  "1.0.0-beta.11",
                                            "1.0.0-rc.1",   "1.0.0",         "1.0.1",
                                            "1.1.0",        "1.10.0",        "2.0.0"};
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    for (std::size_t j = 0; j < ordered.size(); ++j) {
      INFO(ordered[i] << " vs " << ordered[j]);
      const int c = compare_semver(ordered[i], ordered[j]);
      CHECK((c < 0) == (i < j));
      CHECK((c == 0) == (i == j));
    }
  }
}

TEST_CASE("compare_semver: pre-release below release, numbers numeric, build ignored") {
  CHECK(compare_semver("1.39.0-rc.1", "1.39.0") < 0);
  CHECK(compare_semver("1.39.0", "1.38.99") > 0);
  CHECK(compare_semver("1.0.0-2", "1.0.0-10") < 0);     // numeric, not text
  CHECK(compare_semver("1.0.0-999", "1.0.0-a") < 0);    // numeric below alphanumeric
  CHECK(compare_semver("1.0.0-B", "1.0.0-a") < 0);      // ASCII order
  CHECK(compare_semver("1.0.0+a", "1.0.0+b") == 0);
  CHECK(compare_semver("1.0.0-rc.1+x", "1.0.0-rc.1") == 0);
  CHECK(code_of([] { compare_semver("1.0", "1.0.0"); }) == ExitCode::bad_data);
  CHECK(code_of([] { compare_semver("1.0.0", "latest"); }) == ExitCode::bad_data);
}

TEST_CASE("buildstamp_time takes the time stamp segment") {
  CHECK(buildstamp_time("master-20250101T000000Z-g1a2b3c4") == "20250101T000000Z");
  CHECK(buildstamp_time("release-20250101-20250102T030405Z-g1a2b3c4") == "20250102T030405Z");
  CHECK(buildstamp_time("master-20250101T000000Z-g1a2b3c4-dirty") == "20250101T000000Z");
  CHECK(buildstamp_time("1.2.3-master-20250101T000000Z-g1a2b3c4") == "20250101T000000Z");
  CHECK(buildstamp_time("master-20200304T133736Z") == "20200304T133736Z");
  CHECK_FALSE(buildstamp_time("1.39.0").has_value());
  CHECK_FALSE(buildstamp_time("").has_value());
  CHECK_FALSE(buildstamp_time("master-2025010T000000Z-g1").has_value());
  CHECK_FALSE(buildstamp_time("master-20250101T000000-g1").has_value());
  CHECK_FALSE(buildstamp_time("master-x20250101T000000Z-g1").has_value());
}

TEST_CASE("compare_sdcadm: semver first, then build stamp time") {
  const SdcadmVersion old_build{"1.39.0", "master-20250101T000000Z-g1a2b3c4"};
  const SdcadmVersion new_build{"1.39.0", "master-20250201T000000Z-g5e6f7a8"};
  const SdcadmVersion next{"1.40.0", "master-20240101T000000Z-gffffff0"};
  const SdcadmVersion rc{"1.40.0-rc.1", "master-20260101T000000Z-gffffff0"};
  CHECK(compare_sdcadm(old_build, new_build) < 0);  // equal semver, later stamp wins
  CHECK(compare_sdcadm(new_build, old_build) > 0);
  CHECK(compare_sdcadm(next, new_build) > 0);       // semver beats an older stamp
  CHECK(compare_sdcadm(rc, next) < 0);              // pre-release below release
  CHECK(compare_sdcadm(rc, new_build) > 0);
  // The same time on another branch, or a dirty build, is the same build time.
  CHECK(compare_sdcadm(old_build, {"1.39.0", "release-20241231-20250101T000000Z-g9"}) == 0);
  CHECK(compare_sdcadm(old_build, {"1.39.0", "master-20250101T000000Z-g1a2b3c4-dirty"}) == 0);
  CHECK(code_of([&] { compare_sdcadm(old_build, {"1.39.0", "no-stamp"}); }) ==
        ExitCode::bad_data);
  CHECK(code_of([&] { compare_sdcadm(old_build, {"1.39", "master-20250101T000000Z-g1"}); }) ==
        ExitCode::bad_data);
}

TEST_CASE("ordering sdcadm candidates picks the newest as _selfAvailable does") {
  std::vector<SdcadmVersion> v = {{"1.39.0", "master-20250301T000000Z-gaaaaaaa"},
                                  {"1.40.0", "master-20250101T000000Z-gbbbbbbb"},
                                  {"1.39.0", "master-20250401T000000Z-gccccccc"},
                                  {"1.40.0", "master-20250102T000000Z-gddddddd"}};
  std::sort(v.begin(), v.end(), [](const SdcadmVersion& a, const SdcadmVersion& b) {
    return compare_sdcadm(a, b) < 0;
  });
  CHECK(v.back().buildstamp == "master-20250102T000000Z-gddddddd");
  CHECK(v.front().buildstamp == "master-20250301T000000Z-gaaaaaaa");
}
