#include <delta/anchor_index.hpp>

#include <common/error.hpp>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

namespace delta {

namespace {

constexpr std::size_t k_target_anchors = std::size_t{1} << 20;
constexpr std::size_t k_max_anchors = std::size_t{1} << 21;
constexpr std::size_t k_min_spacing = 64;  // the hash's reach: closer anchors share bytes

// One random 64-bit constant per byte value (splitmix64 from a fixed seed: the table must
// be the same on every run, as anchors are compared between two files).
const std::array<std::uint64_t, 256>& gear() {
  static const std::array<std::uint64_t, 256> table = [] {
    std::array<std::uint64_t, 256> t{};
    std::uint64_t state = 0x5dc0ffee1234abcdull;
    for (auto& v : t) {
      std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      v = z ^ (z >> 31);
    }
    return t;
  }();
  return table;
}

// Scans bytes, calling found(hash, position) at each anchor. The hash state carries over
// between calls so a file can be fed in blocks.
class AnchorScanner {
 public:
  explicit AnchorScanner(unsigned mask_bits) : m_mask((std::uint64_t{1} << mask_bits) - 1) {}

  template <typename Found>
  void scan(const char* data, std::size_t size, std::uint64_t base, Found&& found) {
    const auto& g = gear();
    for (std::size_t i = 0; i < size; ++i) {
      m_hash = (m_hash << 1) + g[static_cast<unsigned char>(data[i])];
      ++m_seen;
      if ((m_hash & m_mask) == 0 && m_seen >= k_min_spacing && m_hash != m_last) {
        found(m_hash, base + i);
        m_last = m_hash;
        m_seen = 0;
      }
    }
  }

 private:
  std::uint64_t m_mask;
  std::uint64_t m_hash = 0;
  std::uint64_t m_last = 0;
  std::size_t m_seen = 0;
};

}  // namespace

AnchorIndex::AnchorIndex(int fd, const std::string& path, std::uint64_t size) {
  m_mask_bits = 8;
  while ((size >> m_mask_bits) > k_target_anchors) ++m_mask_bits;
  AnchorScanner scanner(m_mask_bits);
  std::vector<char> block(1 << 20);
  std::uint64_t offset = 0;
  while (offset < size && m_entries.size() < k_max_anchors) {
    const ssize_t n = ::pread(fd, block.data(), block.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      throw common::Error(common::ExitCode::io,
                          "cannot read " + path + ": " + (n == 0 ? "it shrank" : std::strerror(err)),
                          {0, "", path, err});
    }
    scanner.scan(block.data(), static_cast<std::size_t>(n), offset,
                 [this](std::uint64_t hash, std::uint64_t at) {
                   if (m_entries.size() < k_max_anchors) m_entries.emplace_back(hash, at);
                 });
    offset += static_cast<std::uint64_t>(n);
  }
  std::sort(m_entries.begin(), m_entries.end());
}

std::optional<std::int64_t> AnchorIndex::shift_for(const char* data, std::size_t size,
                                                   std::uint64_t offset) const {
  std::vector<std::int64_t> shifts;
  AnchorScanner scanner(m_mask_bits);
  scanner.scan(data, size, offset, [&](std::uint64_t hash, std::uint64_t at) {
    const auto it = std::lower_bound(m_entries.begin(), m_entries.end(),
                                     std::make_pair(hash, std::uint64_t{0}));
    if (it != m_entries.end() && it->first == hash) {
      shifts.push_back(static_cast<std::int64_t>(it->second) - static_cast<std::int64_t>(at));
    }
  });
  if (shifts.empty()) return std::nullopt;
  std::nth_element(shifts.begin(), shifts.begin() + shifts.size() / 2, shifts.end());
  return shifts[shifts.size() / 2];
}

}  // namespace delta
