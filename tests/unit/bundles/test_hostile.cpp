// Hostile bundles, each refused by the streaming reader and by random access (open +
// parallel verify, which must report exactly what serial verify reports), with the exit
// code of docs/bundle-format.md's failure family. The forge keeps the seek table truthful
// so that each bundle reaches the check it is about.
//
// Frames of the sample bundle: 0 index, 1 signature slot, 2 changelog.json, 3 the
// manifest, 4 the empty member, 5..8 the image file's four 1 MiB chunks.

#include "test_reader_support.hpp"

using namespace reader_test;

namespace {

constexpr std::size_t k_changelog = 2;
constexpr std::size_t k_manifest = 3;
constexpr std::size_t k_empty = 4;
constexpr std::size_t k_image0 = 5;
constexpr std::size_t k_image_last = 8;

// Replaces the tar header at the start of frame `i`.
void set_header(Forged& f, std::size_t i, const std::string& header) {
  f.frames[i].content.replace(0, 512, header);
}

std::string index_frame_content(const std::string& index) {
  return tar_header("bundle.json", index.size()) + index +
         std::string(bundles::format::tar_padding(index.size()), '\0');
}

}  // namespace

TEST_CASE("path traversal and absolute names are unsafe", "[bundles][hostile]") {
  TempDir dir;
  for (const std::string name : {"../../etc/passwd", "/etc/passwd", "images/../../x", "./changelog.json",
                                 "images//x", "a\\b"}) {
    Forged f = sample_forge(dir);
    set_header(f, k_changelog, tar_header(name, f.contents[0].bytes.size()));
    const std::string msg = expect_refused(forge(f.frames), ExitCode::bundle_unsafe);
    CHECK(msg.find("unsafe name") != std::string::npos);
  }
}

TEST_CASE("links, devices, directories, fifos and extension headers are unsafe", "[bundles][hostile]") {
  TempDir dir;
  for (const char type : {'1', '2', '3', '4', '5', '6', '7', 'x', 'g', 'L', 'K', '\0'}) {
    Forged f = sample_forge(dir);
    set_header(f, k_manifest, tar_header(f.contents[1].name, f.contents[1].bytes.size(), type));
    INFO("type " << int(type));
    expect_refused(forge(f.frames), ExitCode::bundle_unsafe);
  }
}

TEST_CASE("a link is unsafe even when its name is also unsafe or unlisted", "[bundles][hostile]") {
  TempDir dir;
  Forged f = sample_forge(dir);
  set_header(f, k_changelog, tar_header("../evil", 0, '2'));
  const std::string msg = expect_refused(forge(f.frames), ExitCode::bundle_unsafe);
  CHECK(msg.find("symbolic link") != std::string::npos);
}

TEST_CASE("a duplicate member is refused (closed world)", "[bundles][hostile]") {
  TempDir dir;
  Forged f = sample_forge(dir);
  set_header(f, k_manifest, tar_header("changelog.json", f.contents[1].bytes.size()));
  CHECK(expect_refused(forge(f.frames), ExitCode::bundle_closed_world).find("duplicate") !=
        std::string::npos);
  Forged g = sample_forge(dir);
  set_header(g, k_changelog, tar_header("bundle.json", g.contents[0].bytes.size()));
  CHECK(expect_refused(forge(g.frames), ExitCode::bundle_closed_world).find("duplicate") !=
        std::string::npos);
}

TEST_CASE("an unlisted member is refused (closed world)", "[bundles][hostile]") {
  TempDir dir;
  Forged f = sample_forge(dir);
  set_header(f, k_manifest, tar_header("images/evil.imgfile", f.contents[1].bytes.size()));
  CHECK(expect_refused(forge(f.frames), ExitCode::bundle_closed_world).find("unlisted") !=
        std::string::npos);
}

TEST_CASE("an unlisted member after the last listed one is refused", "[bundles][hostile]") {
  TempDir dir;
  Forged f = sample_forge(dir);
  auto& last = f.frames[k_image_last].content;
  last.resize(last.size() - 1024);  // the archive does not end here any more ...
  ForgeFrame extra;                 // ... but after one more entry
  extra.member = 6;
  extra.content = tar_header("extra.sh", 5) + "echo\n" + std::string(507 + 1024, '\0');
  f.frames.push_back(extra);
  const std::string msg = expect_refused(forge(f.frames), ExitCode::bundle_closed_world);
  CHECK(msg.find("unlisted member \"extra.sh\"") != std::string::npos);
}

