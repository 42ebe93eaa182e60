#include <bundles/writer.hpp>

#include <bundles/format.hpp>
#include <bundles/frame_compressor.hpp>
#include <bundles/layout.hpp>
#include <bundles/seek_table.hpp>

#include "writer_support.hpp"

using common::ExitCode;
using namespace writer_test;
namespace format = bundles::format;

namespace {

// Members that exercise every layout case with 1 MiB chunks: empty, tiny, a compressible
// text, exactly one chunk, and an incompressible member of 2.5 chunks.
std::vector<Content> sample_contents() {
  std::string text;
  while (text.size() < 300000) text += "{\"name\": \"imgapi\", \"version\": \"master\"}\n";
  return {{"changelog.json", "{\"artifacts\": []}\n"},
          {"images/00000000-0000-4000-8000-000000000001.imgmanifest", text},
          {"images/00000000-0000-4000-8000-000000000001.imgfile",
           random_bytes(5 * k_mib / 2, 1)},
          {"images/00000000-0000-4000-8000-000000000002.imgfile", random_bytes(k_mib, 2)},
          {"installer/empty", ""}};
}

bundles::WriterOptions options(unsigned threads, std::int64_t mtime = 1764072000) {
  bundles::WriterOptions o;
  o.threads = threads;
  o.mtime = mtime;
  return o;
}

}  // namespace

TEST_CASE("a written bundle decodes frame by frame into the index's tar", "[writer]") {
  TempDir dir;
  const auto contents = sample_contents();
  auto fx = make_fixture(dir, contents);
  fx.inputs.back().mode = 0755;
  const auto stats = bundles::write_bundle(dir.file("b.sdc"), fx.index_bytes, fx.inputs,
                                           options(2));

  const auto frames = decode_frames(dir.file("b.sdc"));
  const auto table = bundles::read_seek_table(dir.file("b.sdc"));
  // 5 members: 1 + 1 + 3 + 1 + 1 frames, plus index and slot
  REQUIRE(frames.size() == 9);
  std::vector<std::uint64_t> sizes;
  for (const auto& c : contents) sizes.push_back(c.bytes.size());
  CHECK_NOTHROW(bundles::check_frame_sizes(
      table, bundles::expected_entries(bundles::plan_frames(fx.index_bytes.size(), sizes, k_mib))));
  CHECK(stats.frames == 9);
  CHECK(stats.file_bytes == slurp(dir.file("b.sdc")).size());
  CHECK(stats.tar_bytes == table.tar_size);
  CHECK(stats.content_bytes == fx.index.payload_size());

  const auto entries = read_tar(join(frames));
  REQUIRE(entries.size() == contents.size() + 2);
  CHECK(entries[0].name == "bundle.json");
  CHECK(entries[0].content == fx.index_bytes);
  CHECK(entries[1].name == "bundle.sig");
  CHECK(entries[1].content.size() == 65536);
  CHECK(entries[1].content.rfind("{\"signatures\":[]}   ", 0) == 0);
  for (std::size_t i = 0; i < contents.size(); ++i) {
    CHECK(entries[i + 2].name == contents[i].name);
    CHECK(entries[i + 2].content == contents[i].bytes);
  }
  for (const auto& e : entries) {
    CHECK(e.type == AE_IFREG);
    CHECK(e.uid == 0);
    CHECK(e.gid == 0);
    CHECK(e.uname == "root");
    CHECK(e.gname == "root");
    CHECK(e.mtime == 1764072000);
    CHECK(e.mode == (e.name == "installer/empty" ? 0755u : 0644u));
  }
  // Each member starts its own frame: frame 2 begins with changelog.json's header.
  CHECK(frames[2].compare(0, 15, std::string("changelog.json\0", 15)) == 0);
  // The compressible member shrank; the random one did not grow by more than framing.
  CHECK(table.entries[3].compressed_size < contents[1].bytes.size() / 10);
  CHECK(table.entries[4].compressed_size < k_mib + 512 + 1024);
  // The last frame: the empty member's header, then the end-of-archive blocks.
  CHECK(frames.back().size() == 512 + 1024);
  CHECK(frames.back().compare(0, 16, std::string("installer/empty\0", 16)) == 0);
  CHECK(frames.back().substr(512) == std::string(1024, '\0'));
}

TEST_CASE("frames carry their content size and a checksum", "[writer]") {
  TempDir dir;
  auto fx = make_fixture(dir, sample_contents());
  bundles::write_bundle(dir.file("b.sdc"), fx.index_bytes, fx.inputs, options(2));
  const std::string bytes = slurp(dir.file("b.sdc"));
  const auto table = bundles::read_seek_table(dir.file("b.sdc"));
  for (const auto& e : table.entries) {
    const char* frame = bytes.data() + e.offset;
    CHECK(ZSTD_getFrameContentSize(frame, e.compressed_size) == e.decompressed_size);
    // Frame_Header_Descriptor bit 2: Content_Checksum_flag (RFC 8878 3.1.1.1.1).
    const bool checksum = (static_cast<unsigned char>(frame[4]) & 0x04) != 0;
    CHECK(checksum == (e.member != format::k_member_index_sig));
  }
}

