// AddImageFile: what is sent, and the checks on what the server says it stored.
#include "fake_server.hpp"

#include <imgapi/file_source.hpp>

#include <common/error.hpp>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <unistd.h>

using common::ExitCode;
using common::Json;
using imgapi_test::FakeServer;

namespace {

const std::string k_uuid = imgapi_test::uuid_n(77);
const std::string k_body = imgapi_test::payload(200 * 1024, 3);
const std::string k_sha1 = common::hex_digest(common::HashAlgorithm::sha1, k_body);

template <typename F>
common::Error error_of(F&& f) {
  try {
    f();
  } catch (const common::Error& e) {
    return e;
  }
  FAIL("no common::Error thrown");
  return common::Error(ExitCode::ok, "");
}

// A fake AddImageFile: stores what it got and answers like IMGAPI, unless told to lie.
struct Store {
  std::string received;
  std::string reply_sha1;         // "" = the SHA-1 of what was received
  bool reply_without_files = false;
  int fail_first = 0;             // answer 503 to this many requests first

  void handle(const httplib::Request& req, httplib::Response& res) {
    if (fail_first > 0) {
      --fail_first;
      return imgapi_test::reply_error(res, 503, "ServiceUnavailableError", "later");
    }
    received = req.body;
    const std::string sha1 = common::hex_digest(common::HashAlgorithm::sha1, req.body);
    if (req.has_param("sha1") && req.get_param_value("sha1") != sha1) {
      return imgapi_test::reply_error(res, 400, "Download", "\"sha1\" hash, " +
                                                                req.get_param_value("sha1") +
                                                                ", does not match the uploaded file sha1 hash, " + sha1);
    }
    Json image = imgapi_test::manifest_json(k_uuid, "x", 1, "unactivated");
    if (!reply_without_files) {
      image["files"] = Json::array({{{"sha1", reply_sha1.empty() ? sha1 : reply_sha1},
                                     {"size", req.body.size()},
                                     {"compression", req.get_param_value("compression")}}});
    }
    imgapi_test::reply_json(res, image);
  }
};

imgapi::UploadSource memory_source(const std::string& data, std::size_t& pos) {
  imgapi::UploadSource source;
  source.read = [&data, &pos](char* buf, std::size_t max) {
    const std::size_t n = std::min(max, data.size() - pos);
    std::copy(data.data() + pos, data.data() + pos + n, buf);
    pos += n;
    return n;
  };
  source.rewind = [&pos] { pos = 0; };
  source.size = data.size();
  return source;
}

imgapi::UploadOptions upload_options(const std::string& sha1 = k_sha1) {
  imgapi::UploadOptions o;
  o.compression = "gzip";
  o.sha1 = sha1;
  return o;
}

}  // namespace

