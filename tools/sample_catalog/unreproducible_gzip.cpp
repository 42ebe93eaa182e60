#include <tools/sample_catalog/unreproducible_gzip.hpp>

#include <common/error.hpp>

#include <zlib.h>

#include <vector>

namespace sample_catalog {

namespace {

constexpr std::size_t k_chunk = 64 * 1024;

void check(int rc, const char* doing) {
  if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
    throw common::Error(common::ExitCode::internal,
                        std::string("zlib: ") + doing + " failed (" + std::to_string(rc) + ")");
  }
}

}  // namespace

void write_unreproducible_gzip(const std::function<std::size_t(char*, std::size_t)>& source,
                               ByteSink& sink, std::uint64_t seed) {
  z_stream z{};
  // windowBits 15 + 16: zlib writes the gzip header (MTIME 0, no name, OS 3) and trailer.
  check(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), "deflateInit2");
  Prng prng(seed);
  std::vector<char> in(k_chunk);
  std::vector<unsigned char> out(k_chunk);
  // Input bytes until the next full flush: 20-100 KiB, never a multiple of pigz's blocks.
  std::uint64_t until_flush = 20 * 1024 + prng.next() % (80 * 1024);
  try {
    for (;;) {
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(k_chunk, until_flush));
      const std::size_t got = source(in.data(), want);
      until_flush -= got;
      int flush = got == 0 ? Z_FINISH : Z_NO_FLUSH;
      if (got != 0 && until_flush == 0) {
        flush = Z_FULL_FLUSH;
        until_flush = 20 * 1024 + prng.next() % (80 * 1024);
      }
      z.next_in = reinterpret_cast<Bytef*>(in.data());
      z.avail_in = static_cast<uInt>(got);
      int rc = Z_OK;
      do {
        z.next_out = out.data();
        z.avail_out = static_cast<uInt>(out.size());
        rc = deflate(&z, flush);
        check(rc, "deflate");
        sink.write(out.data(), out.size() - z.avail_out);
      } while (z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
      if (flush == Z_FINISH) break;
    }
  } catch (...) {
    deflateEnd(&z);
    throw;
  }
  deflateEnd(&z);
}

}  // namespace sample_catalog
