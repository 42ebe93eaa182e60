// Deterministic mutation: a real bundle cut at many offsets and with single bits flipped
// at many places. Every variant must be refused with a bundle_* error (never a crash,
// never an internal error), or, when a flip only touched bytes no reader depends on (a
// zstd window descriptor, the signature slot's text, which signatures protect), read back
// with every index and member byte unchanged: never an accepted wrong byte.

#include "test_reader_support.hpp"

#include <set>

using namespace reader_test;

namespace {

bool is_bundle_code(ExitCode code) {
  const int c = common::to_int(code);
  return c >= 20 && c <= 26;
}

std::vector<Content> mutation_contents() {
  return {{"changelog.json", "{\"artifacts\":[]}\n"},
          {"images/0a1b2c3d-0000-4000-8000-000000000001.imgmanifest", "{\"v\":2}\n"},
          {"images/empty.txt", ""},
          {"images/0a1b2c3d-0000-4000-8000-000000000001.imgfile", random_bytes(k_mib + 1000, 9)}};
}

std::map<std::string, std::string> as_map(const std::vector<Content>& contents) {
  std::map<std::string, std::string> out;
  for (const auto& c : contents) out[c.name] = c.bytes;
  return out;
}

// Offsets around every frame boundary, inside frame headers and data, and all over the
// seek table and its footer.
std::set<std::uint64_t> cut_offsets(const bundles::SeekTable& table, std::uint64_t size) {
  std::set<std::uint64_t> out{0, 1, 3, 4, 5, 17, 18};
  for (const auto& e : table.entries) {
    for (const std::uint64_t d : {0, 1, 4, 5, 6, 8, 12, 17, 18, 30}) out.insert(e.offset + d);
    out.insert(e.offset - (e.offset > 0 ? 1 : 0));
    out.insert(e.offset + e.compressed_size / 3);
    out.insert(e.offset + e.compressed_size / 2);
    out.insert(e.offset + e.compressed_size - 1);
    out.insert(e.offset + e.compressed_size - 4);
  }
  for (const std::uint64_t d : {0, 1, 4, 7, 8, 9, 20, 31, 32, 33}) out.insert(table.data_size + d);
  for (const std::uint64_t d : {1, 2, 8, 9, 15, 16, 17, 20, 24, 25}) out.insert(size - d);
  std::set<std::uint64_t> valid;
  for (const auto o : out) {
    if (o < size) valid.insert(o);
  }
  return valid;
}

// Bytes to flip: the first 24 bytes of every frame (headers), its last 8 (block tails
// and checksums), a few in between, and every byte of the seek table.
std::set<std::uint64_t> flip_offsets(const bundles::SeekTable& table, std::uint64_t size) {
  std::set<std::uint64_t> out;
  for (const auto& e : table.entries) {
    for (std::uint64_t d = 0; d < 24 && d < e.compressed_size; ++d) out.insert(e.offset + d);
    for (std::uint64_t d = 1; d <= 8 && d <= e.compressed_size; ++d) out.insert(e.offset + e.compressed_size - d);
    for (int k = 1; k < 6; ++k) out.insert(e.offset + e.compressed_size * k / 6);
  }
  for (std::uint64_t o = table.data_size; o < size; ++o) out.insert(o);
  return out;
}

// Reads `bytes` both ways. Either both refuse with bundle codes, or what they accept is
// the original content.
void check_variant(const std::string& bytes, const Built& b, const std::string& what) {
  INFO(what);
  try {
    bundles::StreamReader reader(bundles::memory_source(bytes));
    Collect collect;
    reader.read_members(collect);
    CHECK(reader.index_bytes() == b.fixture.index_bytes);
    CHECK(collect.committed == as_map(b.contents));
  } catch (const common::Error& e) {
    INFO(e.what());
    CHECK(is_bundle_code(e.code()));
  }
  try {
    const auto reader = bundles::SeekableReader::open(bundles::memory_source(bytes));
    reader.verify(2);
    CHECK(reader.index_bytes() == b.fixture.index_bytes);
    for (const auto& c : b.contents) CHECK(reader.read_member(c.name, 2 * k_mib) == c.bytes);
  } catch (const common::Error& e) {
    INFO(e.what());
    CHECK(is_bundle_code(e.code()));
  }
}

}  // namespace