TEST_CASE("a member missing in the middle is refused", "[bundles][hostile]") {
  TempDir dir;
  Forged f = sample_forge(dir);
  f.frames.erase(f.frames.begin() + k_manifest);
  for (std::size_t i = k_manifest; i < f.frames.size(); ++i) --f.frames[i].member;
  const std::string msg = expect_refused(forge(f.frames), ExitCode::bundle_closed_world);
  CHECK(msg.find("is missing") != std::string::npos);
}

TEST_CASE("a missing last member is refused", "[bundles][hostile]") {
  TempDir dir;
  Forged f = sample_forge(dir);
  f.frames.resize(k_image0);                                   // drop the image file
  f.frames[k_empty].content.append(1024, '\0');                // the archive ends earlier
  const std::string msg = expect_refused(forge(f.frames), ExitCode::bundle_closed_world);
  CHECK(msg.find("is missing") != std::string::npos);
  // Without the end blocks either: the stream meets the seek table where the member belongs.
  Forged g = sample_forge(dir);
  g.frames.resize(k_image0);
  expect_refused(forge(g.frames), ExitCode::bundle_closed_world);
}

TEST_CASE("a member declaring more than the index says is too large", "[bundles][hostile]") {
  TempDir dir;
  Forged f = sample_forge(dir);
  const auto size = f.contents[1].bytes.size();
  set_header(f, k_manifest, tar_header(f.contents[1].name, size + 1000000000));
  const std::string msg = expect_refused(forge(f.frames), ExitCode::bundle_too_large);
  CHECK(msg.find("declares " + std::to_string(size + 1000000000) + " bytes, index says " +
                 std::to_string(size)) != std::string::npos);
  // Smaller than the index: the data does not match either.
  Forged g = sample_forge(dir);
  set_header(g, k_manifest, tar_header(g.contents[1].name, size - 1));
  expect_refused(forge(g.frames), ExitCode::bundle_corrupt);
}

TEST_CASE("a frame carrying more data than the index implies is refused", "[bundles][hostile]") {
  TempDir dir;
  Forged f = sample_forge(dir);
  f.frames[k_changelog].content += std::string(4096, 'A');  // endless data after the member
  expect_refused(forge(f.frames), ExitCode::bundle_corrupt);
}

TEST_CASE("a zstd bomb is refused before it is decoded", "[bundles][hostile]") {
  TempDir dir;
  // Declares 1 GiB of zeros (and would produce them) where changelog.json belongs; the
  // seek table lies along (the planned size) so random access reaches the frame too.
  Forged f = sample_forge(dir);
  f.frames[k_changelog].table_size = f.frames[k_changelog].content.size();
  f.frames[k_changelog].raw = zero_bomb(1u << 30, 1u << 30);
  CHECK(expect_refused(forge(f.frames), ExitCode::bundle_too_large).find("zstd bomb") !=
        std::string::npos);
  // The same bomb as the index frame.
  Forged g = sample_forge(dir);
  g.frames[0].table_size = g.frames[0].content.size();
  g.frames[0].raw = zero_bomb(1u << 30, 1u << 30);
  expect_refused(forge(g.frames), ExitCode::bundle_too_large);
}

TEST_CASE("a frame producing more than it declares is refused", "[bundles][hostile]") {
  TempDir dir;
  Forged f = sample_forge(dir);
  const std::uint64_t planned = f.frames[k_changelog].content.size();
  f.frames[k_changelog].table_size = planned;
  f.frames[k_changelog].raw = zero_bomb(planned, 1u << 30);
  const ExitCode code = code_of([&] { stream_read(forge(f.frames)); });
  // zstd may notice first (corrupt), or the reader's own bound (too large): never accepted.
  CHECK((code == ExitCode::bundle_too_large || code == ExitCode::bundle_corrupt));
  const ExitCode seek = code_of([&] { seek_verify(forge(f.frames)); });
  CHECK((seek == ExitCode::bundle_too_large || seek == ExitCode::bundle_corrupt));
}

TEST_CASE("a frame without a content size is refused", "[bundles][hostile]") {
  TempDir dir;
  Forged f = sample_forge(dir);
  f.frames[k_changelog].table_size = f.frames[k_changelog].content.size();
  f.frames[k_changelog].raw = hand_frame(f.frames[k_changelog].content, std::nullopt);
  CHECK(expect_refused(forge(f.frames), ExitCode::bundle_corrupt).find("content size") !=
        std::string::npos);
}

