#include <bundles/seek_table.hpp>

#include <bundles/format.hpp>
#include <bundles/le_bytes.hpp>

#include "writer_support.hpp"

using bundles::SeekEntry;
using common::ExitCode;
using namespace writer_test;
namespace format = bundles::format;

namespace {

SeekEntry entry(std::uint64_t compressed, std::uint64_t decompressed, std::uint32_t member,
                std::uint32_t chunk = 0) {
  SeekEntry e;
  e.compressed_size = compressed;
  e.decompressed_size = decompressed;
  e.member = member;
  e.chunk = chunk;
  return e;
}

// A well-formed table: index, signature slot, a member in two chunks, an empty member.
std::vector<SeekEntry> sample_entries() {
  return {entry(300, 1024, 0), entry(format::k_signature_frame_size,
                                     format::k_signature_frame_content, 1),
          entry(5000, 4096, 2, 0), entry(70, 100, 2, 1), entry(40, 512 + 1024, 3)};
}

std::uint64_t data_size(const std::vector<SeekEntry>& entries) {
  std::uint64_t total = 0;
  for (const auto& e : entries) total += e.compressed_size;
  return total;
}

// Decodes `table` as the end of a file with `data` bytes of frames before it.
bundles::SeekTable decode(const std::string& table, std::uint64_t data) {
  return bundles::decode_seek_table(table, data + table.size());
}

ExitCode decode_code(const std::string& table, std::uint64_t data) {
  return code_of([&] { decode(table, data); });
}

void set_u32(std::string& s, std::size_t at, std::uint32_t v) {
  std::string bytes;
  bundles::le::put_u32(bytes, v);
  s.replace(at, 4, bytes);
}

void set_u64(std::string& s, std::size_t at, std::uint64_t v) {
  std::string bytes;
  bundles::le::put_u64(bytes, v);
  s.replace(at, 8, bytes);
}

// Offset of field `field_offset` of entry i in an encoded table.
std::size_t field(std::size_t i, std::size_t field_offset) {
  return format::k_skippable_header_size + i * format::k_seek_entry_size + field_offset;
}

}  // namespace

TEST_CASE("seek table round trip", "[seek_table]") {
  const auto entries = sample_entries();
  const std::string table = bundles::encode_seek_table(entries);
  REQUIRE(table.size() == 8 + entries.size() * 24 + 16);
  CHECK(bundles::le::get_u32(table.data()) == 0x184D2A5Du);
  CHECK(bundles::le::get_u32(table.data() + 4) == table.size() - 8);
  CHECK(table.substr(table.size() - 8) == "SDCSEEK1");
  CHECK(bundles::le::get_u32(table.data() + table.size() - 16) == entries.size());
  CHECK(bundles::le::get_u32(table.data() + table.size() - 12) == 1);

  const auto decoded = decode(table, data_size(entries));
  REQUIRE(decoded.entries.size() == entries.size());
  CHECK(decoded.entries == entries);
  CHECK(decoded.data_size == data_size(entries));
  CHECK(decoded.table_size == table.size());
  CHECK(decoded.tar_size == 1024 + format::k_signature_frame_content + 4096 + 100 + 1536);
  CHECK(decoded.entries[2].offset == 300 + format::k_signature_frame_size);
  CHECK(decoded.entries[3].offset == 300 + format::k_signature_frame_size + 5000);
  CHECK(decoded.entries[3].content_offset == 1024 + format::k_signature_frame_content + 4096);
}

TEST_CASE("seek table footer refusals", "[seek_table]") {
  const auto entries = sample_entries();
  const std::string good = bundles::encode_seek_table(entries);
  const std::uint64_t data = data_size(entries);

  SECTION("a file too short for a footer is truncated") {
    CHECK(code_of([] { bundles::seek_table_size_from_footer("SDCSEEK1", 8); }) ==
          ExitCode::bundle_truncated);
    CHECK(code_of([&] { bundles::seek_table_size_from_footer(good.substr(good.size() - 16), 20); }) ==
          ExitCode::bundle_truncated);
  }
  SECTION("no footer magic: truncated (or not a bundle)") {
    std::string bad = good;
    bad[bad.size() - 1] = 'X';
    CHECK(decode_code(bad, data) == ExitCode::bundle_truncated);
    CHECK(message_of([&] { decode(bad, data); }).find("truncated") != std::string::npos);
  }
  SECTION("an unknown version is unsupported") {
    std::string bad = good;
    set_u32(bad, bad.size() - 12, 2);
    CHECK(decode_code(bad, data) == ExitCode::bundle_unsupported);
  }
  SECTION("an entry count above the limit is corrupt, before anything is allocated") {
    std::string footer = good.substr(good.size() - 16);
    set_u32(footer, 0, format::k_max_seek_entries + 1);
    CHECK(code_of([&] { bundles::seek_table_size_from_footer(footer, 1ull << 40); }) ==
          ExitCode::bundle_corrupt);
  }
  SECTION("a table larger than the file is corrupt") {
    const std::string footer = good.substr(good.size() - 16);
    CHECK(code_of([&] { bundles::seek_table_size_from_footer(footer, good.size() - 1); }) ==
          ExitCode::bundle_corrupt);
  }
}

