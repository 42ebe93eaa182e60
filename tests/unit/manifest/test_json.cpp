// Tests for common/json.cpp: bounded parsing of hostile JSON and IMGAPI-style printing.
#include <common/json.hpp>

#include <common/error.hpp>

#include <catch2/catch.hpp>

#include <string>

using common::Error;
using common::ExitCode;
using common::Json;

namespace {

// The message of the bad_data error parse_json throws for `text` ("" if it parses).
std::string parse_failure(const std::string& text, int max_depth = 64,
                          std::size_t max_bytes = 16u << 20) {
  try {
    common::parse_json(text, "input.json", max_depth, max_bytes);
  } catch (const Error& e) {
    REQUIRE(e.code() == ExitCode::bad_data);
    return e.what();
  }
  return "";
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("parse_json keeps object keys in the order received", "[json]") {
  const Json j = common::parse_json(R"({"zeta": 1, "alpha": {"b": 2, "a": 3}, "mid": [1]})", "x");
  std::string order;
  for (const auto& item : j.items()) order += item.key() + ",";
  CHECK(order == "zeta,alpha,mid,");
  CHECK(j["alpha"].begin().key() == "b");
}

TEST_CASE("parse_json names the input and the byte of a syntax error", "[json]") {
  const std::string trailing = parse_failure(R"({"a": 1} xyz)");
  CHECK(contains(trailing, "input.json: invalid JSON: "));
  CHECK(contains(trailing, "at byte 10"));
  CHECK(contains(parse_failure(R"({"a": [1, 2)"), "unexpected end of input"));
  CHECK(contains(parse_failure(""), "invalid JSON"));
  CHECK(contains(parse_failure("   "), "invalid JSON"));
  CHECK(contains(parse_failure(R"({"a": tru})"), "invalid literal"));
  CHECK(contains(parse_failure(R"({"a": 1,})"), "invalid JSON"));
  CHECK(contains(parse_failure("{'a': 1}"), "invalid JSON"));
  // nlohmann alone would stop at a NUL and accept the garbage after it.
  CHECK(contains(parse_failure(std::string("{\"a\": 1}\0garbage", 16)), "NUL byte at byte 8"));
  CHECK(contains(parse_failure(std::string("{\"a\": \"x\0y\"}", 12)), "NUL byte at byte 8"));
}

TEST_CASE("parse_json refuses deep nesting before parsing, without recursion", "[json]") {
  const std::string deep(10000, '[');
  const std::string message = parse_failure(deep);
  CHECK(contains(message, "nested deeper than 64 levels at byte 64"));
  // Well-formed but too deep is refused too.
  CHECK(contains(parse_failure(std::string(100000, '[') + std::string(100000, ']')),
                 "nested deeper than 64"));
  CHECK(contains(parse_failure(std::string(5000, '{') ), "nested deeper"));
  // Exactly at the limit is fine; one more is not.
  CHECK(parse_failure(std::string(64, '[') + std::string(64, ']')).empty());
  CHECK(contains(parse_failure(std::string(65, '[') + std::string(65, ']')), "nested deeper"));
  CHECK(contains(parse_failure(std::string(3, '[') + std::string(3, ']'), 2), "deeper than 2"));
}

TEST_CASE("json_nesting_depth ignores brackets inside strings and escapes", "[json]") {
  CHECK(common::json_nesting_depth(R"(["[[[[", "\"[[", {"a": "]]]{{"}])", 100) == 2);
  CHECK(common::json_nesting_depth("", 100) == 0);
  CHECK(common::json_nesting_depth("]]]][[", 100) == 2);
  std::size_t at = 0;
  CHECK(common::json_nesting_depth("[ [ [", 2, &at) == 3);
  CHECK(at == 4);
}

TEST_CASE("parse_json refuses texts larger than the limit", "[json]") {
  CHECK(contains(parse_failure(R"({"a": "0123456789"})", 64, 10),
                 "text is 19 bytes, more than the limit of 10"));
  std::string huge = "\"" + std::string(16u << 20, 'a') + "\"";
  CHECK(contains(parse_failure(huge), "more than the limit of 16777216"));
  CHECK(parse_failure(R"({"a": "0123456789"})", 64, 19).empty());
}

TEST_CASE("parse_json refuses invalid UTF-8, lone surrogates and overflowing numbers", "[json]") {
  CHECK(contains(parse_failure("{\"name\": \"a\xff\"}"), "invalid JSON"));
  CHECK(contains(parse_failure("{\"name\": \"\xc0\xaf\"}"), "invalid JSON"));   // overlong '/'
  CHECK(contains(parse_failure("{\"name\": \"\xed\xa0\x80\"}"), "invalid JSON"));  // surrogate
  CHECK(contains(parse_failure("{\"name\": \"\xe2\x82\"}"), "invalid JSON"));   // truncated
  CHECK(contains(parse_failure(R"({"name": "\ud800"})"), "surrogate"));
  CHECK(contains(parse_failure(R"({"size": 1e400})"), "number overflow"));
  CHECK(contains(parse_failure("{\"a\": \"\x01\"}"), "invalid JSON"));  // raw control char
  // Valid UTF-8 (2, 3 and 4 byte forms) is fine.
  CHECK(parse_failure("{\"name\": \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}").empty());
}

TEST_CASE("parse_json keeps the last of duplicate keys at the first position", "[json]") {
  const Json j = common::parse_json(R"({"a": 1, "b": 2, "a": 3})", "x");
  CHECK(j.size() == 2);
  CHECK(j.begin().key() == "a");
  CHECK(j["a"] == 3);
}

TEST_CASE("dump_json prints like JSON.stringify(x, null, 2)", "[json]") {
  const Json j = common::parse_json(R"({"v":2,"files":[{"size":42}],"acl":[],"tags":{},"d":"é"})", "x");
  CHECK(common::dump_json(j) ==
        "{\n  \"v\": 2,\n  \"files\": [\n    {\n      \"size\": 42\n    }\n  ],\n"
        "  \"acl\": [],\n  \"tags\": {},\n  \"d\": \"\xc3\xa9\"\n}");
  CHECK(common::dump_json(j, -1) == R"({"v":2,"files":[{"size":42}],"acl":[],"tags":{},"d":"é"})");
  CHECK(common::dump_json(Json("a\x01\"b")) == "\"a\\u0001\\\"b\"");
}

TEST_CASE("dump_json reports invalid UTF-8 built in code as bad data", "[json]") {
  const Json j = {{"name", std::string("bad\xff")}};
  try {
    common::dump_json(j);
    FAIL("dump_json accepted invalid UTF-8");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::bad_data);
    CHECK(contains(e.what(), "not valid UTF-8"));
  }
}
