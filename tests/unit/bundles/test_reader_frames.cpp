// The building blocks of the readers: FrameReader (bounded zstd frames) and the strict
// tar header checks.

#include "test_reader_support.hpp"

#include <bundles/frame_reader.hpp>
#include <bundles/tar_check.hpp>

using namespace reader_test;
using bundles::FrameHeader;
using bundles::FrameReader;

namespace {

std::string read_all(FrameReader& reader, std::size_t piece) {
  std::string out(piece, '\0'), all;
  for (std::size_t n; (n = reader.read(out.data(), out.size())) > 0;) all.append(out, 0, n);
  return all;
}

ExitCode frame_code(const std::string& bytes, std::uint64_t max_content = 1u << 30) {
  return code_of([&] {
    auto source = bundles::memory_source(bytes);
    FrameReader reader(*source);
    reader.next(max_content, "test frame");
    read_all(reader, 4096);
  });
}

std::string with_checksum(const std::string& content) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  std::string out(ZSTD_compressBound(content.size()), '\0');
  const std::size_t n = ZSTD_compress2(cctx, out.data(), out.size(), content.data(), content.size());
  ZSTD_freeCCtx(cctx);
  REQUIRE_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

}  // namespace

TEST_CASE("FrameReader reads consecutive frames in any piece size", "[bundles][frames]") {
  const std::string a = random_bytes(300000, 1), b = std::string(70000, 'b');
  std::string skippable;
  put_le(skippable, 0x184D2A5Du, 4);
  put_le(skippable, 3, 4);
  skippable += "xyz";
  const std::string bytes = zstd_frame(a) + with_checksum(b) + zstd_frame("") + skippable;
  for (const std::size_t piece : {1, 511, 65536, 1 << 20}) {
    auto source = bundles::memory_source(bytes);
    FrameReader reader(*source);
    auto h = reader.next(1u << 20, "a");
    REQUIRE(h);
    CHECK(h->number == 0);
    CHECK(h->offset == 0);
    CHECK(h->content_size == a.size());
    CHECK((read_all(reader, piece) == a));
    const std::uint64_t end_a = reader.offset();
    h = reader.next(1u << 20, "b");
    CHECK(h->number == 1);
    CHECK(h->offset == end_a);
    CHECK((read_all(reader, piece) == b));
    h = reader.next(1u << 20, "empty");
    CHECK(h->content_size == 0);
    CHECK(read_all(reader, piece).empty());
    h = reader.next(1u << 20, "table");
    CHECK(h->kind == FrameHeader::Kind::skippable);
    CHECK(h->magic == 0x184D2A5Du);
    CHECK(reader.read_skippable(3) == "xyz");
    CHECK(reader.at_end());
    CHECK_FALSE(reader.next(1u << 20, "end"));
    CHECK(reader.offset() == bytes.size());
  }
}

TEST_CASE("FrameReader bounds every frame", "[bundles][frames]") {
  const std::string content = random_bytes(5000, 2);
  CHECK(frame_code(zstd_frame(content), 4999) == ExitCode::bundle_too_large);      // declared
  CHECK(frame_code(hand_frame(content, std::nullopt)) == ExitCode::bundle_corrupt); // no size
  CHECK(frame_code(hand_frame(content, 6000)) == ExitCode::bundle_corrupt);         // ends short
  CHECK(frame_code(hand_frame(content, 4000)) != ExitCode::ok);                     // produces more
  CHECK(frame_code(hand_frame(content, content.size(), 24)) == ExitCode::bundle_too_large);
  auto source = bundles::memory_source(hand_frame(content, content.size(), 23));  // 8 MiB window
  FrameReader reader(*source);
  reader.next(1u << 20, "8 MiB window");
  CHECK((read_all(reader, 999) == content));
  CHECK(frame_code(zero_bomb(1ull << 40, 1u << 20)) == ExitCode::bundle_too_large);
  const ExitCode liar = frame_code(zero_bomb(1000, 1u << 30));
  CHECK((liar == ExitCode::bundle_too_large || liar == ExitCode::bundle_corrupt));
  CHECK(frame_code("not a zstd frame at all") == ExitCode::bundle_corrupt);
  std::string damaged = with_checksum(content);
  damaged[damaged.size() - 1] ^= 0x01;  // the XXH64 checksum
  CHECK(frame_code(damaged) == ExitCode::bundle_corrupt);
}

