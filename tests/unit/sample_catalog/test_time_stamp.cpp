#include <tools/sample_catalog/time_stamp.hpp>

#include <catch2/catch.hpp>

using namespace sample_catalog;

TEST_CASE("unix_time matches known instants", "[sample_catalog]") {
  CHECK(unix_time(1970, 1, 1) == 0);
  CHECK(unix_time(2025, 1, 1) == 1735689600);
  CHECK(unix_time(2000, 3, 1) == 951868800);           // after a 400-year leap day
  CHECK(unix_time(2024, 2, 29, 23, 59, 59) == 1709251199);
  CHECK(unix_time(1969, 12, 31, 23, 59, 59) == -1);
}

TEST_CASE("compact_stamp and date_stamp", "[sample_catalog]") {
  CHECK(compact_stamp(unix_time(2025, 1, 3, 4, 15, 0)) == "20250103T041500Z");
  CHECK(compact_stamp(unix_time(2024, 2, 29, 23, 59, 59)) == "20240229T235959Z");
  CHECK(compact_stamp(unix_time(2024, 2, 29, 23, 59, 59) + 1) == "20240301T000000Z");
  CHECK(date_stamp(unix_time(2025, 12, 31, 23, 0, 0)) == "20251231");
  CHECK(compact_stamp(-1) == "19691231T235959Z");
}

TEST_CASE("iso_millis is IMGAPI's published_at form", "[sample_catalog]") {
  CHECK(iso_millis(unix_time(2025, 1, 3, 7, 15, 25), 477) == "2025-01-03T07:15:25.477Z");
  CHECK(iso_millis(unix_time(2022, 5, 11), 0) == "2022-05-11T00:00:00.000Z");
  CHECK(iso_millis(0, 1999) == "1970-01-01T00:00:00.999Z");
}
