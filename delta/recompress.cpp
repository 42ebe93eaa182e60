#include <delta/recompress.hpp>

#include <common/error.hpp>

#include <bzlib.h>
#include <zlib.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace delta {

namespace {

using common::Error;
using common::ExitCode;

constexpr std::size_t k_chunk = 64 * 1024;  // input and output buffer size
constexpr std::size_t k_dict = 32 * 1024;   // deflate's window: pigz's dictionary size

// Passes bytes on to the sink and counts them; remembers when the sink said stop.
class Output {
 public:
  explicit Output(const WriteFn& sink, CompressResult& result) : m_sink(sink), m_result(result) {}
  bool put(const char* data, std::size_t size) {
    if (size == 0 || m_result.stopped) return !m_result.stopped;
    m_result.bytes_out += size;
    if (!m_sink(data, size)) m_result.stopped = true;
    return !m_result.stopped;
  }
  bool stopped() const { return m_result.stopped; }

 private:
  const WriteFn& m_sink;
  CompressResult& m_result;
};

void put_le32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

int zlib_strategy(DeflateStrategy s) {
  switch (s) {
    case DeflateStrategy::default_strategy: return Z_DEFAULT_STRATEGY;
    case DeflateStrategy::filtered: return Z_FILTERED;
    case DeflateStrategy::huffman_only: return Z_HUFFMAN_ONLY;
    case DeflateStrategy::rle: return Z_RLE;
    case DeflateStrategy::fixed: return Z_FIXED;
  }
  return Z_DEFAULT_STRATEGY;
}

// A raw deflate stream (no zlib or gzip wrapper: the recipe's header is written as is).
class Deflater {
 public:
  Deflater(const Recipe& r, Output& out) : m_out(out), m_buf(k_chunk) {
    m_z.zalloc = Z_NULL;
    m_z.zfree = Z_NULL;
    m_z.opaque = Z_NULL;
    if (deflateInit2(&m_z, r.level, Z_DEFLATED, -r.window_bits, r.mem_level,
                     zlib_strategy(r.strategy)) != Z_OK) {
      throw Error(ExitCode::internal, "zlib deflateInit2 failed for " + describe(r));
    }
  }
  ~Deflater() { deflateEnd(&m_z); }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  z_stream& z() { return m_z; }

  // Runs deflate over `data` with `flush` until it has taken all input and has room left
  // over (so nothing is pending in zlib's output buffer), passing output on. Returns false
  // when the sink said stop.
  bool run(const char* data, std::size_t size, int flush) {
    m_z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
    m_z.avail_in = static_cast<uInt>(size);
    for (;;) {
      m_z.next_out = reinterpret_cast<Bytef*>(m_buf.data());
      m_z.avail_out = static_cast<uInt>(m_buf.size());
      const int rc = deflate(&m_z, flush);
      if (rc == Z_STREAM_ERROR) throw Error(ExitCode::internal, "zlib deflate failed");
      if (!m_out.put(m_buf.data(), m_buf.size() - m_z.avail_out)) return false;
      if (m_z.avail_out != 0 && m_z.avail_in == 0) {
        if (flush != Z_FINISH || rc == Z_STREAM_END) return true;
      }
    }
  }

 private:
  z_stream m_z{};
  Output& m_out;
  std::vector<char> m_buf;
};

// Reads the source in k_chunk pieces with one piece of look-ahead, so pigz can tell a
// full block that is the last one (ends with Z_FINISH) from one that is not.
class Input {
 public:
  explicit Input(const ReadFn& source, CompressResult& result)
      : m_source(source), m_result(result), m_buf(k_chunk) {}
  // The unread bytes of the current piece, reading the next one when it is used up;
  // empty only at the end of the input.
  std::pair<const char*, std::size_t> peek() {
    if (m_pos == m_len && !m_end) {
      m_len = m_source(m_buf.data(), m_buf.size());
      m_pos = 0;
      if (m_len == 0) m_end = true;
      m_result.bytes_in += m_len;
    }
    return {m_buf.data() + m_pos, m_len - m_pos};
  }
  void consume(std::size_t n) { m_pos += n; }

 private:
  const ReadFn& m_source;
  CompressResult& m_result;
  std::vector<char> m_buf;
  std::size_t m_pos = 0, m_len = 0;
  bool m_end = false;
};

void gzip_trailer(Output& out, std::uint32_t crc, std::uint64_t size) {
  std::string trailer;
  put_le32(trailer, crc);
  put_le32(trailer, static_cast<std::uint32_t>(size));  // ISIZE is the size modulo 2^32
  out.put(trailer.data(), trailer.size());
}

void compress_none(Input& in, Output& out) {
  for (auto [data, size] = in.peek(); size > 0; std::tie(data, size) = in.peek()) {
    if (!out.put(data, size)) return;
    in.consume(size);
  }
}

// One deflate stream over the whole input, as zlib's gzip wrapper (and so node, python)
// makes it.
void compress_gzip(const Recipe& r, Input& in, Output& out) {
  if (!out.put(r.header.data(), r.header.size())) return;
  Deflater d(r, out);
  uLong crc = crc32(0, Z_NULL, 0);
  std::uint64_t total = 0;
  for (auto [data, size] = in.peek(); size > 0; std::tie(data, size) = in.peek()) {
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data), static_cast<uInt>(size));
    total += size;
    if (!d.run(data, size, Z_NO_FLUSH)) return;
    in.consume(size);
  }
  if (!d.run(nullptr, 0, Z_FINISH)) return;
  gzip_trailer(out, static_cast<std::uint32_t>(crc), total);
}

