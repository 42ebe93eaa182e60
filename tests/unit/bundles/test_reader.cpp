// Reading good bundles: the streaming reader and the seekable reader over bundles written
// by the real writer (and by the test forge), their APIs, pipes and the expected index.

#include "test_reader_support.hpp"

#include <sys/stat.h>
#include <thread>

using namespace reader_test;
using bundles::SeekableReader;
using bundles::StreamReader;

namespace {

std::map<std::string, std::string> as_map(const std::vector<Content>& contents) {
  std::map<std::string, std::string> out;
  for (const auto& c : contents) out[c.name] = c.bytes;
  return out;
}

}  // namespace

TEST_CASE("the streaming reader reads a multi-chunk bundle in index order", "[bundles][reader]") {
  TempDir dir;
  const Built b = build_bundle(dir, sample_contents());
  StreamReader reader(bundles::open_file_source(b.path));
  CHECK(reader.index_bytes() == b.fixture.index_bytes);
  CHECK(reader.signature_slot() == bundles::k_empty_signature_json);
  CHECK(reader.index().members.size() == 4);
  Collect collect;
  reader.read_members(collect);
  CHECK(collect.committed == as_map(b.contents));
  std::vector<std::string> expected_events;
  for (const auto& c : b.contents) {
    expected_events.push_back("begin " + c.name);
    expected_events.push_back("commit " + c.name);
  }
  CHECK(collect.events == expected_events);
  CHECK(reader.bytes_read() == b.bytes.size());
}

TEST_CASE("the streaming reader reports progress up to the file size", "[bundles][reader]") {
  TempDir dir;
  const Built b = build_bundle(dir, sample_contents());
  StreamReader reader(bundles::memory_source(b.bytes));
  std::uint64_t last = 0;
  bool monotonic = true;
  reader.on_progress([&](std::uint64_t n) {
    monotonic = monotonic && n >= last;
    last = n;
  });
  Collect collect;
  reader.read_members(collect);
  CHECK(monotonic);
  CHECK(last == b.bytes.size());
}

TEST_CASE("a member handler may discard bytes (empty sink)", "[bundles][reader]") {
  TempDir dir;
  const Built b = build_bundle(dir, sample_contents());
  struct Discard : bundles::MemberHandler {
    bundles::ByteSink begin(const manifest::BundleMember&) override { return {}; }
    void commit(const manifest::BundleMember& m) override { names.push_back(m.name); }
    void abort(const manifest::BundleMember&) noexcept override {}
    std::vector<std::string> names;
  } discard;
  StreamReader reader(bundles::memory_source(b.bytes));
  reader.read_members(discard);
  CHECK(discard.names.size() == 4);
}

TEST_CASE("the streaming reader reads from a pipe", "[bundles][reader]") {
  TempDir dir;
  const Built b = build_bundle(dir, sample_contents());
  const std::string fifo = dir.file("pipe");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::thread feeder([&] {
    FILE* f = std::fopen(fifo.c_str(), "wb");
    if (!f) return;
    // Odd-sized writes: frame boundaries never line up with reads.
    for (std::size_t at = 0; at < b.bytes.size(); at += 77777) {
      std::fwrite(b.bytes.data() + at, 1, std::min<std::size_t>(77777, b.bytes.size() - at), f);
    }
    std::fclose(f);
  });
  auto source = bundles::open_file_source(fifo);
  CHECK_FALSE(source->seekable());
  StreamReader reader(std::move(source));
  Collect collect;
  reader.read_members(collect);
  feeder.join();
  CHECK(collect.committed == as_map(b.contents));
}

TEST_CASE("the seekable reader refuses a pipe", "[bundles][reader]") {
  TempDir dir;
  const std::string fifo = dir.file("pipe");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::thread feeder([&] {
    FILE* f = std::fopen(fifo.c_str(), "wb");
    if (f) std::fclose(f);
  });
  CHECK(code_of([&] { SeekableReader::open(fifo); }) == ExitCode::usage);
  feeder.join();
}

