#include <imgapi/server/import_image.hpp>
#include <imgapi/server/rest_error.hpp>

#include "server_test_support.hpp"

using namespace imgapi::server;
using server_test::uuid_n;

namespace {

const std::string k_admin = "930896af-bf8c-48d4-885c-6573a94b1853";

// An updates-server manifest as a client sends it to AdminImportImage.
common::Json updates_manifest(const std::string& uuid) {
  return {{"v", 2},
          {"uuid", uuid},
          {"owner", k_unset_owner},
          {"name", "imgapi"},
          {"version", "master-20250101T000000Z-g1a2b3c4"},
          {"state", "active"},
          {"disabled", false},
          {"public", false},
          {"published_at", "2025-01-01T00:00:00Z"},
          {"type", "zone-dataset"},
          {"os", "smartos"},
          {"files", {{{"sha1", std::string(40, 'a')}, {"size", 5}, {"compression", "gzip"}}}},
          {"requirements", {{"min_platform", {{"7.0", "20210826T002459Z"}}}}},
          {"tags", {{"smartdc_service", true}}}};
}

BuildOptions import_options() {
  BuildOptions o;
  o.kind = CreateKind::import;
  o.admin_uuid = k_admin;
  o.skip_owner_check = true;
  return o;
}

RestError error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const RestError& e) {
    return e;
  }
  FAIL("no RestError");
  return RestError(0, "", "");
}

}  // namespace

TEST_CASE("import request checks, in IMGAPI's order", "[import]") {
  std::string u = uuid_n(1);
  Params account{{"account", uuid_n(2)}};
  CHECK(error_of([&] { check_import_request(u, updates_manifest(u), account); }).status() == 403);
  RestError e = error_of([&] { check_import_request(u, std::nullopt, {}); });
  CHECK(e.code() == "ValidationFailed");
  CHECK(std::string(e.what()) == "missing request body (image manifest)");
  e = error_of([&] { check_import_request(u, common::Json::array(), {}); });
  CHECK(e.code() == "ValidationFailed");
  CHECK_THAT(e.what(), Catch::Contains("must be a JSON object"));
  e = error_of([&] { check_import_request(u, updates_manifest(uuid_n(3)), {}); });
  CHECK(e.code() == "InvalidParameter");
  CHECK(std::string(e.what()) == "URL UUID, \"" + u + "\" and body UUID, \"" + uuid_n(3) +
                                     "\" do not match");
  common::Json no_uuid = updates_manifest(u);
  no_uuid.erase("uuid");
  CHECK(std::string(error_of([&] { check_import_request(u, no_uuid, {}); }).what()) ==
        "URL UUID, \"" + u + "\" and body UUID, \"undefined\" do not match");
  e = error_of([&] { check_import_request(u, updates_manifest(u), {{"skip_owner_check", "1"}}); });
  CHECK(e.code() == "InvalidParameter");
  CHECK_FALSE(check_import_request(u, updates_manifest(u), {}).skip_owner_check);
  common::Json with_channels = updates_manifest(u);
  with_channels["channels"] = {"dev"};
  ImportRequest r = check_import_request(u, with_channels, {{"skip_owner_check", "true"}});
  CHECK(r.skip_owner_check);
  CHECK_FALSE(r.body.contains("channels"));
}

TEST_CASE("an updates-server manifest imports as unactivated, files and state dropped",
          "[import]") {
  common::Json body = check_import_request(uuid_n(1), updates_manifest(uuid_n(1)), {}).body;
  BuildOptions o = import_options();
  apply_owner(body, o);
  CHECK(body["owner"] == k_admin);
  ImageRecord r = build_record(body, o);
  CHECK(r.uuid == uuid_n(1));
  CHECK_FALSE(r.activated);
  CHECK_FALSE(r.file);
  CHECK(r.state() == "unactivated");
  CHECK(r.string_field("published_at") == "2025-01-01T00:00:00Z");
  CHECK(r.fields["tags"] == common::Json({{"smartdc_service", true}}));
  CHECK(r.channels.empty());
}