TEST_CASE("a bundle cut at any of many offsets is refused as truncated", "[bundles][hostile][mutation]") {
  TempDir dir;
  const Built b = build_bundle(dir, mutation_contents());
  const auto table = bundles::SeekableReader::open(b.path).seek_table();
  const auto offsets = cut_offsets(table, b.bytes.size());
  CHECK(offsets.size() >= 50);
  for (const auto n : offsets) {
    const std::string cut = b.bytes.substr(0, n);
    INFO("cut at " << n << " of " << b.bytes.size());
    const std::string msg = message_of([&] { stream_read(cut); });
    INFO(msg);
    CHECK(code_of([&] { stream_read(cut); }) == ExitCode::bundle_truncated);
    CHECK(code_of([&] { seek_verify(cut); }) == ExitCode::bundle_truncated);
  }
}

TEST_CASE("a truncation message says where and what to do", "[bundles][hostile][mutation]") {
  TempDir dir;
  const Built b = build_bundle(dir, mutation_contents());
  const auto table = bundles::SeekableReader::open(b.path).seek_table();
  const auto& image = table.entries.back();  // last chunk of the image file
  const std::string cut = b.bytes.substr(0, image.offset + 100);
  const std::string msg = message_of([&] { stream_read(cut); });
  CHECK(msg.find("truncated at byte " + std::to_string(image.offset + 100)) != std::string::npos);
  CHECK(msg.find("frame " + std::to_string(table.entries.size() - 1)) != std::string::npos);
  CHECK(msg.find("images/0a1b2c3d-0000-4000-8000-000000000001.imgfile chunk 1") != std::string::npos);
  CHECK(msg.find("copy it again") != std::string::npos);
}

TEST_CASE("single flipped bits anywhere are refused or harmless", "[bundles][hostile][mutation]") {
  TempDir dir;
  const Built b = build_bundle(dir, mutation_contents());
  const auto table = bundles::SeekableReader::open(b.path).seek_table();
  const auto offsets = flip_offsets(table, b.bytes.size());
  CHECK(offsets.size() > 300);
  for (const auto at : offsets) {
    for (const unsigned char bit : {0x01, 0x80}) {
      std::string bytes = b.bytes;
      bytes[at] = static_cast<char>(bytes[at] ^ bit);
      check_variant(bytes, b, "bit " + std::to_string(bit) + " flipped at byte " + std::to_string(at));
    }
  }
}

TEST_CASE("flips in the index, a payload frame and the seek table are refused", "[bundles][hostile][mutation]") {
  TempDir dir;
  const Built b = build_bundle(dir, mutation_contents());
  const auto table = bundles::SeekableReader::open(b.path).seek_table();
  auto flipped = [&](std::uint64_t at) {
    std::string bytes = b.bytes;
    bytes[at] = static_cast<char>(bytes[at] ^ 0x20);
    return bytes;
  };
  // Inside the compressed index and inside the image's first chunk: zstd's checksum or
  // the decoder catches it (corrupt); the stream and random access agree.
  const auto& index = table.entries[0];
  expect_refused(flipped(index.offset + index.compressed_size / 2), ExitCode::bundle_corrupt);
  const auto& chunk = table.entries[5];
  expect_refused(flipped(chunk.offset + chunk.compressed_size / 2), ExitCode::bundle_corrupt);
  // In a seek-table entry: the table no longer describes the frames.
  expect_refused(flipped(table.data_size + 8 + 24 * 3 + 2), ExitCode::bundle_corrupt);
  // In the footer's magic string: random access cannot find the table at all.
  expect_refused(flipped(b.bytes.size() - 3), ExitCode::bundle_corrupt, ExitCode::bundle_truncated);
}
