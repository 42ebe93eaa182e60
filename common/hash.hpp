#pragma once
// Streaming message digests over OpenSSL EVP (SHA-1 and MD5 for IMGAPI's files[0].sha1
// and Content-MD5, SHA-256 for bundle members). Feed bytes in any number of update()
// calls; finish once. Never buffers the input.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace common {

enum class HashAlgorithm { sha1, sha256, md5 };

class Hasher {
 public:
  explicit Hasher(HashAlgorithm algorithm);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void update(const void* data, std::size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }

  // Raw digest bytes. The hasher cannot be updated afterwards (throws common::Error).
  std::vector<std::uint8_t> finish();
  std::string finish_hex();     // lower-case hex, as IMGAPI's sha1
  std::string finish_base64();  // standard base64, as HTTP Content-MD5

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

std::string to_hex(const std::vector<std::uint8_t>& bytes);
std::string to_base64(const std::vector<std::uint8_t>& bytes);

// One-shot helpers.
std::string hex_digest(HashAlgorithm algorithm, std::string_view data);
// Reads the whole file in fixed-size blocks; throws common::Error(io) on failure.
std::string file_hex_digest(HashAlgorithm algorithm, const std::string& path);

}  // namespace common