TEST_CASE("owners: unset becomes the admin, others need skip_owner_check", "[import]") {
  BuildOptions o = import_options();
  o.skip_owner_check = false;
  common::Json body = updates_manifest(uuid_n(1));
  body["owner"] = uuid_n(7);
  RestError e = error_of([&] { apply_owner(body, o); });
  CHECK(e.code() == "OwnerDoesNotExist");
  CHECK(std::string(e.what()) == "owner \"" + uuid_n(7) + "\" does not exist");
  o.skip_owner_check = true;
  apply_owner(body, o);
  CHECK(body["owner"] == uuid_n(7));
  body["owner"] = k_admin;
  o.skip_owner_check = false;
  apply_owner(body, o);  // the admin exists
  body["owner"] = 42;
  apply_owner(body, o);  // left for validation
}

TEST_CASE("extra fields and bad published_at are InvalidParameter", "[import]") {
  common::Json body = updates_manifest(uuid_n(1));
  body["activated"] = true;
  body["foo"] = 1;
  RestError e = error_of([&] { build_record(body, import_options()); });
  CHECK(e.code() == "InvalidParameter");
  CHECK(std::string(e.what()) == "invalid extra parameters: \"activated\", \"foo\"");
  CHECK(e.body()["errors"] == common::Json({{{"field", "activated"}, {"code", "Invalid"}},
                                            {{"field", "foo"}, {"code", "Invalid"}}}));
  body = updates_manifest(uuid_n(1));
  body["image_size"] = 10;  // only zvols carry it
  CHECK(std::string(error_of([&] { build_record(body, import_options()); }).what()) ==
        "invalid extra parameters: \"image_size\"");
  body = updates_manifest(uuid_n(1));
  body["published_at"] = 12345;
  CHECK(std::string(error_of([&] { build_record(body, import_options()); }).what()) ==
        "invalid \"published_at\"");
}

TEST_CASE("zvol fields are kept for zvols", "[import]") {
  common::Json body = updates_manifest(uuid_n(1));
  body["type"] = "zvol";
  body["os"] = "linux";
  body["nic_driver"] = "virtio";
  body["disk_driver"] = "virtio";
  body["cpu_type"] = "host";
  body["image_size"] = "10240";
  body["owner"] = k_admin;
  ImageRecord r = build_record(body, import_options());
  CHECK(r.fields["image_size"] == 10240);
  CHECK(r.fields["cpu_type"] == "host");
}

TEST_CASE("validation failures are ValidationFailed with errors[]", "[import]") {
  common::Json body = updates_manifest(uuid_n(1));
  body["owner"] = k_admin;
  body.erase("v");
  RestError e = error_of([&] { build_record(body, import_options()); });
  CHECK(e.code() == "ValidationFailed");
  CHECK(std::string(e.what()) == "invalid image data: v");
  CHECK(e.body()["errors"][0]["field"] == "v");
  CHECK(e.body()["errors"][0]["code"] == "MissingParameter");

  body = updates_manifest(uuid_n(1));
  body["owner"] = k_admin;
  body["icon"] = true;
  e = error_of([&] { build_record(body, import_options()); });
  CHECK(e.code() == "ValidationFailed");
  CHECK(std::string(e.what()) == "invalid image data: icon");

  body = updates_manifest(uuid_n(1));
  body["owner"] = k_admin;
  body["name"] = "no*stars";
  body["os"] = "plan9";
  e = error_of([&] { build_record(body, import_options()); });
  CHECK_THAT(e.what(), Catch::Contains("name") && Catch::Contains("os"));
}

TEST_CASE("CreateImage bodies: no state, v defaults to 2, a fresh uuid", "[import]") {
  common::Json body = updates_manifest(uuid_n(1));
  RestError e = error_of([&] { prepare_create_body(body); });
  CHECK(std::string(e.what()) == "invalid image data: \"state\"");
  body.erase("state");
  body.erase("v");
  body.erase("uuid");
  body.erase("published_at");
  body["owner"] = k_admin;
  common::Json prepared = prepare_create_body(body);
  CHECK(prepared["v"] == 2);
  CHECK_FALSE(prepared.contains("channels"));
  BuildOptions o;
  o.kind = CreateKind::create;
  o.admin_uuid = k_admin;
  o.new_uuid = uuid_n(5);
  ImageRecord r = build_record(prepared, o);
  CHECK(r.uuid == uuid_n(5));
  CHECK_FALSE(r.fields.contains("published_at"));
  common::Json with_uuid = prepared;
  with_uuid["uuid"] = uuid_n(6);  // the server picks the uuid on create
  CHECK(error_of([&] { build_record(with_uuid, o); }).code() == "InvalidParameter");
}
