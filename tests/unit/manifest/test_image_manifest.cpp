// Tests for manifest/image_manifest.cpp: parsing, accessors, and serialization in
// IMGAPI's key order without losing any field.
#include <manifest/image_manifest.hpp>

#include <common/error.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using common::Error;
using common::ExitCode;
using common::Json;
using manifest::ImageManifest;

namespace {

std::string read_data(const std::string& name) {
  const char* source = std::getenv("SDCB_SOURCE");
  REQUIRE(source != nullptr);
  const std::string path = std::string(source) + "/tests/unit/manifest/data/" + name;
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> keys(const Json& j) {
  std::vector<std::string> out;
  for (const auto& item : j.items()) out.push_back(item.key());
  return out;
}

// The parse failure message for `text` ("" if it parses).
std::string parse_failure(const std::string& text) {
  try {
    ImageManifest::parse(text, "m.json");
  } catch (const Error& e) {
    REQUIRE(e.code() == ExitCode::bad_data);
    return e.what();
  }
  return "";
}

const char* const k_manifest_fixtures[] = {
    "activateimage-response.docs.json",
    "addimagefile-response-unactivated.docs.json",
    "addimageicon-response.docs.json",
    "createimage-response-unactivated.docs.json",
    "disableimage-response.docs.json",
    "getimage-smartos-1.6.3-dc-imgapi.docs.json",
    "import-manifest-v2-no-files.fauxnodejs.sdc-imgapi-test.json",
    "manifest-example-smartos-1.6.3.docs.json",
    "imgapi-cnapi-image-manifest-subset.unit-test.json",
    "legacy-v1-dsmanifest.fauxnodejs.sdc-imgapi-test.json",
};

const char* const k_shuffled = R"({
  "zzz_unknown": {"x": 1}, "channels": ["dev"], "error": {"message": "m"},
  "traits": {"a": true}, "billing_tags": ["b"], "tags": {"smartdc_service": true},
  "image_size": 10, "cpu_type": "host", "disk_driver": "virtio", "nic_driver": "virtio",
  "origin": "f9f8d4e5-30d9-438e-88f7-ea745370049b", "inherited_directories": ["/opt"],
  "generate_passwords": true, "users": [{"name": "root"}], "requirements": {"ssh_key": true},
  "urn": "sdc:sdc:x:1", "icon": true, "eula": "http://e", "homepage": "http://h",
  "description": "d", "acl": ["930896af-bf8c-48d4-885c-6573a94b1853"],
  "files": [{"extra": 1, "stor": "local", "dataset_guid": "9", "compression": "gzip",
             "size": 5, "sha1": "cd0e0510c4a0799551687901077d7c4c06a4ebd8"}],
  "os": "smartos", "type": "zvol", "published_at": "2013-01-08T20:21:17.932Z",
  "public": false, "disabled": false, "state": "active", "version": "1.0.0",
  "name": "foo", "owner": "930896af-bf8c-48d4-885c-6573a94b1853",
  "aaa_unknown": 7, "uuid": "e70502b0-705e-498e-a810-53a03980eabf", "v": 2
})";

}  // namespace

TEST_CASE("every manifest fixture parses and round-trips with every field", "[manifest]") {
  for (const char* name : k_manifest_fixtures) {
    INFO(name);
    const std::string text = read_data(name);
    const ImageManifest m = ImageManifest::parse(text, name);
    const Json original = common::parse_json(text, name);
    const ImageManifest again = ImageManifest::parse(m.dump(), name);
    // Same fields, same values; only the key order may differ.
    CHECK(again.json().size() == original.size());
    for (const auto& item : original.items()) {
      REQUIRE(again.json().contains(item.key()));
      // Nested key order may change (files[] entries), values may not.
      CHECK(nlohmann::json::parse(again.json()[item.key()].dump()) ==
            nlohmann::json::parse(item.value().dump()));
    }
    CHECK(again.dump() == m.dump());  // serialization is stable
  }
}

TEST_CASE("dump() emits keys in IMGAPI order, unknown keys last in input order", "[manifest]") {
  const ImageManifest m = ImageManifest::parse(k_shuffled, "shuffled");
  const Json out = common::parse_json(m.dump(), "dump");
  const std::vector<std::string> expected = {
      "v", "uuid", "owner", "name", "version", "state", "disabled", "public", "published_at",
      "type", "os", "files", "acl", "description", "homepage", "eula", "icon", "urn",
      "requirements", "users", "generate_passwords", "inherited_directories", "origin",
      "nic_driver", "disk_driver", "cpu_type", "image_size", "tags", "billing_tags", "traits",
      "error", "channels", "zzz_unknown", "aaa_unknown"};
  CHECK(keys(out) == expected);
  CHECK(keys(out["files"][0]) ==
        std::vector<std::string>{"sha1", "size", "compression", "dataset_guid", "stor", "extra"});
  CHECK(m.dump().rfind("{\n  \"v\": 2,\n  \"uuid\": \"e70502b0", 0) == 0);
  // The held JSON keeps the order it was received in.
  CHECK(m.json().begin().key() == "zzz_unknown");
}

TEST_CASE("in_imgapi_order leaves values and non-objects alone", "[manifest]") {
  const Json scalar = 5;
  CHECK(manifest::in_imgapi_order(scalar) == scalar);
  const Json j = common::parse_json(R"({"b": 1, "name": "x", "files": "notarray"})", "j");
  const Json out = manifest::in_imgapi_order(j);
  CHECK(keys(out) == std::vector<std::string>{"name", "files", "b"});
  CHECK(out["files"] == "notarray");
}

