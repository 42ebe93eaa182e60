#include <tools/sample_catalog/payload.hpp>

#include <common/error.hpp>
#include <common/hash.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace sample_catalog;

namespace {

std::vector<std::uint8_t> bytes_of(std::uint64_t seed, std::size_t n) {
  Prng prng(seed);
  std::vector<std::uint8_t> out(n);
  prng.fill(out.data(), n);
  return out;
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("sdcb-unit-sc-" + std::to_string(::getpid()) + "-" + name))
      .string();
}

}  // namespace

TEST_CASE("Prng: same seed, same stream; other seed, other stream", "[sample_catalog]") {
  CHECK(bytes_of(42, 4096) == bytes_of(42, 4096));
  CHECK(bytes_of(42, 4096) != bytes_of(43, 4096));
  // A short fill is a prefix of a longer one (little-endian words, tail from one word).
  const auto long_fill = bytes_of(7, 64);
  const auto short_fill = bytes_of(7, 13);
  CHECK(std::equal(short_fill.begin(), short_fill.end(), long_fill.begin()));
}

TEST_CASE("Prng: the stream is frozen (catalog bytes must not change between builds)",
          "[sample_catalog]") {
  // If this fails, every generated catalog changed: only accept it on purpose.
  const auto block = bytes_of(1, 1 << 16);
  const std::string text(reinterpret_cast<const char*>(block.data()), block.size());
  CHECK(common::hex_digest(common::HashAlgorithm::sha1, text) ==
        "87511f498c38c1b31bcddecea88fa91c7252c2fb");
}

TEST_CASE("Prng: bytes look uniform", "[sample_catalog]") {
  const auto data = bytes_of(99, 1 << 20);
  std::array<std::size_t, 256> counts{};
  for (const std::uint8_t b : data) ++counts[b];
  for (const std::size_t c : counts) {
    CHECK(c > 4096 * 9 / 10);
    CHECK(c < 4096 * 11 / 10);
  }
}

TEST_CASE("stream_seed depends on seed, uuid and purpose", "[sample_catalog]") {
  const std::string u = "11111111-2222-4333-8444-555555555555";
  CHECK(stream_seed(1, u, "file") == stream_seed(1, u, "file"));
  CHECK(stream_seed(1, u, "file") != stream_seed(2, u, "file"));
  CHECK(stream_seed(1, u, "file") != stream_seed(1, u, "other"));
  CHECK(stream_seed(1, u, "file") !=
        stream_seed(1, "11111111-2222-4333-8444-555555555556", "file"));
}

TEST_CASE("FileSink writes, hashes, and never overwrites", "[sample_catalog]") {
  const std::string path = temp_path("sink");
  std::remove(path.c_str());
  {
    FileSink sink(path);
    Prng prng(5);
    common::Hasher content(common::HashAlgorithm::sha1);
    write_random(sink, prng, 3 * (1 << 20) + 17, &content);
    const FileDigest d = sink.commit();
    CHECK(d.size == 3 * (1 << 20) + 17);
    CHECK(d.sha1 == common::file_hex_digest(common::HashAlgorithm::sha1, path));
    CHECK(d.sha1 == content.finish_hex());
  }
  CHECK(std::filesystem::file_size(path) == 3 * (1 << 20) + 17);
  // O_EXCL: an existing file is an error, and the failed sink leaves it alone.
  CHECK_THROWS_AS(FileSink(path), common::Error);
  CHECK(std::filesystem::file_size(path) == 3 * (1 << 20) + 17);
  std::remove(path.c_str());
}

TEST_CASE("FileSink without commit removes its file", "[sample_catalog]") {
  const std::string path = temp_path("abandoned");
  std::remove(path.c_str());
  {
    FileSink sink(path);
    sink.write("partial", 7);
    CHECK(std::filesystem::exists(path));
  }
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("write_random of zero bytes writes nothing", "[sample_catalog]") {
  StringSink sink;
  Prng prng(1);
  write_random(sink, prng, 0);
  CHECK(sink.str().empty());
}
