#include <common/hash.hpp>

#include <common/error.hpp>

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using common::HashAlgorithm;
using common::Hasher;

namespace {

struct Vector {
  HashAlgorithm algorithm;
  const char* input;
  const char* hex;
};

// FIPS 180 / RFC 1321 test vectors.
const Vector k_vectors[] = {
    {HashAlgorithm::sha1, "", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
    {HashAlgorithm::sha1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
    {HashAlgorithm::sha256, "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {HashAlgorithm::sha256, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {HashAlgorithm::md5, "", "d41d8cd98f00b204e9800998ecf8427e"},
    {HashAlgorithm::md5, "abc", "900150983cd24fb0d6963f7d28e17f72"},
};

std::string pattern(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
  return s;
}

}  // namespace

TEST_CASE("hex_digest matches the published test vectors", "[hash]") {
  for (const auto& v : k_vectors) {
    INFO("input '" << v.input << "' algorithm " << static_cast<int>(v.algorithm));
    CHECK(common::hex_digest(v.algorithm, v.input) == v.hex);
  }
  CHECK(common::hex_digest(HashAlgorithm::sha1,
                           "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

TEST_CASE("many small updates give the same digest as one", "[hash]") {
  const std::string data = pattern(3 * 1024 * 1024 + 17);
  for (auto algorithm : {HashAlgorithm::sha1, HashAlgorithm::sha256, HashAlgorithm::md5}) {
    Hasher hasher(algorithm);
    std::size_t pos = 0, step = 1;
    while (pos < data.size()) {
      const std::size_t n = std::min(step, data.size() - pos);
      hasher.update(data.data() + pos, n);
      pos += n;
      step = step * 3 + 1;  // uneven chunk sizes, including ones that straddle blocks
    }
    hasher.update("", 0);
    CHECK(hasher.finish_hex() == common::hex_digest(algorithm, data));
  }
}

TEST_CASE("base64 output is standard with padding", "[hash]") {
  auto b64 = [](std::string_view s) {
    return common::to_base64(std::vector<std::uint8_t>(s.begin(), s.end()));
  };
  CHECK(b64("") == "");
  CHECK(b64("f") == "Zg==");
  CHECK(b64("fo") == "Zm8=");
  CHECK(b64("foo") == "Zm9v");
  CHECK(b64("foob") == "Zm9vYg==");
  CHECK(b64("fooba") == "Zm9vYmE=");
  CHECK(b64("foobar") == "Zm9vYmFy");
  CHECK(b64("\xff\xfe\xfd") == "//79");

  Hasher md5(HashAlgorithm::md5);  // the Content-MD5 of an empty body
  CHECK(md5.finish_base64() == "1B2M2Y8AsgTpgAmY7PhCfg==");
  CHECK(common::to_hex({0x00, 0x0f, 0xa0, 0xff}) == "000fa0ff");
}

TEST_CASE("finish returns raw bytes of the digest length", "[hash]") {
  CHECK(Hasher(HashAlgorithm::sha1).finish().size() == 20);
  CHECK(Hasher(HashAlgorithm::sha256).finish().size() == 32);
  CHECK(Hasher(HashAlgorithm::md5).finish().size() == 16);
}

TEST_CASE("a finished hasher refuses more work", "[hash]") {
  Hasher hasher(HashAlgorithm::sha256);
  hasher.update("abc");
  (void)hasher.finish();
  try {
    (void)hasher.finish();
    FAIL("second finish() did not throw");
  } catch (const common::Error& e) {
    CHECK(e.code() == common::ExitCode::internal);
  }
  CHECK_THROWS_AS(hasher.update("x"), common::Error);
}

TEST_CASE("a moved hasher carries its state", "[hash]") {
  Hasher a(HashAlgorithm::sha1);
  a.update("ab");
  Hasher b(std::move(a));
  b.update("c");
  CHECK(b.finish_hex() == "a9993e364706816aba3e25717850c26c9cd0d89d");
  Hasher c(HashAlgorithm::md5);
  c = std::move(b);
  CHECK_THROWS_AS(c.finish(), common::Error);  // b's state was already finished
}

TEST_CASE("file_hex_digest streams a file larger than its block", "[hash]") {
  test_support::TempDir dir;
  const std::string data = pattern(2 * 1024 * 1024 + 333);
  std::ofstream(dir.file("f"), std::ios::binary) << data;
  CHECK(common::file_hex_digest(HashAlgorithm::sha256, dir.file("f")) ==
        common::hex_digest(HashAlgorithm::sha256, data));
  std::ofstream(dir.file("empty"), std::ios::binary).close();
  CHECK(common::file_hex_digest(HashAlgorithm::md5, dir.file("empty")) ==
        "d41d8cd98f00b204e9800998ecf8427e");
}

TEST_CASE("file_hex_digest on a missing file throws Error(io)", "[hash]") {
  test_support::TempDir dir;
  try {
    (void)common::file_hex_digest(HashAlgorithm::sha1, dir.file("missing"));
    FAIL("no exception");
  } catch (const common::Error& e) {
    CHECK(e.code() == common::ExitCode::io);
    CHECK(std::string(e.what()).find("missing") != std::string::npos);
  }
}