TEST_CASE("accessors read the fields the toolchain uses", "[manifest]") {
  const ImageManifest m = ImageManifest::parse(k_shuffled, "shuffled");
  CHECK(m.uuid() == "e70502b0-705e-498e-a810-53a03980eabf");
  CHECK(m.name() == "foo");
  CHECK(m.version() == "1.0.0");
  CHECK(m.published_at() == "2013-01-08T20:21:17.932Z");
  CHECK(m.origin() == std::optional<std::string>("f9f8d4e5-30d9-438e-88f7-ea745370049b"));
  CHECK(m.type() == "zvol");
  CHECK(m.state() == "active");
  REQUIRE(m.file());
  CHECK(m.file()->sha1 == "cd0e0510c4a0799551687901077d7c4c06a4ebd8");
  CHECK(m.file()->size == 5);
  CHECK(m.file()->compression == "gzip");
  CHECK(m.channels() == std::vector<std::string>{"dev"});
  CHECK(m.tag_string("smartdc_service") == "true");
  CHECK(m.tag_string("absent").empty());
}

TEST_CASE("accessors on sparse manifests give empty values", "[manifest]") {
  const ImageManifest m = ImageManifest::parse(
      R"({"uuid": "e70502b0-705e-498e-a810-53a03980eabf", "name": "n", "version": "1",
          "origin": null, "files": [], "channels": ["dev", 5],
          "tags": {"s": "true", "b": false, "n": 3, "o": {"k": [1]}, "z": null}})",
      "sparse");
  CHECK(m.published_at().empty());
  CHECK_FALSE(m.origin());
  CHECK(m.type().empty());
  CHECK_FALSE(m.file());
  CHECK(m.channels() == std::vector<std::string>{"dev"});
  CHECK(m.tag_string("s") == "true");
  CHECK(m.tag_string("b") == "false");
  CHECK(m.tag_string("n") == "3");
  CHECK(m.tag_string("o") == R"({"k":[1]})");
  CHECK(m.tag_string("z").empty());
}

TEST_CASE("file() refuses files[0] with wrong types", "[manifest]") {
  const std::string head =
      R"({"uuid": "e70502b0-705e-498e-a810-53a03980eabf", "name": "n", "version": "1", "files": )";
  for (const char* files : {R"([{"sha1": "a", "size": "5", "compression": "gzip"}])",
                            R"([{"sha1": "a", "size": -5, "compression": "gzip"}])",
                            R"([{"sha1": "a", "size": 1.5, "compression": "gzip"}])",
                            R"([{"sha1": 5, "size": 5, "compression": "gzip"}])",
                            R"([{"sha1": "a", "size": 5}])", R"([null])"}) {
    INFO(files);
    const ImageManifest m = ImageManifest::parse(head + files + "}", "m");
    try {
      (void)m.file();
      FAIL("file() accepted " << files);
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::bad_data);
      CHECK(std::string(e.what()).find("files[0]") != std::string::npos);
    }
  }
}

TEST_CASE("parse() refuses non-manifests with the field named", "[manifest]") {
  CHECK(parse_failure("[1, 2]").find("must be a JSON object, got array") != std::string::npos);
  CHECK(parse_failure(R"({"uuid": 5, "name": "n", "version": "1"})")
            .find("\"uuid\" must be a string, got number") != std::string::npos);
  CHECK(parse_failure(R"({"name": "n", "version": "1"})").find("no \"uuid\"") != std::string::npos);
  CHECK(parse_failure(R"({"uuid": "E70502B0-705E-498E-A810-53A03980EABF", "name": "n", "version": "1"})")
            .find("not a lower-case UUID") != std::string::npos);
  CHECK(parse_failure(R"({"uuid": "e70502b0-705e-498e-a810-53a03980eabf", "version": "1"})")
            .find("no \"name\"") != std::string::npos);
  CHECK(parse_failure(R"({"uuid": "e70502b0-705e-498e-a810-53a03980eabf", "name": "n", "version": 1})")
            .find("\"version\" must be a string") != std::string::npos);
  CHECK(parse_failure(read_data("sdcadm-shar-imgmanifest.template.json")).find("uuid") !=
        std::string::npos);
  CHECK(parse_failure("{").find("m.json: invalid JSON") == 0);
}

TEST_CASE("is_uuid follows IMGAPI's lower-case regex", "[manifest]") {
  CHECK(manifest::is_uuid("e70502b0-705e-498e-a810-53a03980eabf"));
  CHECK(manifest::is_uuid("00000000-0000-0000-0000-000000000000"));
  CHECK_FALSE(manifest::is_uuid("E70502B0-705E-498E-A810-53A03980EABF"));
  CHECK_FALSE(manifest::is_uuid("e70502b0-705e-498e-a810-53a03980eab"));
  CHECK_FALSE(manifest::is_uuid("e70502b0-705e-498e-a810-53a03980eabf0"));
  CHECK_FALSE(manifest::is_uuid("e70502b0x705e-498e-a810-53a03980eabf"));
  CHECK_FALSE(manifest::is_uuid("g70502b0-705e-498e-a810-53a03980eabf"));
  CHECK_FALSE(manifest::is_uuid(""));
}
