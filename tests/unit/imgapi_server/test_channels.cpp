#include <imgapi/server/channels.hpp>
#include <imgapi/server/rest_error.hpp>

#include <common/error.hpp>

#include <catch2/catch.hpp>

using namespace imgapi::server;

namespace {
std::string parse_error(const std::string& text) {
  try {
    Channels::parse(text, "channels.json");
  } catch (const common::Error& e) {
    CHECK(e.code() == common::ExitCode::bad_data);
    return e.what();
  }
  FAIL("accepted " << text);
  return "";
}
}  // namespace

TEST_CASE("the standard channels: dev is the default", "[channels]") {
  Channels c = Channels::standard();
  CHECK(c.names() == std::vector<std::string>{"experimental", "dev", "staging", "release", "support"});
  REQUIRE(c.default_name());
  CHECK(*c.default_name() == "dev");
  CHECK(c.json()[1] == common::Json({{"name", "dev"},
                                     {"description", "main development branch builds"},
                                     {"default", true}}));
  CHECK(c.summary() == "experimental dev(default) staging release support");
}

TEST_CASE("channels.json is checked", "[channels]") {
  CHECK_THAT(parse_error("{}"), Catch::Contains("not a non-empty array"));
  CHECK_THAT(parse_error("[]"), Catch::Contains("not a non-empty array"));
  CHECK_THAT(parse_error("[1]"), Catch::Contains("is not an object"));
  CHECK_THAT(parse_error(R"([{"name":"Dev","description":"x"}])"), Catch::Contains("matching"));
  CHECK_THAT(parse_error(R"([{"name":"dev"}])"), Catch::Contains("\"description\""));
  CHECK_THAT(parse_error(R"([{"name":"a","description":"x"},{"name":"a","description":"y"}])"),
             Catch::Contains("listed twice"));
  CHECK_THAT(parse_error(R"([{"name":"a","description":"x","default":true},
                             {"name":"b","description":"y","default":true}])"),
             Catch::Contains("two default channels"));
  CHECK_THAT(parse_error(R"([{"name":"a","description":"x","default":"yes"}])"),
             Catch::Contains("true or false"));
  CHECK_THAT(parse_error(R"([{"name":"a","description":"x","extra":1}])"),
             Catch::Contains("unknown key \"extra\""));
  CHECK_THAT(parse_error("[{"), Catch::Contains("invalid JSON"));
}

TEST_CASE("resolving the channel of a request", "[channels]") {
  Channels c = Channels::standard();
  std::string release = "release", star = "*", bogus = "bogus", empty;
  CHECK(c.resolve(nullptr, true) == std::optional<std::string>("dev"));
  CHECK(c.resolve(&empty, true) == std::optional<std::string>("dev"));
  CHECK(c.resolve(&release, true) == std::optional<std::string>("release"));
  CHECK(c.resolve(&star, true) == std::nullopt);
  try {
    c.resolve(&bogus, true);
    FAIL("unknown channel accepted");
  } catch (const RestError& e) {
    CHECK(e.status() == 422);
    CHECK(e.body() == common::Json({{"code", "ValidationFailed"},
                                    {"message", "unknown channel: bogus"},
                                    {"errors", {{{"field", "channel"}, {"code", "Invalid"}}}}}));
  }
  CHECK_THROWS_AS(c.resolve(&star, false), RestError);  // writes never take "*"

  Channels no_default = Channels::parse(R"([{"name":"a","description":"x"}])", "t");
  try {
    no_default.resolve(nullptr, true);
    FAIL("no error without a default");
  } catch (const RestError& e) {
    CHECK(std::string(e.what()) == "channel not specified and the server has no default channel");
  }
}
