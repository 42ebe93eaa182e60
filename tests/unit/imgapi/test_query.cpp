#include <imgapi/query.hpp>

#include <common/error.hpp>

#include <catch2/catch.hpp>

using imgapi::Query;

TEST_CASE("query values are percent-encoded", "[imgapi][query]") {
  CHECK(imgapi::percent_encode("abc-._~XYZ09") == "abc-._~XYZ09");
  CHECK(imgapi::percent_encode("a b&c=d/*?#%") == "a%20b%26c%3Dd%2F%2A%3F%23%25");
  CHECK(imgapi::percent_encode("\xC3\xA9") == "%C3%A9");
}

TEST_CASE("a query keeps order, repeats keys and skips unset values", "[imgapi][query]") {
  Query q;
  CHECK(q.str().empty());
  q.add("billing_tag", "a").add("billing_tag", "b").add_if("name", std::nullopt).add_if("channel", std::string("*"));
  q.add("tag.smartdc_service", "true");
  CHECK(q.str() == "?billing_tag=a&billing_tag=b&channel=%2A&tag.smartdc_service=true");
}

TEST_CASE("base URLs lose trailing slashes and give up their channel", "[imgapi][query]") {
  auto u = imgapi::parse_base_url("http://127.0.0.1:8080/");
  CHECK(u.root == "http://127.0.0.1:8080");
  CHECK_FALSE(u.channel);
  u = imgapi::parse_base_url("https://updates.example.com/prefix//?channel=release");
  CHECK(u.root == "https://updates.example.com/prefix");
  CHECK(u.channel == std::string("release"));
  u = imgapi::parse_base_url("http://h/?channel=%2A");
  CHECK(u.channel == std::string("*"));
}

TEST_CASE("bad base URLs are usage errors", "[imgapi][query]") {
  for (const char* bad : {"ftp://h", "h:80", "http://", "http:///", "http://h/?foo=1"}) {
    INFO(bad);
    try {
      imgapi::parse_base_url(bad);
      FAIL("accepted");
    } catch (const common::Error& e) {
      CHECK(e.code() == common::ExitCode::usage);
    }
  }
}