// pigz's block format (see recompress.hpp for the description this follows).
void compress_pigz(const Recipe& r, Input& in, Output& out) {
  if (!out.put(r.header.data(), r.header.size())) return;
  Recipe raw = r;  // pigz: deflateInit2(level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY)
  raw.window_bits = 15;
  raw.mem_level = 8;
  raw.strategy = DeflateStrategy::default_strategy;
  Deflater d(raw, out);
  const std::size_t block = static_cast<std::size_t>(r.block_kib) * 1024;
  uLong crc = crc32(0, Z_NULL, 0);
  std::uint64_t total = 0;
  std::string dict;  // the last k_dict bytes of the previous block's input
  for (bool first = true;; first = false) {
    if (deflateReset(&d.z()) != Z_OK) throw Error(ExitCode::internal, "zlib deflateReset failed");
    if (!first && deflateSetDictionary(&d.z(), reinterpret_cast<const Bytef*>(dict.data()),
                                       static_cast<uInt>(dict.size())) != Z_OK) {
      throw Error(ExitCode::internal, "zlib deflateSetDictionary failed");
    }
    dict.clear();
    std::size_t in_block = 0;
    while (in_block < block) {
      auto [data, size] = in.peek();
      if (size == 0) break;
      size = std::min(size, block - in_block);
      crc = crc32(crc, reinterpret_cast<const Bytef*>(data), static_cast<uInt>(size));
      total += size;
      in_block += size;
      if (!d.run(data, size, Z_NO_FLUSH)) return;
      // Keep the block's last k_dict bytes: a block never shorter than k_dict but the
      // last one (recipe.hpp: block_kib >= 32), whose tail nobody uses.
      dict.append(data, size);
      if (dict.size() > k_dict) dict.erase(0, dict.size() - k_dict);
      in.consume(size);
    }
    if (in.peek().second == 0) {  // no more input: this block is the last
      if (!d.run(nullptr, 0, Z_FINISH)) return;
      break;
    }
    if (!d.run(nullptr, 0, Z_BLOCK)) return;
    int bits = 0;
    deflatePending(&d.z(), Z_NULL, &bits);
    if (bits & 1) {
      if (!d.run(nullptr, 0, Z_SYNC_FLUSH)) return;
    } else if (bits & 7) {
      while (bits & 7) {  // empty static blocks: header 010 + end-of-block 0000000
        if (deflatePrime(&d.z(), 10, 2) != Z_OK) {
          throw Error(ExitCode::internal, "zlib deflatePrime failed");
        }
        deflatePending(&d.z(), Z_NULL, &bits);
      }
      if (!d.run(nullptr, 0, Z_BLOCK)) return;
    }
  }
  gzip_trailer(out, static_cast<std::uint32_t>(crc), total);
}

void compress_bzip2(const Recipe& r, Input& in, Output& out) {
  bz_stream s{};
  // verbosity 0, workFactor 30 as the bzip2 program; the work factor only chooses the
  // sorting algorithm, never the output (bzlib manual, BZ2_bzCompressInit).
  if (BZ2_bzCompressInit(&s, r.block_100k, 0, 30) != BZ_OK) {
    throw Error(ExitCode::internal, "libbz2 BZ2_bzCompressInit failed (out of memory?)");
  }
  std::unique_ptr<bz_stream, int (*)(bz_stream*)> guard(&s, BZ2_bzCompressEnd);
  std::vector<char> buf(k_chunk);
  const auto run = [&](const char* data, std::size_t size, int action) {
    s.next_in = const_cast<char*>(data);
    s.avail_in = static_cast<unsigned>(size);
    for (;;) {
      s.next_out = buf.data();
      s.avail_out = static_cast<unsigned>(buf.size());
      const int rc = BZ2_bzCompress(&s, action);
      if (rc < 0)
        throw Error(ExitCode::internal, "libbz2 BZ2_bzCompress failed: " + std::to_string(rc));
      if (!out.put(buf.data(), buf.size() - s.avail_out)) return false;
      if (action == BZ_RUN ? s.avail_in == 0 : rc == BZ_STREAM_END) return true;
    }
  };
  for (auto [data, size] = in.peek(); size > 0; std::tie(data, size) = in.peek()) {
    if (!run(data, size, BZ_RUN)) return;
    in.consume(size);
  }
  run(nullptr, 0, BZ_FINISH);
}

}  // namespace

CompressResult compress_with(const Recipe& recipe, const ReadFn& source, const WriteFn& sink) {
  validate(recipe);
  CompressResult result;
  Input in(source, result);
  Output out(sink, result);
  switch (recipe.kind) {
    case RecipeKind::none: compress_none(in, out); break;
    case RecipeKind::gzip: compress_gzip(recipe, in, out); break;
    case RecipeKind::pigz: compress_pigz(recipe, in, out); break;
    case RecipeKind::bzip2: compress_bzip2(recipe, in, out); break;
  }
  return result;
}

}  // namespace delta
