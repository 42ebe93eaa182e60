// MemberPipe: the pull-style member reader that `serve BUNDLE` and the installer's uploads
// use. Reads in any slice size give the member's bytes; a consumer that stops early does
// not hang; a damaged chunk surfaces as the reader's error after the bytes before it.
#include "test_reader_support.hpp"

#include <bundles/member_pipe.hpp>

using namespace reader_test;

namespace {

constexpr std::size_t k_image_frame0 = 5;  // frames of sample_forge: index, slot, 3 small, image

std::string drain(bundles::MemberPipe& pipe, std::size_t slice) {
  std::string out;
  std::string buf(slice, '\0');
  while (std::size_t n = pipe.read(buf.data(), buf.size())) out.append(buf.data(), n);
  return out;
}

}  // namespace

TEST_CASE("MemberPipe returns every member's bytes, whatever the read size", "[bundles][pipe]") {
  TempDir dir;
  const Built b = build_bundle(dir, sample_contents());
  const auto reader = bundles::SeekableReader::open(b.path);
  for (std::size_t slice : {std::size_t{1} << 20, std::size_t{4096}, std::size_t{77777}}) {
    for (const auto& c : b.contents) {
      bundles::MemberPipe pipe(reader, c.name);
      CHECK(drain(pipe, slice) == c.bytes);
      CHECK(pipe.read(nullptr, 0) == 0);  // stays at the end
    }
  }
}

TEST_CASE("MemberPipe stops cleanly when the consumer leaves early", "[bundles][pipe]") {
  TempDir dir;
  const Built b = build_bundle(dir, sample_contents());
  const auto reader = bundles::SeekableReader::open(b.path);
  for (int i = 0; i < 20; ++i) {
    bundles::MemberPipe pipe(reader, b.contents[3].name);
    char buf[1000];
    CHECK(pipe.read(buf, sizeof buf) > 0);
  }  // each destructor must unblock the helper thread, or this test hangs
  bundles::MemberPipe untouched(reader, b.contents[3].name);
}

TEST_CASE("MemberPipe reports an unknown member and a damaged chunk", "[bundles][pipe]") {
  TempDir dir;
  const Built b = build_bundle(dir, sample_contents());
  const auto reader = bundles::SeekableReader::open(b.path);
  bundles::MemberPipe missing(reader, "images/nope.imgfile");
  char buf[16];
  CHECK(code_of([&] { missing.read(buf, sizeof buf); }) == ExitCode::not_found);

  Forged f = sample_forge(dir);
  f.frames[k_image_frame0 + 2].content[1000] ^= 0x01;  // chunk 2 of the image file
  const auto damaged = bundles::SeekableReader::open(bundles::memory_source(forge(f.frames)));
  bundles::MemberPipe pipe(damaged, f.contents[3].name);
  std::string got;
  std::string slice(64 * 1024, '\0');
  const ExitCode code = code_of([&] {
    while (std::size_t n = pipe.read(slice.data(), slice.size())) got.append(slice.data(), n);
  });
  CHECK(code == ExitCode::bundle_hash);
  // Chunks 0 and 1 came through before the error; chunk 2 never completed.
  CHECK(got.size() >= 2 * k_mib);
  CHECK(got.size() < 3 * k_mib + 1);
  CHECK(got.compare(0, 2 * k_mib, f.contents[3].bytes, 0, 2 * k_mib) == 0);
}
