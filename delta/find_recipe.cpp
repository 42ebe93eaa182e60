#include <delta/find_recipe.hpp>

#include <delta/image_decoder.hpp>
#include <delta/recompress.hpp>

#include <common/error.hpp>
#include <common/hash.hpp>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace delta {

namespace {

using common::Error;
using common::ExitCode;

constexpr std::size_t k_chunk = 64 * 1024;

// The original file, read in order and compared with a candidate's output.
class Comparer {
 public:
  explicit Comparer(const std::string& path) : m_path(path), m_buf(k_chunk) {
    m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (m_fd < 0) {
      const int err = errno;
      throw Error(ExitCode::io, "cannot open " + path + ": " + std::strerror(err),
                  {0, "", path, err});
    }
  }
  ~Comparer() { ::close(m_fd); }
  Comparer(const Comparer&) = delete;
  Comparer& operator=(const Comparer&) = delete;

  // Compares `data` with the file's next bytes; false (and differs_at() set) at the first
  // difference, including the file ending first.
  bool compare(const char* data, std::size_t size) {
    while (size > 0) {
      if (m_pos == m_len && !refill()) return mismatch(0);
      const std::size_t n = std::min(size, m_len - m_pos);
      if (std::memcmp(data, m_buf.data() + m_pos, n) != 0) {
        std::size_t i = 0;
        while (data[i] == m_buf[m_pos + i]) ++i;
        return mismatch(i);
      }
      m_pos += n;
      m_offset += n;
      data += n;
      size -= n;
    }
    return true;
  }
  // True when the file has bytes the candidate did not produce.
  bool more_in_file() { return m_pos < m_len || refill(); }
  std::uint64_t offset() const { return m_offset; }
  std::uint64_t differs_at() const { return m_differs_at; }

 private:
  bool mismatch(std::size_t i) {
    m_differs_at = m_offset + i;
    return false;
  }
  bool refill() {
    for (;;) {
      const ssize_t n = ::read(m_fd, m_buf.data(), m_buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int err = errno;
        throw Error(ExitCode::io, "reading " + m_path + ": " + std::strerror(err),
                    {0, "", m_path, err});
      }
      m_pos = 0;
      m_len = static_cast<std::size_t>(n);
      return n > 0;
    }
  }

  std::string m_path;
  int m_fd = -1;
  std::vector<char> m_buf;
  std::size_t m_pos = 0, m_len = 0;
  std::uint64_t m_offset = 0, m_differs_at = 0;
};

// Recompresses the file's content with `recipe`; "" when the output is the file, else why not.
std::string try_candidate(const std::string& path, Compression compression,
                          std::uint64_t max_uncompressed, const Recipe& recipe) {
  ImageDecoder decoder(path, compression, max_uncompressed);
  Comparer original(path);
  const CompressResult r = compress_with(
      recipe, [&](char* buf, std::size_t size) { return decoder.read(buf, size); },
      [&](const char* data, std::size_t size) { return original.compare(data, size); });
  if (r.stopped) {
    return "differs at byte " + std::to_string(original.differs_at()) +
           (original.differs_at() == original.offset() && !original.more_in_file()
                ? " (the file ends there)"
                : "");
  }
  if (original.more_in_file()) {
    return "output ends at byte " + std::to_string(r.bytes_out) + ", before the file does";
  }
  return "";
}

Recipe gzip_recipe(RecipeKind kind, int level, const std::string& header, int block_kib = 128) {
  Recipe r;
  r.kind = kind;
  r.level = level;
  r.block_kib = block_kib;
  r.header = header;
  return r;
}

}  // namespace

std::string RecipeSearch::why_not() const {
  if (recipe) return "";
  std::string s = "no recipe reproduces it";
  const char* sep = ": ";
  for (const std::string& line : rejected) {
    s += sep + line;
    sep = ", ";
  }
  return s;
}

std::vector<Recipe> gzip_candidates(const std::string& header, std::uint64_t pigz_spacing) {
  std::vector<Recipe> out;
  out.push_back(gzip_recipe(RecipeKind::pigz, 6, header, 128));
  // The spacing is a block size only when it is whole KiB within pigz's range.
  int spacing_kib = 0;
  if (pigz_spacing % 1024 == 0 && pigz_spacing / 1024 >= k_min_pigz_block_kib &&
      pigz_spacing / 1024 <= k_max_pigz_block_kib && pigz_spacing != 128 * 1024) {
    spacing_kib = static_cast<int>(pigz_spacing / 1024);
    out.push_back(gzip_recipe(RecipeKind::pigz, 6, header, spacing_kib));
  }
  for (const int level : {6, 9, 1, 2, 3, 4, 5, 7, 8}) {
    out.push_back(gzip_recipe(RecipeKind::gzip, level, header));
  }
  for (const int level : {9, 1, 2, 3, 4, 5, 7, 8}) {
    out.push_back(gzip_recipe(RecipeKind::pigz, level, header, spacing_kib ? spacing_kib : 128));
  }
  return out;
}

RecipeSearch find_recipe(const std::string& path, Compression compression,
                         std::uint64_t max_uncompressed) {
  RecipeSearch search;
  if (compression == Compression::xz) {
    throw Error(ExitCode::bundle_unsupported,
                path + ": xz image files cannot be rebuilt yet (no xz recipe); ship it whole",
                {0, "", path, 0});
  }
  if (compression == Compression::none) {
    // Nothing to reproduce; read it once for its hash like the others.
    search.uncompressed_sha256 = common::file_hex_digest(common::HashAlgorithm::sha256, path);
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0)
      search.compressed_size = static_cast<std::uint64_t>(st.st_size);
    search.uncompressed_size = search.compressed_size;
    search.recipe = Recipe{};
    return search;
  }

  // Pass one: check the whole file and hash its content.
  std::vector<Recipe> candidates;
  {
    ImageDecoder decoder(path, compression, max_uncompressed);
    common::Hasher sha(common::HashAlgorithm::sha256);
    std::vector<char> buf(k_chunk);
    for (std::size_t n; (n = decoder.read(buf.data(), buf.size())) > 0;) sha.update(buf.data(), n);
    search.compressed_size = decoder.compressed_size();
    search.uncompressed_size = decoder.uncompressed_size();
    search.uncompressed_sha256 = sha.finish_hex();
    if (decoder.trailing_bytes() > 0) {
      search.rejected.push_back(
          "the file has " + std::to_string(decoder.trailing_bytes()) + " bytes after its first " +
          (compression == Compression::gzip ? "gzip member" : "bzip2 stream") +
          " (multi-member or padded files are not rebuilt)");
      return search;
    }
    if (compression == Compression::gzip) {
      candidates = gzip_candidates(decoder.gzip_header(), decoder.empty_block_spacing());
    } else {
      // The header names the block size, and no other block size can write that header.
      Recipe r;
      r.kind = RecipeKind::bzip2;
      r.block_100k = decoder.bzip2_block_100k();
      candidates.push_back(r);
    }
  }
  if (candidates.size() > k_max_candidates) candidates.resize(k_max_candidates);

  for (const Recipe& candidate : candidates) {
    const std::string why = try_candidate(path, compression, max_uncompressed, candidate);
    if (why.empty()) {
      search.recipe = candidate;
      return search;
    }
    search.rejected.push_back(describe(candidate) + ": " + why);
  }
  return search;
}

}  // namespace delta