TEST_CASE("equal inputs give equal bytes for any thread count", "[writer]") {
  TempDir dir;
  const auto fx = make_fixture(dir, sample_contents());
  bundles::write_bundle(dir.file("t1.sdc"), fx.index_bytes, fx.inputs, options(1));
  bundles::write_bundle(dir.file("t4.sdc"), fx.index_bytes, fx.inputs, options(4));
  bundles::write_bundle(dir.file("t3.sdc"), fx.index_bytes, fx.inputs, options(3));
  const std::string one = slurp(dir.file("t1.sdc"));
  CHECK(one == slurp(dir.file("t4.sdc")));
  CHECK(one == slurp(dir.file("t3.sdc")));

  // Bytes in memory give the same bundle as the same bytes in a file.
  auto in_memory = fx.inputs;
  const auto contents = sample_contents();
  for (std::size_t i = 0; i < in_memory.size(); ++i) {
    in_memory[i].path.clear();
    in_memory[i].bytes = contents[i].bytes;
  }
  bundles::write_bundle(dir.file("mem.sdc"), fx.index_bytes, in_memory, options(2));
  CHECK(one == slurp(dir.file("mem.sdc")));

  // And the time stamp is part of the bytes.
  bundles::write_bundle(dir.file("later.sdc"), fx.index_bytes, fx.inputs,
                        options(1, 1764072001));
  CHECK(one != slurp(dir.file("later.sdc")));
}

TEST_CASE("a large member keeps its chunk boundaries at any level", "[writer]") {
  TempDir dir;
  // 3 MiB of mostly-zero data: compressible, so zstd's jobs matter.
  std::string sparse(3 * k_mib, '\0');
  for (std::size_t i = 0; i < sparse.size(); i += 4096) sparse[i] = static_cast<char>(i >> 12);
  const auto fx = make_fixture(dir, {{"images/sparse.imgfile", sparse}});
  for (const int level : {1, 3, 9}) {
    auto o = options(2);
    o.level = level;
    bundles::write_bundle(dir.file("b.sdc"), fx.index_bytes, fx.inputs, o);
    const auto frames = decode_frames(dir.file("b.sdc"));
    REQUIRE(frames.size() == 5);
    CHECK(frames[2].size() == 512 + k_mib);
    CHECK(frames[4].size() == k_mib + 1024);
    CHECK(frames[2].substr(512) + frames[3] + frames[4].substr(0, k_mib) == sparse);
  }
}

TEST_CASE("progress reports content bytes up to the total", "[writer]") {
  TempDir dir;
  const auto fx = make_fixture(dir, sample_contents());
  auto o = options(2);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
  o.progress = [&](std::uint64_t done, std::uint64_t total) { calls.emplace_back(done, total); };
  bundles::write_bundle(dir.file("b.sdc"), fx.index_bytes, fx.inputs, o);
  REQUIRE_FALSE(calls.empty());
  for (std::size_t i = 1; i < calls.size(); ++i) CHECK(calls[i].first > calls[i - 1].first);
  CHECK(calls.back().first == fx.index.payload_size());
  CHECK(calls.back().second == fx.index.payload_size());
}

TEST_CASE("chunk_hashes streams one SHA-256 per chunk", "[writer]") {
  TempDir dir;
  const std::string bytes = random_bytes(2 * k_mib + 5, 7);
  write_file(dir.file("f"), bytes);
  const auto hashes = bundles::chunk_hashes(dir.file("f"), k_mib);
  REQUIRE(hashes.size() == 3);
  CHECK(hashes[0] == common::hex_digest(common::HashAlgorithm::sha256, bytes.substr(0, k_mib)));
  CHECK(hashes[2] == common::hex_digest(common::HashAlgorithm::sha256, bytes.substr(2 * k_mib)));
  CHECK(bundles::chunk_hashes_of(bytes, k_mib) == hashes);
  write_file(dir.file("empty"), "");
  CHECK(bundles::chunk_hashes(dir.file("empty"), k_mib).empty());
  CHECK(bundles::chunk_hashes_of("", k_mib).empty());
  write_file(dir.file("exact"), bytes.substr(0, k_mib));
  CHECK(bundles::chunk_hashes(dir.file("exact"), k_mib) ==
        std::vector<std::string>{hashes[0]});
  CHECK(code_of([&] { bundles::chunk_hashes(dir.file("missing"), k_mib); }) ==
        ExitCode::not_found);
}

TEST_CASE("frames that are whole numbers of zstd jobs end the same way whatever the timing",
          "[writer]") {
  // Chunks of exactly 16 zstd jobs of incompressible data. zstd submits a frame's final
  // job either while the input is fed or only at the end of the frame, depending on how
  // fast its workers drain; before the writer flushed each frame, about two runs in three
  // of this test failed. Several runs and thread counts must all agree.
  TempDir dir;
  const std::uint64_t chunk = 16 * bundles::FrameCompressor::k_job_size;
  const auto fx = make_fixture(dir, {{"images/a.imgfile", random_bytes(4 * chunk, 11)}}, chunk);
  auto o = options(2);
  o.level = 1;
  bundles::write_bundle(dir.file("first.sdc"), fx.index_bytes, fx.inputs, o);
  const std::string first = slurp(dir.file("first.sdc"));
  for (const unsigned threads : {2u, 2u, 1u, 4u}) {
    o.threads = threads;
    bundles::write_bundle(dir.file("again.sdc"), fx.index_bytes, fx.inputs, o);
    CHECK(slurp(dir.file("again.sdc")) == first);
  }
}
