#include <delta/compression.hpp>

#include <common/error.hpp>

#include <catch2/catch.hpp>

TEST_CASE("image file compressions round-trip through their IMGAPI names") {
  for (const char* name : {"none", "gzip", "bzip2", "xz"}) {
    CHECK(delta::name_of(delta::compression_from_name(name)) == name);
  }
}

TEST_CASE("an unknown compression is refused, naming it") {
  try {
    delta::compression_from_name("lz4");
    FAIL("lz4 accepted");
  } catch (const common::Error& e) {
    CHECK(e.code() == common::ExitCode::bad_data);
    CHECK(std::string(e.what()).find("\"lz4\"") != std::string::npos);
  }
}
