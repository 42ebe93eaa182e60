#include <bundles/tar_header.hpp>

#include "writer_support.hpp"

using bundles::make_tar_header;
using bundles::TarMember;
using common::ExitCode;
using namespace writer_test;

namespace {

std::string field(const std::string& h, std::size_t offset, std::size_t size) {
  return h.substr(offset, size);
}

// The ustar checksum: the header's bytes summed with the checksum field read as spaces.
unsigned checksum(std::string h) {
  h.replace(148, 8, 8, ' ');
  unsigned sum = 0;
  for (const char c : h) sum += static_cast<unsigned char>(c);
  return sum;
}

}  // namespace

TEST_CASE("make_tar_header writes a plain ustar header", "[tar_header]") {
  const std::string h = make_tar_header({"images/abc.imgfile", 1234567, 0644, 1764072000});
  REQUIRE(h.size() == 512);
  CHECK(h.compare(0, 19, std::string("images/abc.imgfile\0", 19)) == 0);
  CHECK(field(h, 100, 8) == std::string("000644 \0", 8));
  CHECK(field(h, 108, 8) == std::string("000000 \0", 8));           // uid
  CHECK(field(h, 116, 8) == std::string("000000 \0", 8));           // gid
  CHECK(field(h, 124, 12) == "00004553207 ");                      // size 1234567 octal
  CHECK(field(h, 136, 12) == "15111315100 ");                      // mtime octal
  CHECK(std::stoul(field(h, 148, 6), nullptr, 8) == checksum(h));
  CHECK(h[156] == '0');                                             // regular file
  CHECK(field(h, 257, 6) == std::string("ustar\0", 6));
  CHECK(field(h, 263, 2) == "00");
  CHECK(field(h, 265, 5) == std::string("root\0", 5));
  CHECK(field(h, 297, 5) == std::string("root\0", 5));
  CHECK(field(h, 345, 155) == std::string(155, '\0'));              // no prefix
  CHECK(bundles::tar_header_size(h) == 1234567);
}

TEST_CASE("make_tar_header is deterministic and libarchive reads it back", "[tar_header]") {
  const TarMember m{"installer/sdcadm-install", 5, 0755, 42};
  const std::string h = make_tar_header(m);
  CHECK(make_tar_header(m) == h);
  const auto entries = read_tar(h + "hello" + std::string(507, '\0') + std::string(1024, '\0'));
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].name == "installer/sdcadm-install");
  CHECK(entries[0].content == "hello");
  CHECK(entries[0].mode == 0755);
  CHECK(entries[0].uid == 0);
  CHECK(entries[0].gid == 0);
  CHECK(entries[0].uname == "root");
  CHECK(entries[0].gname == "root");
  CHECK(entries[0].mtime == 42);
}

TEST_CASE("a 100-byte name fits, the largest size and time fit", "[tar_header]") {
  const std::string name(100, 'n');
  const std::string h = make_tar_header({name, bundles::k_tar_max_size, 0644,
                                         bundles::k_tar_max_mtime});
  CHECK(h.compare(0, 100, name) == 0);
  CHECK(bundles::tar_header_size(h) == static_cast<std::int64_t>(bundles::k_tar_max_size));
}

TEST_CASE("make_tar_header refusals", "[tar_header]") {
  CHECK(code_of([] { make_tar_header({"", 0, 0644, 0}); }) == ExitCode::bundle_unsafe);
  const std::string long_name(101, 'n');
  CHECK(code_of([&] { make_tar_header({long_name, 0, 0644, 0}); }) == ExitCode::bundle_unsafe);
  CHECK(code_of([] { make_tar_header({std::string_view("a\0b", 3), 0, 0644, 0}); }) ==
        ExitCode::bundle_unsafe);
  CHECK(code_of([] { make_tar_header({"a", bundles::k_tar_max_size + 1, 0644, 0}); }) ==
        ExitCode::bundle_too_large);
  CHECK(code_of([] { make_tar_header({"a", 0, 010000, 0}); }) == ExitCode::usage);
  CHECK(code_of([] { make_tar_header({"a", 0, 0644, -1}); }) == ExitCode::usage);
  CHECK(code_of([] { make_tar_header({"a", 0, 0644, bundles::k_tar_max_mtime + 1}); }) ==
        ExitCode::usage);
}

TEST_CASE("tar_header_size refuses what is not a plain octal size", "[tar_header]") {
  std::string h = make_tar_header({"a", 65536, 0644, 0});
  CHECK(bundles::tar_header_size(h) == 65536);
  CHECK(bundles::tar_header_size(h.substr(0, 130)) == -1);
  h[124] = '\x80';  // GNU base-256
  CHECK(bundles::tar_header_size(h) == -1);
  h[124] = '0';
  h[130] = 'x';
  CHECK(bundles::tar_header_size(h) == -1);
  h.replace(124, 12, std::string(12, ' '));
  CHECK(bundles::tar_header_size(h) == -1);
}
