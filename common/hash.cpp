#include <common/hash.hpp>

#include <common/error.hpp>

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace common {

namespace {

constexpr std::size_t k_file_block = 1u << 20;  // 1 MiB reads: few syscalls, bounded memory

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

const EVP_MD* md_for(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::sha1: return EVP_sha1();
    case HashAlgorithm::sha256: return EVP_sha256();
    case HashAlgorithm::md5: return EVP_md5();
  }
  throw Error(ExitCode::internal, "unknown hash algorithm");
}

// Closes a file descriptor on every path out of file_hex_digest.
class FdGuard {
 public:
  explicit FdGuard(int fd) : m_fd(fd) {}
  ~FdGuard() { if (m_fd >= 0) ::close(m_fd); }
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  int get() const { return m_fd; }

 private:
  int m_fd;
};

}  // namespace

struct Hasher::Impl {
  MdCtxPtr ctx;
  bool finished = false;
};

Hasher::Hasher(HashAlgorithm algorithm) : m_impl(std::make_unique<Impl>()) {
  m_impl->ctx.reset(EVP_MD_CTX_new());
  if (!m_impl->ctx || EVP_DigestInit_ex(m_impl->ctx.get(), md_for(algorithm), nullptr) != 1) {
    throw Error(ExitCode::internal, "OpenSSL could not start a digest");
  }
}

Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::update(const void* data, std::size_t size) {
  if (!m_impl || m_impl->finished) {
    throw Error(ExitCode::internal, "Hasher::update after finish() or after a move");
  }
  if (size == 0) return;
  if (EVP_DigestUpdate(m_impl->ctx.get(), data, size) != 1) {
    throw Error(ExitCode::internal, "OpenSSL digest update failed");
  }
}

std::vector<std::uint8_t> Hasher::finish() {
  if (!m_impl || m_impl->finished) {
    throw Error(ExitCode::internal, "Hasher::finish called twice or after a move");
  }
  m_impl->finished = true;
  std::vector<std::uint8_t> out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(m_impl->ctx.get(), out.data(), &len) != 1) {
    throw Error(ExitCode::internal, "OpenSSL digest final failed");
  }
  out.resize(len);
  return out;
}

std::string Hasher::finish_hex() { return to_hex(finish()); }
std::string Hasher::finish_base64() { return to_base64(finish()); }

std::string to_hex(const std::vector<std::uint8_t>& bytes) {
  static const char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(k_digits[b >> 4]);
    out.push_back(k_digits[b & 0x0f]);
  }
  return out;
}

std::string to_base64(const std::vector<std::uint8_t>& bytes) {
  static const char k_alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) |
                            bytes[i + 2];
    out.push_back(k_alphabet[(v >> 18) & 63]);
    out.push_back(k_alphabet[(v >> 12) & 63]);
    out.push_back(k_alphabet[(v >> 6) & 63]);
    out.push_back(k_alphabet[v & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t v = std::uint32_t{bytes[i]} << 16;
    if (rest == 2) v |= std::uint32_t{bytes[i + 1]} << 8;
    out.push_back(k_alphabet[(v >> 18) & 63]);
    out.push_back(k_alphabet[(v >> 12) & 63]);
    out.push_back(rest == 2 ? k_alphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::string hex_digest(HashAlgorithm algorithm, std::string_view data) {
  Hasher hasher(algorithm);
  hasher.update(data);
  return hasher.finish_hex();
}

std::string file_hex_digest(HashAlgorithm algorithm, const std::string& path) {
  FdGuard fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    throw Error(ExitCode::io, "opening " + path + ": " + std::strerror(errno));
  }
  Hasher hasher(algorithm);
  std::vector<char> block(k_file_block);
  for (;;) {
    const ssize_t n = ::read(fd.get(), block.data(), block.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(ExitCode::io, "reading " + path + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    hasher.update(block.data(), static_cast<std::size_t>(n));
  }
  return hasher.finish_hex();
}

}  // namespace common
