// Tests for manifest/js_value.cpp and manifest/js_url.cpp: the JavaScript conversions the
// validator relies on. Expected values are what node 20 prints for the same expressions.
#include <manifest/js_url.hpp>
#include <manifest/js_value.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

using common::Json;
namespace js = manifest::js;

namespace {

Json parse(const std::string& text) { return common::parse_json(text, "test"); }

}  // namespace

TEST_CASE("number_to_string matches Number.prototype.toString", "[js]") {
  CHECK(js::number_to_string(1) == "1");
  CHECK(js::number_to_string(-1.5) == "-1.5");
  CHECK(js::number_to_string(0.1) == "0.1");
  CHECK(js::number_to_string(-0.0) == "0");
  CHECK(js::number_to_string(1e21) == "1e+21");
  CHECK(js::number_to_string(1e20) == "100000000000000000000");
  CHECK(js::number_to_string(123456789012345680000.0) == "123456789012345680000");
  CHECK(js::number_to_string(1e-7) == "1e-7");
  CHECK(js::number_to_string(1.5e-7) == "1.5e-7");
  CHECK(js::number_to_string(0.000001) == "0.000001");
  CHECK(js::number_to_string(1e300) == "1e+300");
  CHECK(js::number_to_string(1.7976931348623157e308) == "1.7976931348623157e+308");
  CHECK(js::number_to_string(5e-324) == "5e-324");
  CHECK(js::number_to_string(9007199254740993.0) == "9007199254740992");
  CHECK(js::number_to_string(12345678901234567890.0) == "12345678901234567000");
  CHECK(js::number_to_string(NAN) == "NaN");
  CHECK(js::number_to_string(-INFINITY) == "-Infinity");
}

TEST_CASE("string_to_number matches Number(string)", "[js]") {
  auto n = [](const std::u16string& s) { return js::string_to_number(s); };
  CHECK(n(u" 7 ") == 7);
  CHECK(n(u"") == 0);
  CHECK(n(u" \t\n") == 0);
  CHECK(n(u"0x10") == 16);
  CHECK(n(u"0X1f") == 31);
  CHECK(n(u"0o17") == 15);
  CHECK(n(u"0b101") == 5);
  CHECK(n(u"1e3") == 1000);
  CHECK(n(u"1E-1") == 0.1);
  CHECK(n(u".5") == 0.5);
  CHECK(n(u"5.") == 5);
  CHECK(n(u"+5") == 5);
  CHECK(n(u"-Infinity") == -INFINITY);
  CHECK(n(u"\u00a02\u2028") == 2);
  CHECK(n(u"\ufeff3") == 3);
  CHECK(std::isnan(n(u".")));
  CHECK(std::isnan(n(u"+-1")));
  CHECK(std::isnan(n(u"-0x10")));
  CHECK(std::isnan(n(u"0x")));
  CHECK(std::isnan(n(u"1_000")));
  CHECK(std::isnan(n(u"1e")));
  CHECK(std::isnan(n(u"abc")));
  CHECK(std::isnan(n(u"infinity")));
  CHECK(std::isnan(n(u"0b2")));
}

TEST_CASE("to_number, to_string and truthy follow ToNumber, String and ToBoolean", "[js]") {
  CHECK(js::to_number(parse("null")) == 0);
  CHECK(js::to_number(parse("true")) == 1);
  CHECK(js::to_number(parse("[]")) == 0);
  CHECK(js::to_number(parse("[[3]]")) == 3);
  CHECK(std::isnan(js::to_number(parse("[1,2]"))));
  CHECK(std::isnan(js::to_number(parse("{}"))));
  CHECK(js::to_number(parse("\" 12 \"")) == 12);
  CHECK(js::to_string(parse("[1,[2,null],\"a\",true]")) == "1,2,,a,true");
  CHECK(js::to_string(parse("{\"a\":1}")) == "[object Object]");
  CHECK(js::to_string(parse("null")) == "null");
  CHECK(js::to_string(parse("1.50")) == "1.5");
  CHECK(js::to_string(parse("1e21")) == "1e+21");
  CHECK_FALSE(js::truthy(parse("0")));
  CHECK_FALSE(js::truthy(parse("-0.0")));
  CHECK_FALSE(js::truthy(parse("\"\"")));
  CHECK_FALSE(js::truthy(parse("null")));
  CHECK(js::truthy(parse("[]")));
  CHECK(js::truthy(parse("{}")));
  CHECK(js::truthy(parse("\"0\"")));
  CHECK(js::truthy(parse("-1")));
  CHECK(js::type_of(parse("null")) == "object");
  CHECK(js::type_of(parse("[]")) == "object");
  CHECK(js::type_of(parse("1")) == "number");
}