TEST_CASE("FrameReader reports truncation with the byte and the frame", "[bundles][frames]") {
  const std::string frame = zstd_frame(random_bytes(200000, 3));
  for (const std::size_t cut : {1, 3, 4, 5, 8, 100, 100000}) {
    INFO("cut " << cut);
    CHECK(frame_code(frame.substr(0, cut)) == ExitCode::bundle_truncated);
  }
  const std::string msg = message_of([&] {
    auto source = bundles::memory_source(frame.substr(0, 1000), "bundle x.sdc");
    FrameReader reader(*source, bundles::k_default_max_window, 5000, 7);
    reader.next(1u << 20, "member images/a chunk 3");
    read_all(reader, 4096);
  });
  CHECK(msg.find("bundle x.sdc is truncated at byte 6000, inside frame 7 at byte 5000 "
                 "(member images/a chunk 3)") != std::string::npos);
}

TEST_CASE("FrameReader: skippable frames are bounded and must be read whole", "[bundles][frames]") {
  std::string skippable;
  put_le(skippable, 0x184D2A50u, 4);
  put_le(skippable, 0xFFFFFFFFu, 4);
  auto source = bundles::memory_source(skippable + "abc");
  FrameReader reader(*source);
  REQUIRE(reader.next(100, "x")->kind == FrameHeader::Kind::skippable);
  CHECK(code_of([&] { reader.read_skippable(100); }) == ExitCode::bundle_too_large);
  auto source2 = bundles::memory_source(skippable + "abc");
  FrameReader reader2(*source2);
  reader2.next(100, "x");
  CHECK(code_of([&] { reader2.read_skippable(0xFFFFFFFFu); }) == ExitCode::bundle_truncated);
  CHECK(code_of([&] { reader2.next(100, "y"); }) == ExitCode::internal);  // misuse
}

TEST_CASE("tar headers: strict parsing", "[bundles][frames][tar]") {
  const std::string good = tar_header("images/a.imgfile", 123456);
  const auto entry = bundles::parse_tar_header(good.data(), "here");
  CHECK(entry.name == "images/a.imgfile");
  CHECK(entry.size == 123456);
  CHECK(entry.type == '0');
  // A size field of 12 digits with no terminator (as libarchive writes up to 64 GiB - 1).
  std::string big = good;
  std::memcpy(&big[124], "777777777777", 12);
  std::memset(&big[148], ' ', 8);
  unsigned sum = 0;
  for (char c : big) sum += static_cast<unsigned char>(c);
  std::snprintf(&big[148], 8, "%06o", sum);
  CHECK(bundles::parse_tar_header(big.data(), "here").size == 68719476735ull);
  // A name of exactly 100 bytes has no terminator.
  const std::string name100(100, 'n');
  CHECK(bundles::parse_tar_header(tar_header(name100, 1).data(), "here").name == name100);
}

TEST_CASE("tar headers: closed-world rules in order", "[bundles][frames][tar]") {
  const std::vector<std::string> listed{"a", "b", "c"};
  auto check = [&](const std::string& name, std::uint64_t size, char type, std::size_t position) {
    return code_of([&] {
      bundles::TarEntry e{name, size, type};
      bundles::check_member_header(e, {listed[position], 10, &listed, position}, "here");
    });
  };
  auto passes = [&](const std::string& name, std::uint64_t size, std::size_t position) {
    bundles::TarEntry e{name, size, '0'};
    bundles::check_member_header(e, {listed[position], 10, &listed, position}, "here");
    return true;
  };
  CHECK(passes("b", 10, 1));
  CHECK(check("../b", 99, '2', 1) == ExitCode::bundle_unsafe);   // type first
  CHECK(check("../b", 99, '0', 1) == ExitCode::bundle_unsafe);   // then the name
  CHECK(check("a", 99, '0', 1) == ExitCode::bundle_closed_world);  // duplicate
  CHECK(check("c", 10, '0', 1) == ExitCode::bundle_closed_world);  // b missing
  CHECK(check("d", 10, '0', 1) == ExitCode::bundle_closed_world);  // unlisted
  CHECK(check("b", 11, '0', 1) == ExitCode::bundle_too_large);
  CHECK(check("b", 9, '0', 1) == ExitCode::bundle_corrupt);
  const std::string dup = message_of([&] {
    bundles::check_member_header({"a", 10, '0'}, {"b", 10, &listed, 1}, "here");
  });
  CHECK(dup.find("duplicate of member \"a\"") != std::string::npos);
  const std::string missing = message_of([&] {
    bundles::check_member_header({"c", 10, '0'}, {"b", 10, &listed, 1}, "here");
  });
  CHECK(missing.find("member \"b\" is missing") != std::string::npos);
}
