#include <tools/sample_catalog/payload.hpp>

#include <common/error.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

namespace sample_catalog {

namespace {

constexpr std::size_t k_block_size = 1 << 20;

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void store_le(std::uint8_t* out, std::uint64_t v, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace

Prng::Prng(std::uint64_t seed) {
  for (std::uint64_t& word : m_state) word = splitmix64(seed);
}

std::uint64_t Prng::next() {
  const std::uint64_t result = rotl(m_state[1] * 5, 7) * 9;
  const std::uint64_t t = m_state[1] << 17;
  m_state[2] ^= m_state[0];
  m_state[3] ^= m_state[1];
  m_state[1] ^= m_state[2];
  m_state[0] ^= m_state[3];
  m_state[2] ^= t;
  m_state[3] = rotl(m_state[3], 45);
  return result;
}

void Prng::fill(std::uint8_t* out, std::size_t size) {
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) store_le(out + i, next(), 8);
  if (i < size) store_le(out + i, next(), size - i);
}

std::uint64_t stream_seed(std::uint64_t seed, const std::string& uuid, const std::string& purpose) {
  common::Hasher h(common::HashAlgorithm::sha1);
  h.update("sample-catalog payload\n" + std::to_string(seed) + "\n" + uuid + "\n" + purpose);
  const std::vector<std::uint8_t> d = h.finish();
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | d[i];
  return v;
}

namespace {

common::Error write_error(const std::string& path, int err) {
  if (err == ENOSPC) {
    return common::Error(common::ExitCode::no_space,
                         "writing " + path + ": no space left on device; free space or use a "
                         "smaller --scale");
  }
  return common::Error(common::ExitCode::io, "writing " + path + ": " + std::strerror(err));
}

}  // namespace

FileSink::FileSink(std::string path, unsigned mode)
    : m_path(std::move(path)), m_sha1(common::HashAlgorithm::sha1) {
  m_fd = ::open(m_path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, static_cast<mode_t>(mode));
  if (m_fd < 0) throw write_error(m_path, errno);
}

FileSink::~FileSink() {
  if (m_fd >= 0) ::close(m_fd);
  if (!m_committed) ::unlink(m_path.c_str());
}

void FileSink::write(const void* data, std::size_t size) {
  if (m_fd < 0) throw common::Error(common::ExitCode::internal, "FileSink::write after commit");
  m_sha1.update(data, size);
  m_size += size;
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(m_fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw write_error(m_path, errno);
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

FileDigest FileSink::commit() {
  const int fd = m_fd;
  m_fd = -1;
  if (::close(fd) != 0) throw write_error(m_path, errno);
  m_committed = true;
  return FileDigest{m_sha1.finish_hex(), m_size};
}

void StringSink::write(const void* data, std::size_t size) {
  m_bytes.append(static_cast<const char*>(data), size);
}

void write_random(ByteSink& sink, Prng& prng, std::uint64_t size, common::Hasher* hasher) {
  std::vector<std::uint8_t> block(
      static_cast<std::size_t>(std::min<std::uint64_t>(size, k_block_size)));
  while (size > 0) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(size, block.size()));
    prng.fill(block.data(), n);
    if (hasher != nullptr) hasher->update(block.data(), n);
    sink.write(block.data(), n);
    size -= n;
  }
}

}  // namespace sample_catalog
