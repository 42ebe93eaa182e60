#include <tools/fake_sdcadm/spec.hpp>

#include <common/error.hpp>

#include <catch2/catch.hpp>

using fake_sdcadm::Change;
using fake_sdcadm::change_from_arg;
using fake_sdcadm::parse_spec;

namespace {

const std::string k_img = "11f2be78-fc8c-e556-bc01-ecdbc3fb4e66";

std::string error_of(const std::string& text) {
  try {
    parse_spec(text);
  } catch (const common::Error& e) {
    CHECK(e.code() != common::ExitCode::ok);
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("spec: the forms sdcadm accepts", "[fake_sdcadm]") {
  // The design doc's example (fixtures/sdcadm/update-spec-service-image.design-doc.json).
  auto changes = parse_spec(R"({"service": "cnapi", "image": ")" + k_img + R"("})");
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].kind == Change::Kind::update_service);
  CHECK(changes[0].service == "cnapi");
  CHECK(changes[0].image == k_img);
  CHECK(changes[0].repr == R"({"service":"cnapi","image":")" + k_img + R"("})");
  // The repr the later steps print: "type" appended by validateChanges.
  CHECK(changes[0].typed_repr == R"({"service":"cnapi","image":")" + k_img + R"(","type":"update-service"})");
  // Not a UUID: not refused here (getImage fails later, plan.cpp).
  CHECK(parse_spec(R"({"service": "cnapi", "image": "/usbkey/images/x.imgfile"})").size() == 1);

  changes = parse_spec(R"([{"type": "update-instance", "instance": "imgapi0", "image": ")" + k_img +
                       R"("}, {"service": "sapi", "version": "master-20250101T000000Z-g1"},
                           {"service": "vm-agent", "server": "headnode", "image": ")" + k_img + R"("}])");
  REQUIRE(changes.size() == 3);
  CHECK(changes[0].kind == Change::Kind::update_instance);
  CHECK(changes[0].instance == "imgapi0");
  CHECK(changes[1].version == "master-20250101T000000Z-g1");
  CHECK(!changes[1].image);
  CHECK(changes[2].kind == Change::Kind::update_agent_on_server);
  CHECK(changes[2].server == "headnode");
  CHECK(changes[0].typed_repr == R"({"type":"update-instance","instance":"imgapi0","image":")" + k_img + R"("})");
  CHECK(changes[2].typed_repr.find(R"(,"type":"update-instance"})") != std::string::npos);
}

TEST_CASE("spec: refusals in sdcadm's words", "[fake_sdcadm]") {
  CHECK(error_of(R"({"service": "cnapi", "image": ")" + k_img + R"(", "foo": 1, "alias": "x"})") ==
        R"(invalid extra fields "foo", "alias" in {"service":"cnapi","image":")" + k_img +
            R"(","foo":1,"alias":"x"})");
  CHECK(error_of(R"({"instance": "x", "server": "y"})") ==
        R"(invalid extra fields "server" in {"instance":"x","server":"y"})");
  CHECK(error_of(R"({"service": 5})") == R"("service" in {"service":5} (string) is required)");
  CHECK(error_of(R"({"uuid": "x"})") == R"(invalid change: {"uuid":"x"})");
  CHECK(error_of(R"({"service": "cnapi", "type": "update-instance"})") ==
        R"(invalid type "update-service" change in {"service":"cnapi","type":"update-instance"})");
  CHECK(error_of(R"({"type": "delete", "instance": "x"})") ==
        R"(do not support the following changes: {"type":"delete","instance":"x"})");
  // sdcadm's MultiError (lib/errors.js:188-204).
  CHECK(error_of(R"([{"service": "imgapi", "image": 5}, {"frob": 1}])") ==
        "multiple (2) errors\n"
        "    error (Validation): \"image\" in {\"service\":\"imgapi\",\"image\":5} (string) is required\n"
        "    error (Validation): invalid change: {\"frob\":1}");
  CHECK(parse_spec("[]").empty());  // no change: "Up-to-date."
  CHECK(error_of("42") == "invalid update spec: must be a JSON object or array, not 42");
  CHECK(error_of("[1]") == "invalid change: 1");
  CHECK(error_of("").find("invalid JSON") != std::string::npos);
  CHECK(error_of(std::string(100, '[')).find("nested deeper") != std::string::npos);
}

TEST_CASE("spec: command-line arguments", "[fake_sdcadm]") {
  Change c = change_from_arg("imgapi@" + k_img, true);
  CHECK(c.kind == Change::Kind::update_service);
  CHECK(c.image == k_img);
  c = change_from_arg("imgapi@1.2.3", true);
  CHECK(c.version == "1.2.3");
  CHECK(!c.image);
  c = change_from_arg("imgapi0", false);
  CHECK(c.kind == Change::Kind::update_instance);
  CHECK(c.instance == "imgapi0");
}
