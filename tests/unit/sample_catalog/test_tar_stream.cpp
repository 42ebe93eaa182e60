#include <tools/sample_catalog/tar_stream.hpp>

#include <archive.h>
#include <archive_entry.h>
#include <catch2/catch.hpp>

#include <map>
#include <string>

using namespace sample_catalog;

namespace {

// The whole stream, pulled in odd-sized reads as a compressor would.
std::string drain(TarStream& tar, std::size_t step) {
  std::string out;
  std::string buf(step, '\0');
  for (;;) {
    const std::size_t n = tar.read(buf.data(), buf.size());
    if (n == 0) return out;
    out.append(buf.data(), n);
  }
}

struct Entry {
  std::string content;
  long long mtime;
  unsigned type;
  std::string uname;
};

std::map<std::string, Entry> read_back(const std::string& bytes) {
  struct archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  REQUIRE(archive_read_open_memory(a, bytes.data(), bytes.size()) == ARCHIVE_OK);
  std::map<std::string, Entry> out;
  struct archive_entry* e = nullptr;
  int rc = ARCHIVE_OK;
  while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
    Entry m{{}, archive_entry_mtime(e), archive_entry_filetype(e),
            archive_entry_uname(e) ? archive_entry_uname(e) : ""};
    char buf[4096];
    la_ssize_t n = 0;
    while ((n = archive_read_data(a, buf, sizeof buf)) > 0) m.content.append(buf, static_cast<std::size_t>(n));
    out[archive_entry_pathname(e)] = m;
  }
  CHECK(rc == ARCHIVE_EOF);
  archive_read_free(a);
  return out;
}

}  // namespace

TEST_CASE("TarStream: a ustar archive libarchive reads back, member for member", "[sample_catalog]") {
  ModelFile model;
  model.text = true;
  model.pieces = {{99, 0, 3000}, {7, 10, 77}};
  std::string model_bytes(3077, '\0');
  content_bytes(model, 0, model_bytes.data(), model_bytes.size());
  const std::string long_path =
      "root/opt/smartdc/some-service/node_modules/a-rather-long-package-name-123/lib/"
      "and-a-long-file-name-too-4567.js";
  REQUIRE(long_path.size() > 100);

  TarStream tar;
  tar.add_directory("top/", 1700000000);
  tar.add_file("top/hello", "hello\n", 1700000001, 0755);
  tar.add_model_file("top/model.js", model, 1700000002);
  tar.add_model_file(long_path, model, 1700000003);
  tar.add_file("top/empty", "", 1700000004);
  const std::string bytes = drain(tar, 777);
  CHECK(bytes.size() % 512 == 0);
  CHECK(bytes.substr(bytes.size() - 1024) == std::string(1024, '\0'));

  const auto m = read_back(bytes);
  REQUIRE(m.size() == 5);
  CHECK(m.at("top/").type == AE_IFDIR);
  CHECK(m.at("top/hello").content == "hello\n");
  CHECK(m.at("top/hello").mtime == 1700000001);
  CHECK(m.at("top/hello").uname == "root");
  CHECK(m.at("top/model.js").content == model_bytes);
  CHECK(m.at(long_path).content == model_bytes);
  CHECK(m.at("top/empty").content.empty());
}

TEST_CASE("TarStream: the bytes do not depend on the read size", "[sample_catalog]") {
  ModelFile model;
  model.text = false;
  model.pieces = {{1, 0, 70000}};
  const auto make = [&model](std::size_t step) {
    TarStream tar;
    tar.add_file("a", "x", 5);
    tar.add_model_file("b", model, 6);
    return drain(tar, step);
  };
  CHECK(make(1) == make(65536));
  CHECK(make(513) == make(65536));
}