TEST_CASE("an expected index is enforced", "[bundles][reader]") {
  TempDir dir;
  const Built b = build_bundle(dir, sample_contents());
  {
    StreamReader reader(bundles::memory_source(b.bytes));
    reader.expect_index(b.fixture.index_bytes);
    Collect collect;
    reader.read_members(collect);
    CHECK(collect.committed.size() == 4);
  }
  StreamReader other(bundles::memory_source(b.bytes));
  other.expect_index(b.fixture.index_bytes + " ");
  CHECK(code_of([&] { other.index(); }) == ExitCode::trust_mismatch);
}

TEST_CASE("the seekable reader reads the index from the head and the table only", "[bundles][reader]") {
  TempDir dir;
  const Built b = build_bundle(dir, sample_contents());
  const auto reader = SeekableReader::open(b.path);
  CHECK(reader.index_bytes() == b.fixture.index_bytes);
  CHECK(reader.index().bundle_id == b.fixture.index.bundle_id);
  CHECK(reader.signature_slot() == bundles::k_empty_signature_json);
  CHECK(reader.file_size() == b.bytes.size());
  // index, slot, 3 single-frame members, 4 chunks of the image file
  CHECK(reader.seek_table().entries.size() == 9);
}

TEST_CASE("parallel verify checks every data frame, as serial verify does", "[bundles][reader]") {
  TempDir dir;
  const Built b = build_bundle(dir, sample_contents());
  const auto reader = SeekableReader::open(b.path);
  std::uint64_t last_done = 0, last_total = 0;
  const auto serial = reader.verify(1);
  const auto parallel = reader.verify(4, [&](std::uint64_t done, std::uint64_t total) {
    CHECK(done >= last_done);
    last_done = done;
    last_total = total;
  });
  CHECK(serial.frames == 7);
  CHECK(parallel.frames == serial.frames);
  CHECK(parallel.content_bytes == serial.content_bytes);
  CHECK(parallel.compressed_bytes == serial.compressed_bytes);
  CHECK(serial.threads == 1);
  CHECK(parallel.threads == 4);
  CHECK(last_done == last_total);
  CHECK(last_total == serial.compressed_bytes);
  std::uint64_t payload = 0;
  for (const auto& c : b.contents) payload += c.bytes.size();
  CHECK(serial.content_bytes > payload);  // plus tar headers, padding and the archive end
}

TEST_CASE("extract_member and read_member return verified members", "[bundles][reader]") {
  TempDir dir;
  const Built b = build_bundle(dir, sample_contents());
  const auto reader = SeekableReader::open(b.path);
  for (const auto& c : b.contents) {
    std::string got;
    reader.extract_member(c.name, [&](const char* d, std::size_t n) { got.append(d, n); });
    CHECK(got == c.bytes);
  }
  CHECK(reader.read_member("changelog.json", 1024) == b.contents[0].bytes);
  CHECK(code_of([&] { reader.read_member(b.contents[3].name, 1024); }) == ExitCode::bundle_too_large);
  CHECK(code_of([&] { reader.read_member("nope.json", 1024); }) == ExitCode::not_found);
}

TEST_CASE("the seekable reader can be moved", "[bundles][reader]") {
  TempDir dir;
  const Built b = build_bundle(dir, sample_contents());
  std::vector<SeekableReader> readers;
  readers.push_back(SeekableReader::open(b.path));
  readers.push_back(SeekableReader::open(b.path));  // reallocates: the first one moves
  CHECK(readers[0].verify(2).frames == 7);
  CHECK(readers[1].read_member("changelog.json", 100) == b.contents[0].bytes);
}

TEST_CASE("a forged standard bundle is accepted (the forge makes valid bundles)", "[bundles][reader]") {
  TempDir dir;
  const Forged f = sample_forge(dir);
  const std::string bytes = forge(f.frames);
  CHECK(stream_read(bytes).committed == as_map(f.contents));
  CHECK(seek_verify(bytes).frames == 7);
}

TEST_CASE("a bundle with a single member of exactly one chunk", "[bundles][reader]") {
  TempDir dir;
  const Built b = build_bundle(dir, {{"changelog.json", random_bytes(k_mib, 3)}});
  CHECK(stream_read(b.bytes).committed.at("changelog.json") == b.contents[0].bytes);
  CHECK(seek_verify(b.bytes).frames == 1);
}
