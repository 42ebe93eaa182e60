#include <bundles/signature_slot.hpp>

#include <bundles/format.hpp>
#include <bundles/seek_table.hpp>

#include "writer_support.hpp"

#include <fcntl.h>
#include <unistd.h>

using common::ExitCode;
using namespace writer_test;
namespace format = bundles::format;

namespace {

std::string write_sample_bundle(const TempDir& dir) {
  const auto fx = make_fixture(dir, {{"changelog.json", "{}\n"},
                                     {"images/a.imgfile", random_bytes(k_mib + 3, 4)}});
  bundles::WriterOptions o;
  o.threads = 2;
  o.mtime = 1764072000;
  const std::string path = dir.file("b.sdc");
  bundles::write_bundle(path, fx.index_bytes, fx.inputs, o);
  return path;
}

void patch(const std::string& path, std::uint64_t offset, char byte) {
  const int fd = ::open(path.c_str(), O_WRONLY);
  REQUIRE(fd >= 0);
  REQUIRE(::pwrite(fd, &byte, 1, static_cast<off_t>(offset)) == 1);
  ::close(fd);
}

}  // namespace

TEST_CASE("the slot frame is one raw block any zstd decoder reads", "[signature_slot]") {
  const std::string frame = bundles::signature_slot_frame("{\"signatures\":[1]}", 7);
  REQUIRE(frame.size() == format::k_signature_frame_size);
  CHECK(frame.substr(0, 12) == std::string("\x28\xB5\x2F\xFD\xA0\x00\x02\x01\x00\x01\x10\x08", 12));
  CHECK(bundles::signature_frame_prefix() == frame.substr(0, 12));
  CHECK(ZSTD_getFrameContentSize(frame.data(), frame.size()) == format::k_signature_frame_content);
  CHECK(ZSTD_findFrameCompressedSize(frame.data(), frame.size()) == frame.size());
  std::string out(format::k_signature_frame_content, '\0');
  REQUIRE(ZSTD_decompress(out.data(), out.size(), frame.data(), frame.size()) == out.size());
  const auto entries = read_tar(out + std::string(1024, '\0'));
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].name == "bundle.sig");
  CHECK(entries[0].mtime == 7);
  CHECK(entries[0].content == bundles::pad_signature_json("{\"signatures\":[1]}"));
  CHECK(entries[0].content.find_first_not_of(' ', 18) == std::string::npos);
}

TEST_CASE("pad_signature_json fills exactly the slot", "[signature_slot]") {
  CHECK(bundles::pad_signature_json("").size() == 65536);
  const std::string full(65536, 'x');
  CHECK(bundles::pad_signature_json(full) == full);
  CHECK(code_of([&] { bundles::pad_signature_json(full + "x"); }) == ExitCode::bundle_too_large);
}

TEST_CASE("rewriting the slot changes only the slot's bytes", "[signature_slot]") {
  TempDir dir;
  const std::string path = write_sample_bundle(dir);
  const std::string before = slurp(path);
  CHECK(bundles::read_signature_slot(path) == "{\"signatures\":[]}");

  const std::string json = "{\"signatures\":[{\"keyid\":\"" + std::string(64, 'a') + "\"}]}";
  bundles::rewrite_signature_slot(path, json);
  const std::string after = slurp(path);
  REQUIRE(after.size() == before.size());
  const auto table = bundles::read_seek_table(path);
  const std::uint64_t slot = table.entries[1].offset + 12 + 512;
  CHECK(after.substr(0, slot) == before.substr(0, slot));
  CHECK(after.substr(slot + 65536) == before.substr(slot + 65536));
  CHECK(after.substr(slot, 65536) == bundles::pad_signature_json(json));
  CHECK(bundles::read_signature_slot(path) == json);

  // Every frame still decodes; the tar now carries the new JSON.
  const auto entries = read_tar(join(decode_frames(path)));
  REQUIRE(entries.size() == 4);
  CHECK(entries[1].content == bundles::pad_signature_json(json));

  // Back to the original bytes exactly.
  bundles::rewrite_signature_slot(path, "{\"signatures\":[]}");
  CHECK(slurp(path) == before);
}

TEST_CASE("slot rewrite refusals leave the file as it was", "[signature_slot]") {
  TempDir dir;
  const std::string path = write_sample_bundle(dir);
  const std::string before = slurp(path);
  CHECK(code_of([&] { bundles::rewrite_signature_slot(path, std::string(65537, 'x')); }) ==
        ExitCode::bundle_too_large);
  CHECK(slurp(path) == before);

  const auto table = bundles::read_seek_table(path);
  SECTION("frame 1 is not a raw slot frame") {
    patch(path, table.entries[1].offset + 4, '\x20');  // descriptor changed
    CHECK(code_of([&] { bundles::rewrite_signature_slot(path, "{}"); }) ==
          ExitCode::bundle_corrupt);
  }
  SECTION("the tar header in the slot names another member") {
    patch(path, table.entries[1].offset + 12, 'X');
    CHECK(code_of([&] { bundles::rewrite_signature_slot(path, "{}"); }) ==
          ExitCode::bundle_corrupt);
    CHECK(code_of([&] { bundles::read_signature_slot(path); }) == ExitCode::bundle_corrupt);
  }
  SECTION("not a bundle at all") {
    write_file(path, std::string(100000, 'z'));
    CHECK(code_of([&] { bundles::rewrite_signature_slot(path, "{}"); }) ==
          ExitCode::bundle_truncated);
    CHECK(slurp(path) == std::string(100000, 'z'));
  }
  SECTION("missing file") {
    CHECK(code_of([&] { bundles::rewrite_signature_slot(dir.file("nope.sdc"), "{}"); }) ==
          ExitCode::not_found);
  }
}
