#include <imgapi/server/dc_store.hpp>
#include <imgapi/server/import_image.hpp>
#include <imgapi/server/rest_error.hpp>

#include <common/error.hpp>
#include <common/hash.hpp>

#include "server_test_support.hpp"

#include <filesystem>

using namespace imgapi::server;
using server_test::TempDir;
using server_test::read_file;
using server_test::uuid_n;
using server_test::write_file;

namespace {

const std::string k_admin = "930896af-bf8c-48d4-885c-6573a94b1853";

ImageRecord imported(const std::string& uuid, const std::string& origin = "") {
  common::Json body = {{"v", 2}, {"uuid", uuid}, {"owner", k_admin}, {"name", "img"},
                       {"version", "1.0"}, {"type", "other"}, {"os", "other"},
                       {"published_at", "2025-01-01T00:00:00Z"}};
  if (!origin.empty()) body["origin"] = origin;
  BuildOptions o;
  o.admin_uuid = k_admin;
  return build_record(body, o);
}

RecordPtr upload(DcStore& store, const std::string& uuid, const std::string& bytes) {
  std::unique_ptr<DcStore::Upload> up = store.begin_upload(uuid);
  up->write(bytes.data(), bytes.size());
  StoredFile f;
  f.sha1 = common::hex_digest(common::HashAlgorithm::sha1, bytes);
  f.size = bytes.size();
  f.compression = "none";
  f.content_md5 = "md5";
  return store.finish_upload(*up, f);
}

int status_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const RestError& e) {
    return e.status();
  }
  return 0;
}

}  // namespace

TEST_CASE("DC store: import, upload, activate survive a reload", "[dc_store]") {
  TempDir dir;
  std::string data = dir.file("data");
  {
    DcStore store(data);
    store.insert(imported(uuid_n(1)));
    RecordPtr r = upload(store, uuid_n(1), "hello image");
    REQUIRE(r->file);
    CHECK(r->file->size == 11);
    CHECK_FALSE(r->file->mtime.empty());
    CHECK(read_file(data + "/files/" + uuid_n(1) + ".file") == "hello image");
    RecordPtr a = store.activate(uuid_n(1));
    CHECK(a->activated);
    CHECK(a->string_field("published_at") == "2025-01-01T00:00:00Z");  // imported value kept
  }
  DcStore again(data);
  RecordPtr r = again.find(uuid_n(1));
  REQUIRE(r);
  CHECK(r->activated);
  CHECK(r->file->sha1 == common::hex_digest(common::HashAlgorithm::sha1, "hello image"));
  CHECK(again.content_md5(*r) == "md5");
  std::unique_ptr<FileReader> reader = again.open_file(*r);
  char buf[64];
  CHECK(reader->read(buf, sizeof buf) == 11);
}

TEST_CASE("DC store: conflicts and state rules", "[dc_store]") {
  TempDir dir;
  DcStore store(dir.path());
  store.insert(imported(uuid_n(1)));
  CHECK(status_of([&] { store.insert(imported(uuid_n(1))); }) == 409);
  CHECK(status_of([&] { store.check_new(uuid_n(1), std::nullopt); }) == 409);
  CHECK(status_of([&] { store.check_new(uuid_n(2), uuid_n(9)); }) == 422);
  CHECK(status_of([&] { store.insert(imported(uuid_n(2), uuid_n(9))); }) == 422);
  store.insert(imported(uuid_n(2), uuid_n(1)));
  CHECK(status_of([&] { store.activate(uuid_n(1)); }) == 422);  // no file
  upload(store, uuid_n(1), "x");
  upload(store, uuid_n(1), "replaced");  // unactivated: the file may change
  store.activate(uuid_n(1));
  CHECK(status_of([&] { store.activate(uuid_n(1)); }) == 422);
  CHECK(status_of([&] { upload(store, uuid_n(1), "again"); }) == 422);
  CHECK(status_of([&] { store.remove(uuid_n(1)); }) == 422);  // uuid_n(2) depends on it
  CHECK(status_of([&] { store.activate(uuid_n(3)); }) == 404);
  CHECK(store.set_disabled(uuid_n(1), true)->state() == "disabled");
  store.remove(uuid_n(2));
  store.remove(uuid_n(1));
  CHECK(store.all().empty());
  CHECK(sdcb_test::dir_entries(dir.file("manifests")).empty());
  CHECK(sdcb_test::dir_entries(dir.file("files")).empty());
}