TEST_CASE("a frame needing a huge decoding window is refused", "[bundles][hostile]") {
  TempDir dir;
  Forged f = sample_forge(dir);
  const std::string content = f.frames[k_changelog].content;
  f.frames[k_changelog].raw = hand_frame(content, content.size(), 30);
  CHECK(expect_refused(forge(f.frames), ExitCode::bundle_too_large).find("window") !=
        std::string::npos);
}

TEST_CASE("a deeply nested index is refused", "[bundles][hostile]") {
  TempDir dir;
  for (const std::size_t depth : {40, 100000}) {
    Forged f = sample_forge(dir);
    std::string index = f.fixture.index_bytes;
    index.insert(index.find('{') + 1, "\"x\": " + std::string(depth, '[') + std::string(depth, ']') + ",");
    f.frames[0].content = index_frame_content(index);
    INFO("depth " << depth);
    expect_refused(forge(f.frames), ExitCode::bundle_corrupt);
  }
}

TEST_CASE("an index of format_version 3 is unsupported", "[bundles][hostile]") {
  TempDir dir;
  Forged f = sample_forge(dir);
  std::string index = f.fixture.index_bytes;
  const auto at = index.find("\"format_version\": 1");
  REQUIRE(at != std::string::npos);
  index.replace(at, 19, "\"format_version\": 3");
  f.frames[0].content = index_frame_content(index);
  CHECK(expect_refused(forge(f.frames), ExitCode::bundle_unsupported).find("3") !=
        std::string::npos);
}

TEST_CASE("an index declaring more than 16 MiB is too large", "[bundles][hostile]") {
  TempDir dir;
  Forged f = sample_forge(dir);
  f.frames[0].content = tar_header("bundle.json", 17u << 20) + std::string(512, ' ');
  expect_refused(forge(f.frames), ExitCode::bundle_too_large);
}

TEST_CASE("frame 0 must hold bundle.json", "[bundles][hostile]") {
  TempDir dir;
  Forged f = sample_forge(dir);
  set_header(f, 0, tar_header("bundle.jsom", f.fixture.index_bytes.size()));
  expect_refused(forge(f.frames), ExitCode::bundle_closed_world);
}

TEST_CASE("a chunk whose content differs from the index fails its hash", "[bundles][hostile]") {
  TempDir dir;
  Forged f = sample_forge(dir);
  f.frames[k_image0 + 2].content[1000] ^= 0x01;  // chunk 2 of the image file
  const std::string bytes = forge(f.frames);
  const std::string msg = expect_refused(bytes, ExitCode::bundle_hash);
  CHECK(msg.find("member " + f.contents[3].name + " chunk 2: SHA-256 mismatch") !=
        std::string::npos);
  // The members before were committed, the broken one aborted, never committed.
  bundles::StreamReader reader(bundles::memory_source(bytes));
  Collect collect;
  CHECK(code_of([&] { reader.read_members(collect); }) == ExitCode::bundle_hash);
  CHECK(collect.events.back() == "abort " + f.contents[3].name);
  CHECK(collect.committed.size() == 3);
  CHECK(collect.committed.count(f.contents[3].name) == 0);
  // extract_member verifies too.
  const auto seek = bundles::SeekableReader::open(bundles::memory_source(bytes));
  CHECK(code_of([&] { seek.extract_member(f.contents[3].name, {}); }) == ExitCode::bundle_hash);
  CHECK(seek.read_member("changelog.json", 100) == f.contents[0].bytes);
}

TEST_CASE("non-zero tar padding or end blocks are refused", "[bundles][hostile]") {
  TempDir dir;
  Forged f = sample_forge(dir);
  f.frames[k_changelog].content.back() = 'x';  // last padding byte
  expect_refused(forge(f.frames), ExitCode::bundle_corrupt);
  Forged g = sample_forge(dir);
  g.frames[k_image_last].content.back() = 'x';  // end of archive
  expect_refused(forge(g.frames), ExitCode::bundle_corrupt);
}

