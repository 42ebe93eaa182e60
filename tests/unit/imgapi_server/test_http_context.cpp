#include <imgapi/server/http_context.hpp>

#include <catch2/catch.hpp>

using namespace imgapi::server;

TEST_CASE("query strings decode like the qs module", "[http]") {
  Params p = parse_query("name=a+b&tag.role=os&billing_tag=x&billing_tag=y&flag&v=%7E1&bad=%zz");
  CHECK(*param(p, "name") == "a b");
  CHECK(*param(p, "tag.role") == "os");
  CHECK(p.count("billing_tag") == 2);
  CHECK(param(p, "flag")->empty());
  CHECK(*param(p, "v") == "~1");
  CHECK(*param(p, "bad") == "%zz");  // a malformed escape is kept as sent
  CHECK(param(p, "missing") == nullptr);
  CHECK(parse_query("").empty());
  CHECK(parse_query("&&").empty());
}

TEST_CASE("path segments decode strictly", "[http]") {
  CHECK(decode_segment("a%2Fb") == std::optional<std::string>("a/b"));
  CHECK(decode_segment("%41%42") == std::optional<std::string>("AB"));
  CHECK(decode_segment("a+b") == std::optional<std::string>("a+b"));
  CHECK_FALSE(decode_segment("%"));
  CHECK_FALSE(decode_segment("%4"));
  CHECK_FALSE(decode_segment("%zz"));
  CHECK_FALSE(decode_segment("a%00b"));
}

TEST_CASE("HTTP dates", "[http]") {
  CHECK(http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
  CHECK(http_date(1735689600123) == "Wed, 01 Jan 2025 00:00:00 GMT");
  CHECK(parse_http_date("Wed, 01 Jan 2025 00:00:00 GMT") == 1735689600000);
  CHECK(parse_http_date("2025-01-01T00:00:00Z") == 1735689600000);
  CHECK_FALSE(parse_http_date("Wed, 01 Foo 2025 00:00:00 GMT"));
  CHECK_FALSE(parse_http_date("never"));
}
