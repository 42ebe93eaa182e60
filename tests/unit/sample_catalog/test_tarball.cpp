#include <tools/sample_catalog/tarball.hpp>

#include <common/error.hpp>
#include <common/hash.hpp>

#include <archive.h>
#include <archive_entry.h>
#include <catch2/catch.hpp>

#include <map>
#include <string>

using namespace sample_catalog;

namespace {

struct Member {
  std::string content;
  long long mtime;
  long long uid;
  std::string uname;
  unsigned type;
};

// Reads a .tgz (or a raw .gz with raw=true) back with libarchive.
std::map<std::string, Member> read_back(const std::string& bytes, bool raw = false) {
  struct archive* a = archive_read_new();
  archive_read_support_filter_gzip(a);
  if (raw) {
    archive_read_support_format_raw(a);
  } else {
    archive_read_support_format_tar(a);
  }
  REQUIRE(archive_read_open_memory(a, bytes.data(), bytes.size()) == ARCHIVE_OK);
  std::map<std::string, Member> out;
  struct archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    Member m{{}, archive_entry_mtime(e), archive_entry_uid(e),
             archive_entry_uname(e) ? archive_entry_uname(e) : "", archive_entry_filetype(e)};
    char buf[65536];
    la_ssize_t n;
    while ((n = archive_read_data(a, buf, sizeof buf)) > 0) {
      m.content.append(buf, static_cast<std::size_t>(n));
    }
    REQUIRE(n == 0);
    out[archive_entry_pathname(e)] = m;
  }
  archive_read_free(a);
  return out;
}

std::string make_tgz(std::int64_t mtime, std::uint64_t seed) {
  StringSink sink;
  Prng prng(seed);
  Tarball t(sink, Tarball::Format::ustar, 1, mtime);
  t.add_directory("top/");
  t.add_file("top/image_uuid", "11111111-2222-4333-8444-555555555555\n");
  t.add_random_file("top/payload.bin", 300000, prng);
  t.finish();
  return sink.str();
}

}  // namespace

TEST_CASE("Tarball writes a readable, reproducible .tgz", "[sample_catalog]") {
  const std::string tgz = make_tgz(1735689600, 3);
  CHECK(tgz == make_tgz(1735689600, 3));
  CHECK(tgz != make_tgz(1735689601, 3));
  REQUIRE(tgz.size() > 10);
  CHECK(static_cast<unsigned char>(tgz[0]) == 0x1f);
  CHECK(static_cast<unsigned char>(tgz[1]) == 0x8b);
  CHECK(tgz.substr(4, 4) == std::string(4, '\0'));  // gzip header mtime: none
  const auto members = read_back(tgz);
  REQUIRE(members.size() == 3);
  CHECK(members.at("top/").type == AE_IFDIR);
  const Member& id = members.at("top/image_uuid");
  CHECK(id.content == "11111111-2222-4333-8444-555555555555\n");
  CHECK(id.mtime == 1735689600);
  CHECK(id.uid == 0);
  CHECK(id.uname == "root");
  CHECK(members.at("top/payload.bin").content.size() == 300000);
}

TEST_CASE("add_random_file returns the member's SHA-1", "[sample_catalog]") {
  StringSink sink;
  Prng prng(11);
  Tarball t(sink, Tarball::Format::ustar, 6, 0);
  const std::string sha1 = t.add_random_file("x.bin", 5000, prng);
  t.finish();
  const auto members = read_back(sink.str());
  CHECK(sha1 == common::hex_digest(common::HashAlgorithm::sha1, members.at("x.bin").content));
}

TEST_CASE("Format::raw is a plain gzip stream of the member, stored not compressed",
          "[sample_catalog]") {
  StringSink sink;
  Prng prng(12);
  Tarball gz(sink, Tarball::Format::raw, 0, 0);
  const std::string sha1 = gz.add_random_file("image.zfs", 200000, prng);
  gz.finish();
  const std::string& bytes = sink.str();
  // Stored deflate blocks cost 5 bytes per 64 KiB plus the 18-byte gzip frame.
  CHECK(bytes.size() > 200000);
  CHECK(bytes.size() < 200000 + 64);
  const auto members = read_back(bytes, true);
  REQUIRE(members.size() == 1);
  CHECK(common::hex_digest(common::HashAlgorithm::sha1, members.begin()->second.content) == sha1);
}

TEST_CASE("a sink failure inside libarchive surfaces as the sink's exception",
          "[sample_catalog]") {
  struct FailingSink : ByteSink {
    void write(const void*, std::size_t) override {
      throw common::Error(common::ExitCode::no_space, "disk full (test)");
    }
  } sink;
  Prng prng(1);
  try {
    Tarball t(sink, Tarball::Format::ustar, 1, 0);
    t.add_random_file("big.bin", 4 << 20, prng);
    t.finish();
    FAIL("no exception");
  } catch (const common::Error& e) {
    CHECK(e.code() == common::ExitCode::no_space);
    CHECK(std::string(e.what()) == "disk full (test)");
  }
}