TEST_CASE("malformed tar headers are corrupt", "[bundles][hostile]") {
  TempDir dir;
  const auto good = tar_header("changelog.json", 17);
  std::vector<std::pair<std::string, std::string>> cases;
  auto with = [&](std::size_t at, const std::string& bytes) {
    std::string h = good;
    h.replace(at, bytes.size(), bytes);
    return h;
  };
  cases.push_back({"checksum", with(148, "0000000")});
  cases.push_back({"gnu magic", with(257, "ustar  ")});
  cases.push_back({"no magic", with(257, "xxxxx")});
  cases.push_back({"octal size", with(124, "0000000001x")});
  cases.push_back({"base-256 size", with(124, "\x80")});
  cases.push_back({"hidden name", with(20, "evil")});
  cases.push_back({"zero block", std::string(512, '\0')});
  for (const auto& [what, header] : cases) {
    Forged f = sample_forge(dir);
    set_header(f, k_changelog, header);
    INFO(what);
    const ExitCode code = what == "zero block" ? ExitCode::bundle_closed_world : ExitCode::bundle_corrupt;
    expect_refused(forge(f.frames), code);
  }
}

TEST_CASE("a name prefix is unsafe", "[bundles][hostile]") {
  TempDir dir;
  Forged f = sample_forge(dir);
  std::string h = tar_header("changelog.json", f.contents[0].bytes.size());
  h.replace(345, 4, "/etc");
  // Recompute the checksum so only the prefix is wrong.
  std::memset(&h[148], ' ', 8);
  unsigned sum = 0;
  for (char c : h) sum += static_cast<unsigned char>(c);
  std::snprintf(&h[148], 8, "%06o", sum);
  set_header(f, k_changelog, h);
  expect_refused(forge(f.frames), ExitCode::bundle_unsafe);
}

TEST_CASE("skippable frames other than the final seek table are refused", "[bundles][hostile]") {
  TempDir dir;
  Forged f = sample_forge(dir);
  const std::string good = forge(f.frames);
  std::string skippable;
  put_le(skippable, 0x184D2A50u, 4);
  put_le(skippable, 4, 4);
  skippable += "evil";
  // Inserted before the manifest's frame: the seek table no longer tiles the file.
  const auto table = bundles::SeekableReader::open(bundles::memory_source(good)).seek_table();
  std::string bytes = good;
  bytes.insert(table.entries[k_manifest].offset, skippable);
  expect_refused(bytes, ExitCode::bundle_corrupt);
}

TEST_CASE("data after the archive end or after the seek table is refused", "[bundles][hostile]") {
  TempDir dir;
  Forged f = sample_forge(dir);
  const std::string good = forge(f.frames);
  const auto table = bundles::SeekableReader::open(bundles::memory_source(good)).seek_table();
  std::string extra_frame = good;
  extra_frame.insert(table.data_size, zstd_frame(std::string(1024, '\0')));
  expect_refused(extra_frame, ExitCode::bundle_corrupt);
  // After the seek table the footer is no longer at the end: random access cannot find
  // the table (as with a cut copy); the stream sees the extra bytes.
  expect_refused(good + "x", ExitCode::bundle_corrupt, ExitCode::bundle_truncated);
  expect_refused(good + zstd_frame("x"), ExitCode::bundle_corrupt, ExitCode::bundle_truncated);
}

TEST_CASE("a lying seek table leads to a refusal, never to accepted bytes", "[bundles][hostile]") {
  TempDir dir;
  const Forged f = sample_forge(dir);
  const std::string good = forge(f.frames);
  const auto table = bundles::SeekableReader::open(bundles::memory_source(good)).seek_table();
  auto rewrite = [&](const std::function<void(std::vector<bundles::SeekEntry>&)>& lie) {
    auto entries = table.entries;
    lie(entries);
    return good.substr(0, table.data_size) + bundles::encode_seek_table(entries);
  };
  // Frame extents shifted (sizes still add up): frames no longer line up.
  expect_refused(rewrite([](auto& e) {
                   e[k_manifest].compressed_size += 3;
                   e[k_empty].compressed_size -= 3;
                 }),
                 ExitCode::bundle_corrupt);
  // A decompressed size the index does not imply.
  expect_refused(rewrite([](auto& e) { e[k_changelog].decompressed_size += 512; }),
                 ExitCode::bundle_corrupt);
  // Two chunks' entries swapped in place (sizes and member/chunk order as before).
  expect_refused(rewrite([](auto& e) { std::swap(e[k_image0].compressed_size, e[k_image0 + 1].compressed_size); }),
                 ExitCode::bundle_corrupt);
}
