#pragma once
// Deterministic stand-ins for two successive versions of an image's uncompressed stream:
// a tar-like sequence of files (512-byte header, content padded to 512), some text-like
// (words from a fixed vocabulary: source, JSON, node_modules), some binary-like (random
// bytes: executables, compressed assets). The next version keeps the file order, rewrites
// part of some files, replaces a few whole, deletes some and inserts new ones, so every
// later offset shifts, as a release of a Triton service image does.
// Header-only so the unit tests and bench/patch_bench.cpp share it.

#include <cstdint>
#include <string>
#include <vector>

namespace delta_test {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : m_state(seed) {}
  std::uint64_t next() {  // splitmix64
    std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  bool chance(unsigned percent) { return below(1000) < percent * 10; }

 private:
  std::uint64_t m_state;
};

struct File {
  std::string name;
  std::string content;
};

inline std::string text_content(Rng& rng, std::size_t size) {
  static const std::vector<std::string> words = [] {
    Rng w(7);
    std::vector<std::string> out;
    for (int i = 0; i < 800; ++i) {
      std::string word;
      const std::size_t len = 2 + w.below(9);
      for (std::size_t j = 0; j < len; ++j) word.push_back(static_cast<char>('a' + w.below(26)));
      out.push_back(word);
    }
    return out;
  }();
  std::string out;
  out.reserve(size + 16);
  while (out.size() < size) {
    out += words[rng.below(words.size())];
    out.push_back(rng.chance(12) ? '\n' : ' ');
  }
  out.resize(size);
  return out;
}

inline std::string binary_content(Rng& rng, std::size_t size) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; i += 8) {
    const std::uint64_t v = rng.next();
    for (std::size_t j = 0; j < 8 && i + j < size; ++j) {
      out[i + j] = static_cast<char>((v >> (8 * j)) & 0xff);
    }
  }
  return out;
}

inline std::string new_content(Rng& rng) {
  // Mostly small files (log-uniform 256 B .. 64 KiB), one in 50 a large binary-sized one.
  const std::size_t size = std::size_t{256} << (rng.chance(2) ? 12 : rng.below(9));
  const std::size_t jitter = rng.below(size);
  return rng.chance(70) ? text_content(rng, size + jitter) : binary_content(rng, size + jitter);
}

inline std::vector<File> first_version(std::uint64_t seed, std::size_t total_bytes) {
  Rng rng(seed);
  std::vector<File> files;
  std::size_t bytes = 0;
  while (bytes < total_bytes) {
    File f{"opt/smartdc/app/file" + std::to_string(files.size()), new_content(rng)};
    bytes += f.content.size() + 512;
    files.push_back(std::move(f));
  }
  return files;
}

// The next release: of every 100 files about `churn` are touched (2/3 edited in place, 1/3
// replaced), 2 deleted, and 2 new ones inserted.
inline std::vector<File> next_version(const std::vector<File>& old, std::uint64_t seed,
                                      unsigned churn) {
  Rng rng(seed);
  std::vector<File> files;
  for (const File& f : old) {
    if (rng.chance(2)) continue;  // deleted
    if (rng.chance(2)) files.push_back({f.name + ".new", new_content(rng)});
    File g = f;
    if (rng.chance(churn)) {
      if (rng.chance(33) || g.content.size() < 64) {
        g.content = new_content(rng);
      } else {
        // A few edits: change a run, insert a run, as a rebuilt file would.
        for (int k = 0; k < 3; ++k) {
          const std::size_t at = rng.below(g.content.size());
          const std::size_t len = std::min<std::size_t>(g.content.size() - at, 1 + rng.below(200));
          g.content.replace(at, len, text_content(rng, 1 + rng.below(300)));
        }
      }
    }
    files.push_back(std::move(g));
  }
  return files;
}

// The tar-like stream: a 512-byte header naming the file and its size, content padded.
inline std::string stream_of(const std::vector<File>& files) {
  std::string out;
  for (const File& f : files) {
    std::string header = f.name + '\0' + std::to_string(f.content.size()) + '\0';
    header.resize(512, '\0');
    out += header;
    out += f.content;
    out.resize(out.size() + (512 - f.content.size() % 512) % 512, '\0');
  }
  return out;
}

}  // namespace delta_test