TEST_CASE("DC store: an abandoned upload leaves no file", "[dc_store]") {
  TempDir dir;
  DcStore store(dir.path());
  store.insert(imported(uuid_n(1)));
  {
    std::unique_ptr<DcStore::Upload> up = store.begin_upload(uuid_n(1));
    std::string half(300000, 'x');
    up->write(half.data(), half.size());
    CHECK(sdcb_test::dir_entries(dir.file("files")).size() == 1);  // the temp file
  }
  CHECK(sdcb_test::dir_entries(dir.file("files")).empty());
  CHECK_FALSE(store.find(uuid_n(1))->file);
}

TEST_CASE("DC store: loading removes leftovers and refuses damage", "[dc_store]") {
  TempDir dir;
  {
    DcStore store(dir.path());
    store.insert(imported(uuid_n(1)));
  }
  write_file(dir.file("files") + "/" + uuid_n(1) + ".file.tmp.123.0", "partial");
  write_file(dir.file("files") + "/" + uuid_n(2) + ".file", "orphan");
  write_file(dir.file("manifests") + "/" + uuid_n(3) + ".json.tmp.9.9", "{");
  write_file(dir.file("manifests") + "/README", "not a record");
  {
    DcStore store(dir.path());
    CHECK(store.all().size() == 1);
  }
  CHECK(sdcb_test::dir_entries(dir.file("files")).empty());
  CHECK(sdcb_test::dir_entries(dir.file("manifests")) ==
        std::vector<std::string>{uuid_n(1) + ".json", "README"});

  write_file(dir.file("manifests") + "/" + uuid_n(4) + ".json", "{\"uuid\": 1}");
  try {
    DcStore store(dir.path());
    FAIL("damaged record accepted");
  } catch (const common::Error& e) {
    CHECK(e.code() == common::ExitCode::bad_data);
    CHECK_THAT(e.what(), Catch::Contains(uuid_n(4) + ".json"));
  }
  std::filesystem::remove(dir.file("manifests") + "/" + uuid_n(4) + ".json");

  common::Json j = record_to_json(imported(uuid_n(5)));
  j["file"] = {{"sha1", std::string(40, 'a')}, {"size", 3}, {"compression", "none"},
               {"contentMD5", "x"}, {"mtime", "2025-01-01T00:00:00.000Z"}};
  write_file(dir.file("manifests") + "/" + uuid_n(5) + ".json", common::dump_json(j));
  CHECK_THROWS_WITH(DcStore(dir.path()), Catch::Contains("is missing or not 3 bytes"));
}

TEST_CASE("DC store: records round-trip through JSON", "[dc_store]") {
  ImageRecord r = imported(uuid_n(1));
  r.file = StoredFile{std::string(40, 'c'), 9, "gzip", "guid", "bWQ1", "2025-01-01T00:00:00.000Z"};
  ImageRecord back = record_from_json(record_to_json(r), "test");
  CHECK(back.uuid == r.uuid);
  CHECK(back.fields == r.fields);
  CHECK(back.file->dataset_guid == "guid");
  CHECK(back.file->content_md5 == "bWQ1");
  CHECK_THROWS_AS(record_from_json(common::Json::array(), "test"), common::Error);
}

TEST_CASE("DC store: an unusable data directory is a config error", "[dc_store]") {
  TempDir dir;
  write_file(dir.file("file"), "x");
  try {
    DcStore store(dir.file("file"));
    FAIL("a file accepted as data directory");
  } catch (const common::Error& e) {
    CHECK(e.code() == common::ExitCode::config);
  }
}