TEST_CASE("add_image_file sends Content-Length, compression and sha1", "[imgapi][upload]") {
  Store store;
  FakeServer server([&](httplib::Server& s) {
    s.Put("/images/" + k_uuid + "/file", [&](const auto& req, auto& res) { store.handle(req, res); });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  std::size_t pos = 0;
  auto options = upload_options();
  options.dataset_guid = "1234";
  std::uint64_t last_done = 0;
  options.progress = [&](std::uint64_t done, std::uint64_t) { last_done = done; };
  const auto image = client.add_image_file(k_uuid, memory_source(k_body, pos), options);
  REQUIRE(image.file());
  CHECK(image.file()->sha1 == k_sha1);
  CHECK(store.received == k_body);
  CHECK(last_done == k_body.size());
  const auto r = server.requests().at(0);
  CHECK(r.header("Content-Length") == std::to_string(k_body.size()));
  CHECK(r.header("Content-Type") == "application/octet-stream");
  CHECK(r.header("Accept-Version") == "~2");
  CHECK(r.param("compression") == "gzip");
  CHECK(r.param("sha1") == k_sha1);
  CHECK(r.param("dataset_guid") == "1234");
}

TEST_CASE("a reply whose files[0] differs from what was sent is an integrity error", "[imgapi][upload]") {
  Store store;
  store.reply_sha1 = std::string(40, '0');
  FakeServer server([&](httplib::Server& s) {
    s.Put("/images/" + k_uuid + "/file", [&](const auto& req, auto& res) { store.handle(req, res); });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  std::size_t pos = 0;
  const auto e = error_of([&] { client.add_image_file(k_uuid, memory_source(k_body, pos), upload_options()); });
  CHECK(e.code() == ExitCode::integrity);
  CHECK_THAT(e.what(), Catch::Contains("server stored " + std::to_string(k_body.size()) +
                                       " bytes with SHA-1 " + std::string(40, '0')));
}

TEST_CASE("a reply without files[0] is bad_data", "[imgapi][upload]") {
  Store store;
  store.reply_without_files = true;
  FakeServer server([&](httplib::Server& s) {
    s.Put("/images/" + k_uuid + "/file", [&](const auto& req, auto& res) { store.handle(req, res); });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  std::size_t pos = 0;
  const auto e = error_of([&] { client.add_image_file(k_uuid, memory_source(k_body, pos), upload_options()); });
  CHECK(e.code() == ExitCode::bad_data);
  CHECK_THAT(e.what(), Catch::Contains("reply has no files[0]"));
}

TEST_CASE("the server's 400 Download (sha1 mismatch) is an integrity error", "[imgapi][upload]") {
  Store store;
  FakeServer server([&](httplib::Server& s) {
    s.Put("/images/" + k_uuid + "/file", [&](const auto& req, auto& res) { store.handle(req, res); });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  std::size_t pos = 0;
  const auto e = error_of([&] {
    client.add_image_file(k_uuid, memory_source(k_body, pos), upload_options(std::string(40, 'a')));
  });
  CHECK(e.code() == ExitCode::integrity);
  CHECK_THAT(e.what(), Catch::Contains("400 Download: \"sha1\" hash, " + std::string(40, 'a')));
}

TEST_CASE("bytes that differ from the expected sha1 are caught even if the server does not check",
          "[imgapi][upload]") {
  FakeServer server([&](httplib::Server& s) {
    s.Put("/images/" + k_uuid + "/file", [&](const httplib::Request& req, httplib::Response& res) {
      Json image = imgapi_test::manifest_json(k_uuid, "x", 1, "unactivated");
      image["files"] = Json::array({{{"sha1", common::hex_digest(common::HashAlgorithm::sha1, req.body)},
                                     {"size", req.body.size()}, {"compression", "gzip"}}});
      imgapi_test::reply_json(res, image);
    });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  std::size_t pos = 0;
  const auto e = error_of([&] {
    client.add_image_file(k_uuid, memory_source(k_body, pos), upload_options(std::string(40, 'b')));
  });
  CHECK(e.code() == ExitCode::integrity);
  CHECK_THAT(e.what(), Catch::Contains("the bytes sent have SHA-1 " + k_sha1));
}

TEST_CASE("bad compression or sha1 arguments are refused before sending", "[imgapi][upload]") {
  imgapi::Client client("http://127.0.0.1:9", imgapi_test::fast_options());
  std::size_t pos = 0;
  auto options = upload_options();
  options.compression = "zstd";
  CHECK(error_of([&] { client.add_image_file(k_uuid, memory_source(k_body, pos), options); }).code() ==
        ExitCode::usage);
  options = upload_options("XYZ");
  CHECK(error_of([&] { client.add_image_file(k_uuid, memory_source(k_body, pos), options); }).code() ==
        ExitCode::usage);
}

TEST_CASE("add_image_file_from_path rewinds the file for a retry", "[imgapi][upload]") {
  Store store;
  store.fail_first = 1;
  FakeServer server([&](httplib::Server& s) {
    s.Put("/images/" + k_uuid + "/file", [&](const auto& req, auto& res) { store.handle(req, res); });
  });
  char path[] = "/tmp/unit_imgapi_upload.XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, k_body.data(), k_body.size()) == static_cast<ssize_t>(k_body.size()));
  ::close(fd);
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  const auto image = client.add_image_file_from_path(k_uuid, path, upload_options());
  CHECK(store.received == k_body);
  CHECK(image.file()->size == k_body.size());
  ::unlink(path);

  const auto e = error_of([&] { client.add_image_file_from_path(k_uuid, path, upload_options()); });
  CHECK(e.code() == ExitCode::config);
  CHECK_THAT(e.what(), Catch::Contains(path));
  CHECK(error_of([&] { imgapi::FileSource dir("/tmp"); }).code() == ExitCode::io);
}
