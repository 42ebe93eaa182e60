// GetImageFile: verification and restarts from byte 0 against misbehaving fake servers.
#include "fake_server.hpp"

#include <common/error.hpp>
#include <tests/unit/support/scratch_dir.hpp>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using common::ExitCode;
using imgapi_test::FakeServer;

namespace {

const std::string k_uuid = imgapi_test::uuid_n(5);
const std::string k_body = imgapi_test::payload(300 * 1024);

manifest::ImageFile expected_file(const std::string& body = k_body) {
  return {common::hex_digest(common::HashAlgorithm::sha1, body), body.size(), "gzip"};
}

// Collects the body; restart() drops it, as the contract demands.
struct MemorySink {
  std::string data;
  int restarts = 0;
  imgapi::FileSink sink() {
    return {[this] {
              data.clear();
              ++restarts;
            },
            [this](const char* d, std::size_t n) { data.append(d, n); }};
  }
};

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

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("a download cut mid-body restarts from zero and delivers the right bytes", "[imgapi][file]") {
  std::atomic<int> calls{0};
  FakeServer server([&](httplib::Server& s) {
    s.Get("/images/" + k_uuid + "/file", [&](const auto&, auto& res) {
      if (calls++ == 0) return imgapi_test::serve_file(res, k_body, k_body.size() / 2);
      imgapi_test::serve_file(res, k_body);
    });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  MemorySink sink;
  std::uint64_t last_done = 0;
  imgapi::DownloadOptions options;
  options.channel = "*";
  options.progress = [&](std::uint64_t done, std::uint64_t) { last_done = done; };
  client.get_image_file(k_uuid, expected_file(), sink.sink(), options);
  CHECK(calls == 2);
  CHECK(sink.restarts == 1);
  CHECK(sink.data == k_body);
  CHECK(last_done == k_body.size());
  for (const auto& r : server.requests()) CHECK(r.param("channel") == "*");
}

TEST_CASE("wrong bytes every time fail with integrity after N attempts", "[imgapi][file]") {
  std::atomic<int> calls{0};
  std::string bad = k_body;
  bad[1000] ^= 0x01;
  FakeServer server([&](httplib::Server& s) {
    s.Get("/images/" + k_uuid + "/file", [&](const auto&, auto& res) {
      ++calls;
      imgapi_test::serve_file(res, bad);
    });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  MemorySink sink;
  const auto e = error_of([&] { client.get_image_file(k_uuid, expected_file(), sink.sink()); });
  CHECK(e.code() == ExitCode::integrity);
  const std::string want = "SHA-1 mismatch: got " +
                           common::hex_digest(common::HashAlgorithm::sha1, bad) + ", expected " +
                           expected_file().sha1 + " (after 3 attempts); the server is sending bad data";
  CHECK_THAT(e.what(), Catch::Contains(want));
  CHECK(calls == 3);
  CHECK(sink.restarts == 2);
}

TEST_CASE("a Content-MD5 that does not match the bytes is an integrity error", "[imgapi][file]") {
  FakeServer server([&](httplib::Server& s) {
    s.Get("/images/" + k_uuid + "/file", [&](const auto&, auto& res) {
      imgapi_test::serve_file(res, k_body, std::nullopt, imgapi_test::md5_base64("other"));
    });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  MemorySink sink;
  const auto e = error_of([&] { client.get_image_file(k_uuid, expected_file(), sink.sink()); });
  CHECK(e.code() == ExitCode::integrity);
  CHECK_THAT(e.what(), Catch::Contains("Content-MD5 mismatch: got " + imgapi_test::md5_base64(k_body) +
                                       ", server sent " + imgapi_test::md5_base64("other")));
}

TEST_CASE("a file shorter than the manifest says is an integrity error", "[imgapi][file]") {
  const std::string shorter = k_body.substr(0, k_body.size() - 10);
  FakeServer server([&](httplib::Server& s) {
    s.Get("/images/" + k_uuid + "/file", [&](const auto&, auto& res) { imgapi_test::serve_file(res, shorter); });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  MemorySink sink;
  const auto e = error_of([&] { client.get_image_file(k_uuid, expected_file(), sink.sink()); });
  CHECK(e.code() == ExitCode::integrity);
  CHECK_THAT(e.what(), Catch::Contains("Content-Length is " + std::to_string(shorter.size()) +
                                       " but the manifest says " + std::to_string(k_body.size())));
}

TEST_CASE("a file longer than the manifest says is stopped while streaming", "[imgapi][file]") {
  const std::string longer = k_body + imgapi_test::payload(200 * 1024, 2);
  FakeServer server([&](httplib::Server& s) {
    s.Get("/images/" + k_uuid + "/file", [&](const auto&, auto& res) { imgapi_test::serve_file(res, longer); });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  MemorySink sink;
  const auto e = error_of([&] { client.get_image_file(k_uuid, expected_file(), sink.sink()); });
  CHECK(e.code() == ExitCode::integrity);
  CHECK_THAT(e.what(), Catch::Contains("server sent more than the expected " + std::to_string(k_body.size())));
  CHECK(sink.data.size() <= k_body.size());
}

TEST_CASE("a connection cut every time is a network error", "[imgapi][file]") {
  FakeServer server([&](httplib::Server& s) {
    s.Get("/images/" + k_uuid + "/file", [&](const auto&, auto& res) {
      imgapi_test::serve_file(res, k_body, 1000);
    });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  MemorySink sink;
  const auto e = error_of([&] { client.get_image_file(k_uuid, expected_file(), sink.sink()); });
  CHECK(e.code() == ExitCode::network);
  CHECK_THAT(e.what(), Catch::Contains("(after 3 attempts)"));
}

TEST_CASE("503 before the body is retried by the HTTP layer", "[imgapi][file]") {
  std::atomic<int> calls{0};
  FakeServer server([&](httplib::Server& s) {
    s.Get("/images/" + k_uuid + "/file", [&](const auto&, auto& res) {
      if (calls++ == 0) return imgapi_test::reply_error(res, 503, "ServiceUnavailableError", "later");
      imgapi_test::serve_file(res, k_body);
    });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  MemorySink sink;
  client.get_image_file(k_uuid, expected_file(), sink.sink());
  CHECK(sink.data == k_body);
  CHECK(sink.restarts == 0);
}

TEST_CASE("error replies and sink failures are not retried", "[imgapi][file]") {
  std::atomic<int> calls{0};
  bool missing = true;
  FakeServer server([&](httplib::Server& s) {
    s.Get("/images/" + k_uuid + "/file", [&](const auto&, auto& res) {
      ++calls;
      if (missing) return imgapi_test::reply_error(res, 404, "ResourceNotFound", "image \"" + k_uuid + "\" has no file");
      imgapi_test::serve_file(res, k_body);
    });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  MemorySink sink;
  auto e = error_of([&] { client.get_image_file(k_uuid, expected_file(), sink.sink()); });
  CHECK(e.code() == ExitCode::not_found);
  CHECK(calls == 1);

  missing = false;
  imgapi::FileSink full_disk{[] {}, [](const char*, std::size_t) {
                               throw common::Error(ExitCode::no_space, "disk full");
                             }};
  e = error_of([&] { client.get_image_file(k_uuid, expected_file(), full_disk); });
  CHECK(e.code() == ExitCode::no_space);
  CHECK(calls == 2);
}

TEST_CASE("no Content-MD5 header: size and SHA-1 still decide", "[imgapi][file]") {
  FakeServer server([&](httplib::Server& s) {
    s.Get("/images/" + k_uuid + "/file", [&](const auto&, auto& res) {
      res.set_content(k_body, "application/octet-stream");
    });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  MemorySink sink;
  client.get_image_file(k_uuid, expected_file(), sink.sink());
  CHECK(sink.data == k_body);
}

TEST_CASE("a malformed expected SHA-1 is refused", "[imgapi][file]") {
  imgapi::Client client("http://127.0.0.1:9", imgapi_test::fast_options());
  MemorySink sink;
  auto file = expected_file();
  file.sha1 = "ABC";
  CHECK(error_of([&] { client.get_image_file(k_uuid, file, sink.sink()); }).code() == ExitCode::bad_data);
}

TEST_CASE("get_image_file_to_path writes only verified files", "[imgapi][file]") {
  std::atomic<int> calls{0};
  bool corrupt = false;
  FakeServer server([&](httplib::Server& s) {
    s.Get("/images/" + k_uuid + "/file", [&](const auto&, auto& res) {
      std::string body = k_body;
      if (corrupt) body[5] ^= 0x20;
      if (calls++ == 0) return imgapi_test::serve_file(res, body, 5000);  // first try cut
      imgapi_test::serve_file(res, body);
    });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  sdcb_test::ScratchDir dir;
  const std::string out = dir.file("image.zfs.gz");
  client.get_image_file_to_path(k_uuid, expected_file(), out);
  CHECK(read_file(out) == k_body);
  CHECK(dir.entries() == std::vector<std::string>{"image.zfs.gz"});

  corrupt = true;
  const std::string bad_out = dir.file("bad.zfs.gz");
  CHECK(error_of([&] { client.get_image_file_to_path(k_uuid, expected_file(), bad_out); }).code() ==
        ExitCode::integrity);
  CHECK(dir.entries() == std::vector<std::string>{"image.zfs.gz"});  // no bad file, no temp file
}
