#include <imgapi/server/catalog_store.hpp>
#include <imgapi/server/rest_error.hpp>

#include <common/error.hpp>
#include <common/hash.hpp>

#include "server_test_support.hpp"

using namespace imgapi::server;
using server_test::TempDir;
using server_test::uuid_n;
using server_test::write_file;

namespace {

common::Json manifest_for(const std::string& uuid, const std::string& bytes,
                          std::vector<std::string> channels = {"dev"}) {
  return {{"v", 2},
          {"uuid", uuid},
          {"owner", "00000000-0000-0000-0000-000000000000"},
          {"name", "imgapi"},
          {"version", "1.0"},
          {"state", "active"},
          {"disabled", false},
          {"public", false},
          {"published_at", "2025-01-01T00:00:00Z"},
          {"type", "other"},
          {"os", "other"},
          {"files", {{{"sha1", common::hex_digest(common::HashAlgorithm::sha1, bytes)},
                      {"size", bytes.size()},
                      {"compression", "none"}}}},
          {"channels", channels}};
}

void add_image(const TempDir& dir, const std::string& uuid, const std::string& bytes,
               const common::Json& manifest) {
  write_file(dir.file(uuid + ".imgmanifest"), common::dump_json(manifest));
  write_file(dir.file(uuid + ".imgfile"), bytes);
}

std::string load_error(const std::string& dir, common::ExitCode code = common::ExitCode::bad_data) {
  try {
    CatalogStore store(dir);
  } catch (const common::Error& e) {
    CHECK(e.code() == code);
    return e.what();
  }
  FAIL("catalog accepted");
  return "";
}

}  // namespace

TEST_CASE("catalog: manifests, files and the standard channels", "[catalog]") {
  TempDir dir;
  add_image(dir, uuid_n(1), "payload", manifest_for(uuid_n(1), "payload"));
  add_image(dir, uuid_n(2), "other", manifest_for(uuid_n(2), "other", {"release", "support"}));
  CatalogStore store(dir.path());
  CHECK(store.all().size() == 2);
  CHECK(store.channels().default_name() == std::optional<std::string>("dev"));
  RecordPtr r = store.find(uuid_n(2));
  REQUIRE(r);
  CHECK(r->channels == std::vector<std::string>{"release", "support"});
  CHECK(r->state() == "active");
  CHECK(r->file->size == 5);
  CHECK_FALSE(r->fields.contains("state"));
  CHECK_FALSE(r->fields.contains("files"));
  CHECK(store.find(uuid_n(3)) == nullptr);
}

TEST_CASE("catalog: Content-MD5 is computed once and checks the sha1", "[catalog]") {
  TempDir dir;
  add_image(dir, uuid_n(1), "payload", manifest_for(uuid_n(1), "payload"));
  CatalogStore store(dir.path());
  RecordPtr r = store.find(uuid_n(1));
  std::string md5 = common::to_base64([] {
    common::Hasher h(common::HashAlgorithm::md5);
    h.update("payload");
    return h.finish();
  }());
  CHECK(store.content_md5(*r) == md5);
  write_file(dir.file(uuid_n(1) + ".imgfile"), "PAYLOAD");  // same size, other bytes
  CHECK(store.content_md5(*r) == md5);                     // cached

  CatalogStore fresh(dir.path());
  try {
    fresh.content_md5(*fresh.find(uuid_n(1)));
    FAIL("sha1 mismatch not noticed");
  } catch (const RestError& e) {
    CHECK(e.status() == 500);
    CHECK_THAT(e.what(), Catch::Contains("does not match its manifest's sha1"));
  }
  write_file(dir.file(uuid_n(1) + ".imgfile"), "short");
  CHECK_THROWS_AS(fresh.open_file(*fresh.find(uuid_n(1))), RestError);
}

TEST_CASE("catalog: every problem refuses the catalog, naming the file", "[catalog]") {
  TempDir dir;
  add_image(dir, uuid_n(1), "payload", manifest_for(uuid_n(1), "payload"));
  write_file(dir.file(uuid_n(1) + ".imgfile"), "pay");
  CHECK_THAT(load_error(dir.path()), Catch::Contains(uuid_n(1) + ".imgfile has 3 bytes"));

  std::filesystem::remove(dir.file(uuid_n(1) + ".imgfile"));
  CHECK_THAT(load_error(dir.path()), Catch::Contains("is missing"));

  add_image(dir, uuid_n(1), "payload", manifest_for(uuid_n(1), "payload", {"nightly"}));
  CHECK_THAT(load_error(dir.path()), Catch::Contains("unknown channel \"nightly\""));

  add_image(dir, uuid_n(1), "payload", manifest_for(uuid_n(2), "payload"));
  CHECK_THAT(load_error(dir.path()), Catch::Contains("the uuid in the file name"));

  common::Json m = manifest_for(uuid_n(1), "payload");
  m.erase("name");
  m["public"] = true;  // private servers serve public:false only
  add_image(dir, uuid_n(1), "payload", m);
  std::string e = load_error(dir.path());
  CHECK_THAT(e, Catch::Contains(uuid_n(1) + ".imgmanifest") && Catch::Contains("name") &&
                    Catch::Contains("public"));

  write_file(dir.file(uuid_n(1) + ".imgmanifest"), "{\"v\": 2,");
  CHECK_THAT(load_error(dir.path()), Catch::Contains("invalid JSON"));

  add_image(dir, uuid_n(1), "payload", manifest_for(uuid_n(1), "payload"));
  write_file(dir.file("channels.json"), "[{\"name\": \"dev\"}]");
  CHECK_THAT(load_error(dir.path()), Catch::Contains("channels.json"));
  write_file(dir.file("channels.json"), R"([{"name": "only", "description": "x", "default": true}])");
  CHECK_THAT(load_error(dir.path()), Catch::Contains("unknown channel \"dev\""));
  std::filesystem::remove(dir.file("channels.json"));

  write_file(dir.file("ABCDEF.imgmanifest"), "{}");
  CHECK_THAT(load_error(dir.path()), Catch::Contains("ABCDEF.imgmanifest"));
  std::filesystem::remove(dir.file("ABCDEF.imgmanifest"));

  CHECK_NOTHROW(CatalogStore(dir.path()));
  CHECK_THAT(load_error(dir.file("nope"), common::ExitCode::config), Catch::Contains("does not exist"));
}

TEST_CASE("catalog: records from API manifests", "[catalog]") {
  common::Json m = manifest_for(uuid_n(1), "x");
  m["state"] = "disabled";
  m["disabled"] = true;
  ImageRecord r = record_from_api_manifest(m, "t");
  CHECK(r.state() == "disabled");
  m["disabled"] = false;
  CHECK_THROWS_WITH(record_from_api_manifest(m, "t"), Catch::Contains("contradicts"));
  m["state"] = "creating";
  CHECK_THROWS_WITH(record_from_api_manifest(m, "t"), Catch::Contains("cannot be served"));
}
