#include <imgapi/server/accept_version.hpp>

#include <catch2/catch.hpp>

using namespace imgapi::server;

namespace {
std::optional<ApiVersion> resolve(const char* header) {
  std::string h = header;
  return resolve_accept_version(&h);
}
}  // namespace

TEST_CASE("Accept-Version picks the API version like restify", "[version]") {
  CHECK(resolve_accept_version(nullptr) == ApiVersion::v1);  // no header = "~1"
  CHECK(resolve("") == ApiVersion::v1);
  CHECK(resolve("~1") == ApiVersion::v1);
  CHECK(resolve("1.0.0") == ApiVersion::v1);
  CHECK(resolve("~2") == ApiVersion::v2);
  CHECK(resolve("*") == ApiVersion::v2);
  CHECK(resolve("2") == ApiVersion::v2);
  CHECK(resolve("^2") == ApiVersion::v2);
  CHECK(resolve(">=1") == ApiVersion::v2);
  CHECK(resolve(">= 1.5") == ApiVersion::v2);
  CHECK(resolve("<2") == ApiVersion::v1);
  CHECK(resolve("1.x || 2.x") == ApiVersion::v2);
  CHECK(resolve("1.0.0 - 1.9") == ApiVersion::v1);
  CHECK(resolve("x") == ApiVersion::v2);
  CHECK(resolve("v2.0.0") == ApiVersion::v2);
}

TEST_CASE("unsatisfiable or unparsable Accept-Version gives nothing", "[version]") {
  CHECK_FALSE(resolve("~99"));
  CHECK_FALSE(resolve("3"));
  CHECK_FALSE(resolve("<1"));
  CHECK_FALSE(resolve(">2"));
  CHECK_FALSE(resolve("garbage"));
  CHECK_FALSE(resolve("1.2.3.4"));
  CHECK_FALSE(resolve("~1.x.3"));
  CHECK_FALSE(resolve(std::string(300, '1').c_str()));
}

TEST_CASE("semver ranges desugar like node-semver", "[version]") {
  auto sat = [](int a, int b, int c, const char* range) {
    std::optional<bool> r = semver_satisfies(a, b, c, range);
    REQUIRE(r);
    return *r;
  };
  CHECK(sat(1, 2, 3, "~1.2.3"));
  CHECK(sat(1, 2, 9, "~1.2.3"));
  CHECK_FALSE(sat(1, 3, 0, "~1.2.3"));
  CHECK(sat(1, 9, 0, "~1"));
  CHECK(sat(1, 9, 0, "^1.2.3"));
  CHECK_FALSE(sat(2, 0, 0, "^1.2.3"));
  CHECK(sat(0, 2, 5, "^0.2.3"));
  CHECK_FALSE(sat(0, 3, 0, "^0.2.3"));
  CHECK_FALSE(sat(0, 0, 4, "^0.0.3"));
  CHECK(sat(2, 0, 0, ">1"));
  CHECK_FALSE(sat(1, 9, 9, ">1"));
  CHECK(sat(1, 9, 9, "<=1"));
  CHECK_FALSE(sat(2, 0, 0, "<=1"));
  CHECK(sat(2, 0, 0, ">=2.0.0-beta"));
  CHECK_FALSE(sat(2, 0, 0, "<2.0.0-beta"));
  CHECK(sat(2, 3, 4, "1.2 - 2.3.4"));
  CHECK_FALSE(sat(2, 3, 5, "1.2 - 2.3.4"));
  CHECK(sat(1, 0, 0, ">=1 <2"));
  CHECK_FALSE(sat(2, 0, 0, ">=1 <2"));
  CHECK_FALSE(sat(1, 0, 0, ">*"));
}