TEST_CASE("seek table frame refusals", "[seek_table]") {
  const auto entries = sample_entries();
  const std::string good = bundles::encode_seek_table(entries);
  const std::uint64_t data = data_size(entries);
  std::string bad = good;

  SECTION("bad skippable magic") {
    set_u32(bad, 0, 0x184D2A50);
    CHECK(decode_code(bad, data) == ExitCode::bundle_corrupt);
  }
  SECTION("frame length disagrees with the entry count") {
    set_u32(bad, 4, static_cast<std::uint32_t>(good.size() - 8 + 24));
    CHECK(decode_code(bad, data) == ExitCode::bundle_corrupt);
  }
  SECTION("count in the footer disagrees with the bytes given") {
    set_u32(bad, bad.size() - 16, static_cast<std::uint32_t>(entries.size() - 1));
    CHECK(decode_code(bad, data) == ExitCode::bundle_corrupt);
  }
  SECTION("entry sizes summing beyond the file") {
    set_u64(bad, field(2, 0), 5000 + 1);
    CHECK(decode_code(bad, data) == ExitCode::bundle_corrupt);
    set_u64(bad, field(2, 0), ~0ull - 10);  // would overflow a naive sum
    CHECK(decode_code(bad, data) == ExitCode::bundle_corrupt);
  }
  SECTION("entry sizes summing short of the table (bytes nobody accounts for)") {
    set_u64(bad, field(2, 0), 5000 - 1);
    CHECK(decode_code(bad, data) == ExitCode::bundle_corrupt);
  }
  SECTION("entries out of the format's order") {
    set_u32(bad, field(0, 16), 1);  // first entry is not bundle.json
    CHECK(decode_code(bad, data) == ExitCode::bundle_corrupt);
    bad = good;
    set_u32(bad, field(3, 20), 2);  // chunk 0 then chunk 2
    CHECK(decode_code(bad, data) == ExitCode::bundle_corrupt);
    bad = good;
    set_u32(bad, field(4, 16), 5);  // member 3 skipped
    CHECK(decode_code(bad, data) == ExitCode::bundle_corrupt);
    bad = good;
    set_u32(bad, field(1, 20), 1);  // bundle.json with a second chunk
    CHECK(decode_code(bad, data) == ExitCode::bundle_corrupt);
  }
  SECTION("impossible frame sizes") {
    set_u64(bad, field(4, 8), 0);  // no content
    CHECK(decode_code(bad, data) == ExitCode::bundle_corrupt);
    bad = good;
    set_u64(bad, field(4, 8), 2ull << 30);  // more than any chunk
    CHECK(decode_code(bad, data) == ExitCode::bundle_corrupt);
  }
  SECTION("a compressed size no zstd frame can have") {
    auto small = sample_entries();
    small[4].compressed_size = 8;
    CHECK(decode_code(bundles::encode_seek_table(small), data_size(small)) ==
          ExitCode::bundle_corrupt);
  }
  SECTION("a signature slot of the wrong size") {
    auto sig = sample_entries();
    sig[1].compressed_size += 1;
    CHECK(decode_code(bundles::encode_seek_table(sig), data_size(sig)) ==
          ExitCode::bundle_corrupt);
  }
  SECTION("fewer than three frames") {
    auto two = sample_entries();
    two.resize(2);
    CHECK(decode_code(bundles::encode_seek_table(two), data_size(two)) ==
          ExitCode::bundle_corrupt);
  }
}

TEST_CASE("read_seek_table reads the end of a file", "[seek_table]") {
  TempDir dir;
  const auto entries = sample_entries();
  const std::string data(data_size(entries), 'x');
  write_file(dir.file("b.sdc"), data + bundles::encode_seek_table(entries));
  const auto table = bundles::read_seek_table(dir.file("b.sdc"));
  CHECK(table.entries == entries);

  write_file(dir.file("short.sdc"), data.substr(0, 10));
  CHECK(code_of([&] { bundles::read_seek_table(dir.file("short.sdc")); }) ==
        ExitCode::bundle_truncated);
  CHECK(message_of([&] { bundles::read_seek_table(dir.file("short.sdc")); })
            .rfind(dir.file("short.sdc") + ": ", 0) == 0);
  CHECK(code_of([&] { bundles::read_seek_table(dir.file("missing.sdc")); }) ==
        ExitCode::not_found);
  // Cut anywhere inside the table: the footer is gone.
  const std::string whole = data + bundles::encode_seek_table(entries);
  write_file(dir.file("cut.sdc"), whole.substr(0, whole.size() - 5));
  CHECK(code_of([&] { bundles::read_seek_table(dir.file("cut.sdc")); }) ==
        ExitCode::bundle_truncated);
}

TEST_CASE("check_frame_sizes compares the table with the index's layout", "[seek_table]") {
  const auto entries = sample_entries();
  const std::string table = bundles::encode_seek_table(entries);
  const auto decoded = decode(table, data_size(entries));
  auto expected = entries;
  for (auto& e : expected) e.compressed_size = 0;  // only the writer knows these
  CHECK_NOTHROW(bundles::check_frame_sizes(decoded, expected));
  expected[3].decompressed_size += 1;
  CHECK(code_of([&] { bundles::check_frame_sizes(decoded, expected); }) ==
        ExitCode::bundle_corrupt);
  expected.pop_back();
  CHECK(code_of([&] { bundles::check_frame_sizes(decoded, expected); }) ==
        ExitCode::bundle_corrupt);
}