TEST_CASE("lengths are counted in UTF-16 code units", "[js]") {
  CHECK(js::utf16_length("abc") == 3);
  CHECK(js::utf16_length("caf\xc3\xa9") == 4);
  CHECK(js::utf16_length("\xe2\x82\xac") == 1);
  CHECK(js::utf16_length("\xf0\x9f\x98\x80") == 2);
  CHECK(js::utf16("\xf0\x9f\x98\x80") == u"\U0001F600");
  CHECK(js::length_exceeds(parse("\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\""), 3) == true);
  CHECK(js::length_exceeds(parse("\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\""), 4) == false);
  CHECK(js::length_exceeds(parse("[1,2,3]"), 2) == true);
  CHECK(js::length_exceeds(parse("{\"length\": \"5\"}"), 4) == true);
  CHECK(js::length_exceeds(parse("{\"length\": \"x\"}"), 4) == false);
  CHECK(js::length_exceeds(parse("12345"), 1) == false);
  CHECK_FALSE(js::length_exceeds(parse("null"), 1).has_value());
}

TEST_CASE("stringify_length equals JSON.stringify(v).length", "[js]") {
  CHECK(js::stringify_length(parse("{\"a\":\"\\u0001\"}")) == 14);
  CHECK(js::stringify_length(parse("{\"a\":\"\\n\\\"\"}")) == 12);
  CHECK(js::stringify_length(parse("{\"\xf0\x9f\x98\x80\":[1.0,null,true,false,{}]}")) == 29);  // 1.0 prints as 1
  CHECK(js::stringify_length(parse("[1e-7, 1e21, 0.1, -0.0]")) == 18);
  CHECK(js::stringify_length(parse("{}")) == 2);
  CHECK(js::stringify_length(parse("[]")) == 2);
}

TEST_CASE("is_integral_number accepts integral floats only", "[js]") {
  CHECK(js::is_integral_number(parse("5")));
  CHECK(js::is_integral_number(parse("-5")));
  CHECK(js::is_integral_number(parse("2.0")));
  CHECK(js::is_integral_number(parse("1e300")));
  CHECK_FALSE(js::is_integral_number(parse("1.5")));
  CHECK_FALSE(js::is_integral_number(parse("\"5\"")));
}

TEST_CASE("classify_url follows node's url.parse protocol and host rules", "[js][url]") {
  using js::UrlVerdict;
  CHECK(js::classify_url("http://x") == UrlVerdict::http);
  CHECK(js::classify_url("HTTPS://X.EXAMPLE/a") == UrlVerdict::http);
  CHECK(js::classify_url(" \thttp://x ") == UrlVerdict::http);
  CHECK(js::classify_url("\xc2\xa0http://x") == UrlVerdict::http);
  CHECK(js::classify_url("http:foo") == UrlVerdict::http);
  CHECK(js::classify_url("https:") == UrlVerdict::http);
  CHECK(js::classify_url("http://[::1]/") == UrlVerdict::http);
  CHECK(js::classify_url("http://a@b@c/") == UrlVerdict::http);
  CHECK(js::classify_url("http://%41@x/") == UrlVerdict::http);
  CHECK(js::classify_url("http://x:99999") == UrlVerdict::http);
  CHECK(js::classify_url("http://a?[b") == UrlVerdict::http);
  CHECK(js::classify_url("http:x[y]") == UrlVerdict::http);
  CHECK(js::classify_url("ftp://x") == UrlVerdict::bad_protocol);
  CHECK(js::classify_url("javascript:alert(1)") == UrlVerdict::bad_protocol);
  CHECK(js::classify_url("x.example") == UrlVerdict::bad_protocol);
  CHECK(js::classify_url("//x.example") == UrlVerdict::bad_protocol);
  CHECK(js::classify_url("") == UrlVerdict::bad_protocol);
  CHECK(js::classify_url("http://[::1 x]/") == UrlVerdict::throws);
  CHECK(js::classify_url("http://a[/") == UrlVerdict::throws);
  CHECK(js::classify_url("http://a]/") == UrlVerdict::throws);
  CHECK(js::classify_url("HTTP:x[y]") == UrlVerdict::throws);
  CHECK(js::classify_url("http://%zz@x/") == UrlVerdict::throws);
  CHECK(js::classify_url("http://%C3@x/") == UrlVerdict::throws);
  CHECK(js::classify_url("http://%C3%A9@x/") == UrlVerdict::http);
  CHECK(js::classify_url("http://b\xc3\xbc" "cher.example/") == UrlVerdict::needs_idna);
  CHECK(js::classify_url("http://xn--bcher-kva.example/") == UrlVerdict::needs_idna);
  CHECK(js::classify_url("http://" + std::string(300, 'a') + "[/") == UrlVerdict::http);
}
