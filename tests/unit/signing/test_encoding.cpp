// signing/encoding, utc_time, canonical_json, strict_json: the small pieces every signed
// file relies on.
#include "signing_support.hpp"

#include <signing/canonical_json.hpp>
#include <signing/encoding.hpp>
#include <signing/strict_json.hpp>
#include <signing/utc_time.hpp>

using namespace signing_test;
using common::ExitCode;

TEST_CASE("base64 decoding is strict: one text per byte string") {
  CHECK(signing::encode_base64("") == "");
  CHECK(signing::encode_base64("f") == "Zg==");
  CHECK(signing::encode_base64("fo") == "Zm8=");
  CHECK(signing::encode_base64("foo") == "Zm9v");
  CHECK(signing::decode_base64("Zm9v") == std::optional<std::string>("foo"));
  CHECK(signing::decode_base64("Zg==") == std::optional<std::string>("f"));
  CHECK(signing::decode_base64("") == std::optional<std::string>(""));
  for (const char* bad : {"Zg", "Zg=", "Zh==", "Zm9v\n", " Zm9v", "Zm-v", "Z===", "Zg==Zg==", "Zm8=="}) {
    INFO(bad);
    CHECK_FALSE(signing::decode_base64(bad));
  }
  const std::string bytes = key(0).sign("x");
  CHECK(signing::decode_base64(signing::encode_base64(bytes)) == std::optional<std::string>(bytes));
}

TEST_CASE("hex and SHA-256 helpers") {
  CHECK(signing::encode_hex(std::string("\x01\xab", 2)) == "01ab");
  CHECK(signing::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(signing::is_sha256_hex(signing::sha256_hex("")));
  CHECK_FALSE(signing::is_sha256_hex(std::string(64, 'A')));
  CHECK_FALSE(signing::is_sha256_hex(std::string(63, 'a')));
}

TEST_CASE("UTC timestamps: exact RFC 3339 with seconds and Z") {
  CHECK(signing::parse_utc("1970-01-01T00:00:00Z") == std::optional<std::int64_t>(0));
  CHECK(signing::parse_utc("2025-11-25T12:00:00Z") == std::optional<std::int64_t>(k_now));
  CHECK(signing::parse_utc("2024-02-29T23:59:59Z") == std::optional<std::int64_t>(1709251199));
  CHECK(signing::format_utc(k_now) == "2025-11-25T12:00:00Z");
  for (const char* bad : {"2025-11-25T12:00:00", "2025-11-25 12:00:00Z", "2025-02-30T00:00:00Z",
                          "2025-11-25T12:00:00.000Z", "2025-11-25T12:00:00+00:00", ""}) {
    INFO(bad);
    CHECK_FALSE(signing::parse_utc(bad));
  }
}

TEST_CASE("canonical JSON: sorted keys, compact, integers only; equal to jq -cjS") {
  const common::Json j = common::parse_json(
      R"({"z": 1, "a": {"y": [3, "x\u0001", true, null], "b": "é"}, "M": -5})", "t");
  const std::string canon = signing::canonical_json(j);
  CHECK(canon == "{\"M\":-5,\"a\":{\"b\":\"é\",\"y\":[3,\"x\\u0001\",true,null]},\"z\":1}");
  TempDir dir;
  write_text(dir.file("in.json"), R"({"z": 1, "a": {"y": [3, "x", true, null], "b": "c"}, "M": -5})");
  shell("jq -cjS . " + dir.file("in.json") + " > " + dir.file("jq.out"));
  CHECK(slurp(dir.file("jq.out")) ==
        signing::canonical_json(common::parse_json(slurp(dir.file("in.json")), "t")));
  CHECK(code_of([] { signing::canonical_json(common::parse_json(R"({"a":[1.5]})", "t")); }) ==
        ExitCode::bad_data);
  CHECK(message_of([] { signing::canonical_json(common::parse_json(R"({"a":[1.5]})", "t")); })
            .find("a[0]") != std::string::npos);
}

TEST_CASE("strict JSON: duplicate keys, unknown keys, wrong types are bad data naming the field") {
  const signing::StrictReader r("test file");
  CHECK(code_of([&] { r.parse_object(R"({"a":1,"a":2})", 1000, 8); }) == ExitCode::bad_data);
  CHECK(message_of([&] { r.parse_object(R"({"x":{"a":1,"a":2}})", 1000, 8); }).find("twice") !=
        std::string::npos);
  CHECK(code_of([&] { r.parse_object("[1]", 1000, 8); }) == ExitCode::bad_data);
  CHECK(code_of([&] { r.parse_object("{\"a\":1} x", 1000, 8); }) == ExitCode::bad_data);
  CHECK(code_of([&] { r.parse_object("[[[[[[[[[[{}]]]]]]]]]]", 1000, 8); }) == ExitCode::bad_data);
  CHECK(code_of([&] { r.parse_object(std::string(2000, ' ') + "{}", 1000, 8); }) == ExitCode::bad_data);
  const auto j = r.parse_object(R"({"s":"x","i":3,"f":1.0,"big":18446744073709551615})", 1000, 8);
  CHECK(message_of([&] { r.only_keys(j, "", {"s", "i"}); }).find("f: unknown key") != std::string::npos);
  CHECK(r.string(j, "s", "") == "x");
  CHECK(r.integer(j, "i", "") == 3);
  CHECK(code_of([&] { r.integer(j, "f", ""); }) == ExitCode::bad_data);
  CHECK(code_of([&] { r.integer(j, "big", ""); }) == ExitCode::bad_data);
  CHECK(message_of([&] { r.string(j, "missing", "top"); }) == "test file: top.missing: missing");
}
