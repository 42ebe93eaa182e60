// Split bundles: parts are checked against NAME.sdc.parts.json before they are joined, and
// a bad part is named; joined parts read like the whole file, in both readers.

#include "test_reader_support.hpp"

#include <bundles/split.hpp>

#include <unistd.h>

using namespace reader_test;
using bundles::PartCheck;
using bundles::SeekableReader;

namespace {

struct Split {
  Built built;
  bundles::SplitResult result;
};

// The sample bundle cut in parts of a little over 1 MiB (four parts).
Split split_sample(const TempDir& dir) {
  Split s;
  s.built = build_bundle(dir, sample_contents());
  s.result = bundles::split_bundle(s.built.path, k_mib + 4099, bundles::KeepOriginal::no);
  REQUIRE(s.result.part_paths.size() == 4);
  REQUIRE_FALSE(exists(s.built.path));
  return s;
}

void flip_byte(const std::string& path, std::uint64_t at) {
  std::string bytes = slurp(path);
  bytes[at] = static_cast<char>(bytes[at] ^ 0x01);
  write_file(path, bytes);
}

}  // namespace

TEST_CASE("split parts read like the whole bundle", "[bundles][reader][parts]") {
  TempDir dir;
  const Split s = split_sample(dir);
  // Through the part list, and through NAME.sdc, which no longer exists.
  for (const std::string& path : {s.result.list_path, s.built.path}) {
    const auto reader = SeekableReader::open(path);
    CHECK(reader.index_bytes() == s.built.fixture.index_bytes);
    CHECK(reader.file_size() == s.built.bytes.size());
    CHECK(reader.verify(2).frames == 7);
    CHECK(reader.read_member("changelog.json", 1000) == s.built.contents[0].bytes);
    bundles::StreamReader stream(bundles::open_bundle_source(path));
    Collect collect;
    stream.read_members(collect);
    CHECK(collect.committed.size() == 4);
  }
  // A part source reads across part boundaries at any offset.
  const auto source = bundles::open_parts_source(s.result.list_path, PartCheck::sizes_only);
  std::string buf(2 * k_mib, '\0');
  const std::uint64_t at = k_mib - 10;
  CHECK(source->read_at(at, buf.data(), buf.size()) == buf.size());
  CHECK((buf == s.built.bytes.substr(at, buf.size())));
  CHECK(source->read_at(s.built.bytes.size() - 5, buf.data(), 100) == 5);
}

TEST_CASE("a damaged part is named before anything is joined", "[bundles][reader][parts]") {
  TempDir dir;
  const Split s = split_sample(dir);
  flip_byte(s.result.part_paths[1], 12345);
  for (const unsigned threads : {1u, 4u}) {
    const std::string msg = message_of([&] {
      bundles::open_parts_source(s.result.list_path, PartCheck::hashes, threads);
    });
    CHECK(msg.find("part 2 of 4 (test.sdc.002): SHA-256 mismatch") != std::string::npos);
    CHECK(code_of([&] { bundles::open_parts_source(s.result.list_path, PartCheck::hashes, threads); }) ==
          ExitCode::bundle_hash);
  }
  // Parts 2 and 4 damaged: the first one in order is named, whatever the thread count.
  flip_byte(s.result.part_paths[3], 10);
  CHECK(message_of([&] { bundles::open_parts_source(s.result.list_path, PartCheck::hashes, 4); })
            .find("part 2 of 4") != std::string::npos);
  CHECK(code_of([&] { SeekableReader::open(s.result.list_path); }) == ExitCode::bundle_hash);
  CHECK(code_of([&] { bundles::StreamReader r(bundles::open_bundle_source(s.built.path)); r.index(); }) ==
        ExitCode::bundle_hash);
}

TEST_CASE("with sizes only, a damaged part is still caught by the frames", "[bundles][reader][parts]") {
  TempDir dir;
  const Split s = split_sample(dir);
  flip_byte(s.result.part_paths[2], 100000);
  const auto reader = SeekableReader::open(s.result.list_path, PartCheck::sizes_only);
  const ExitCode code = code_of([&] { reader.verify(2); });
  CHECK((code == ExitCode::bundle_corrupt || code == ExitCode::bundle_hash));
}

TEST_CASE("missing, short and long parts are named", "[bundles][reader][parts]") {
  TempDir dir;
  const Split s = split_sample(dir);
  const std::string saved = slurp(s.result.part_paths[2]);
  REQUIRE(::unlink(s.result.part_paths[2].c_str()) == 0);
  std::string msg = message_of([&] { SeekableReader::open(s.result.list_path); });
  CHECK(msg.find("part 3 of 4 (test.sdc.003) is missing") != std::string::npos);
  CHECK(code_of([&] { SeekableReader::open(s.result.list_path); }) == ExitCode::bundle_truncated);

  write_file(s.result.part_paths[2], saved.substr(0, saved.size() - 1));
  msg = message_of([&] { SeekableReader::open(s.result.list_path, PartCheck::sizes_only); });
  CHECK(msg.find("part 3 of 4 (test.sdc.003) is " + std::to_string(saved.size() - 1) + " bytes") !=
        std::string::npos);
  CHECK(code_of([&] { SeekableReader::open(s.result.list_path); }) == ExitCode::bundle_truncated);

  write_file(s.result.part_paths[2], saved + "x");
  CHECK(code_of([&] { SeekableReader::open(s.result.list_path); }) == ExitCode::bundle_corrupt);
}

TEST_CASE("a part list that belongs to another bundle is refused", "[bundles][reader][parts]") {
  TempDir dir;
  const Split s = split_sample(dir);
  manifest::PartList list = s.result.list;
  list.bundle_json_sha256 = std::string(64, 'a');
  write_file(s.result.list_path, list.serialize());
  CHECK(code_of([&] { SeekableReader::open(s.result.list_path); }) == ExitCode::bundle_corrupt);
  bundles::StreamReader stream(bundles::open_bundle_source(s.result.list_path));
  CHECK(code_of([&] { stream.index(); }) == ExitCode::bundle_corrupt);
}

TEST_CASE("a hostile part list is refused before any part is opened", "[bundles][reader][parts]") {
  TempDir dir;
  const Split s = split_sample(dir);
  manifest::PartList list = s.result.list;
  list.parts[1].name = "../test.sdc.002";
  write_file(s.result.list_path, list.serialize());
  CHECK(code_of([&] { SeekableReader::open(s.result.list_path); }) == ExitCode::bundle_unsafe);
  write_file(s.result.list_path, "{\"format\": \"sdcadm-bundle-parts\", \"format_version\": 2}");
  CHECK(code_of([&] { SeekableReader::open(s.result.list_path); }) == ExitCode::bundle_unsupported);
  CHECK(code_of([&] { bundles::open_parts_source(dir.file("x.json")); }) == ExitCode::config);
}
