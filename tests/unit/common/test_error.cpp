#include <common/error.hpp>

#include <catch2/catch.hpp>

using common::Error;
using common::ErrorDetails;
using common::ExitCode;

TEST_CASE("an error without details has none", "[error]") {
  const Error e(ExitCode::io, "reading x: Permission denied");
  CHECK(e.details().http_status == 0);
  CHECK(e.details().rest_code.empty());
  CHECK(e.details().path.empty());
}

TEST_CASE("with_context prefixes the message and keeps code and details", "[error]") {
  ErrorDetails details;
  details.http_status = 422;
  details.rest_code = "ValidationFailed";
  details.path = "/cache/files/ab/abcd";
  const Error inner(ExitCode::remote_error, "IMGAPI GET /images: 422 ValidationFailed", details);
  const Error outer = inner.with_context("resolving imgapi").with_context("build");
  CHECK(std::string(outer.what()) == "build: resolving imgapi: IMGAPI GET /images: 422 ValidationFailed");
  CHECK(outer.code() == ExitCode::remote_error);
  CHECK(outer.details().http_status == 422);
  CHECK(outer.details().rest_code == "ValidationFailed");
  CHECK(outer.details().path == "/cache/files/ab/abcd");
}

TEST_CASE("details survive a rethrow as common::Error", "[error]") {
  ErrorDetails details;
  details.path = "/tmp/f";
  try {
    try {
      throw Error(ExitCode::bundle_hash, "changed", details);
    } catch (const Error& e) {
      throw e.with_context("writing b.sdc");
    }
  } catch (const Error& e) {
    CHECK(e.details().path == "/tmp/f");
  }
}
