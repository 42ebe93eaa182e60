#pragma once
// Fixtures for the reader tests: bundles built by the real writer, and a small "forge"
// that assembles bundles frame by frame (hand-made tar headers, frames compressed with
// plain ZSTD_compress, a seek table that matches whatever frames it was given) so that
// hostile bundles reach exactly the check a test is about.

#include "writer_support.hpp"

#include <bundles/byte_source.hpp>
#include <bundles/format.hpp>
#include <bundles/layout.hpp>
#include <bundles/seekable_reader.hpp>
#include <bundles/signature_slot.hpp>
#include <bundles/stream_reader.hpp>

#include <cstdio>
#include <cstring>
#include <map>
#include <optional>

namespace reader_test {

using namespace writer_test;
using common::ExitCode;

// A typical small bundle: a changelog, a manifest, an empty member and a ~3.3 MiB image
// file that spans four 1 MiB chunks.
inline std::vector<Content> sample_contents() {
  return {{"changelog.json", "{\"artifacts\":[]}\n"},
          {"images/0a1b2c3d-0000-4000-8000-000000000001.imgmanifest", "{\"v\":2}\n"},
          {"images/empty.txt", ""},
          {"images/0a1b2c3d-0000-4000-8000-000000000001.imgfile",
           random_bytes(3 * k_mib + 123457, 7)}};
}

struct Built {
  Fixture fixture;
  std::vector<Content> contents;
  std::string path;
  std::string bytes;
};

// Writes `contents` as a bundle with the real writer.
inline Built build_bundle(const TempDir& dir, std::vector<Content> contents,
                          const std::string& name = "test.sdc") {
  Built b;
  b.fixture = make_fixture(dir, contents, k_mib);
  b.contents = std::move(contents);
  b.path = dir.file(name);
  bundles::WriterOptions options;
  options.threads = 2;
  options.mtime = 1764072000;
  bundles::write_bundle(b.path, b.fixture.index_bytes, b.fixture.inputs, options);
  b.bytes = slurp(b.path);
  return b;
}

// Records what a reader hands over.
class Collect : public bundles::MemberHandler {
 public:
  bundles::ByteSink begin(const manifest::BundleMember& member) override {
    events.push_back("begin " + member.name);
    current = &pending[member.name];
    current->clear();
    return [this](const char* data, std::size_t size) { current->append(data, size); };
  }
  void commit(const manifest::BundleMember& member) override {
    events.push_back("commit " + member.name);
    committed[member.name] = pending[member.name];
  }
  void abort(const manifest::BundleMember& member) noexcept override {
    events.push_back("abort " + member.name);
  }

  std::vector<std::string> events;
  std::map<std::string, std::string> committed;

 private:
  std::map<std::string, std::string> pending;
  std::string* current = nullptr;
};

// Reads `bytes` in one streaming pass; returns what was committed.
inline Collect stream_read(const std::string& bytes) {
  bundles::StreamReader reader(bundles::memory_source(bytes));
  Collect collect;
  reader.read_members(collect);
  return collect;
}

// Opens `bytes` at random and verifies every frame on `threads` workers.
inline bundles::VerifyReport seek_verify(const std::string& bytes, unsigned threads = 2) {
  return bundles::SeekableReader::open(bundles::memory_source(bytes)).verify(threads);
}

// ---- the forge ---------------------------------------------------------------------

// One frame of a forged bundle: its decompressed content, or (if set) its exact bytes.
struct ForgeFrame {
  std::uint32_t member = 0;
  std::uint32_t chunk = 0;
  std::string content;
  std::string raw;
  std::optional<std::uint64_t> table_size;  // decompressed size the seek table claims
};

// A ustar header made by hand (so tests can write what no tar tool would).
inline std::string tar_header(const std::string& name, std::uint64_t size, char type = '0') {
  std::string h(512, '\0');
  std::memcpy(&h[0], name.data(), std::min<std::size_t>(name.size(), 100));
  auto octal = [&h](std::size_t at, std::size_t width, std::uint64_t v) {
    std::snprintf(&h[at], width + 1, "%0*llo", static_cast<int>(width - 1),
                  static_cast<unsigned long long>(v));
  };
  octal(100, 8, 0644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, size);
  octal(136, 12, 1764072000);
  h[156] = type;
  std::memcpy(&h[257], "ustar\0" "00", 8);
  std::memcpy(&h[265], "root", 4);
  std::memcpy(&h[297], "root", 4);
  std::memset(&h[148], ' ', 8);
  unsigned sum = 0;
  for (char c : h) sum += static_cast<unsigned char>(c);
  std::snprintf(&h[148], 8, "%06o", sum);  // six digits, NUL, then the space left in place
  return h;
}

inline std::string zstd_frame(const std::string& content, int level = 1) {
  std::string out(ZSTD_compressBound(content.size()), '\0');
  const std::size_t n = ZSTD_compress(out.data(), out.size(), content.data(), content.size(), level);
  REQUIRE_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

inline void put_le(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// A zstd frame written by hand: a header declaring `declared` bytes (none: no content
// size) with a window of 2^window_log, then raw blocks holding `content`.
inline std::string hand_frame(const std::string& content, std::optional<std::uint64_t> declared,
                              unsigned window_log = 20) {
  std::string out;
  put_le(out, 0xFD2FB528u, 4);
  out.push_back(static_cast<char>(declared ? 0xC0 : 0x00));  // FCS 8 bytes or none
  out.push_back(static_cast<char>((window_log - 10) << 3));
  if (declared) put_le(out, *declared, 8);
  std::size_t at = 0;
  do {
    const std::size_t n = std::min<std::size_t>(content.size() - at, 128u << 10);
    const bool last = at + n == content.size();
    put_le(out, (last ? 1u : 0u) | (n << 3), 3);  // raw block
    out.append(content, at, n);
    at += n;
  } while (at < content.size());
  return out;
}

// A frame declaring `declared` bytes whose RLE blocks produce `produced` zero bytes:
// 1 GiB of zeros in 32 KiB (a zstd bomb).
inline std::string zero_bomb(std::uint64_t declared, std::uint64_t produced) {
  std::string out;
  put_le(out, 0xFD2FB528u, 4);
  out.push_back(static_cast<char>(0xC0));
  out.push_back(static_cast<char>((20 - 10) << 3));
  put_le(out, declared, 8);
  for (std::uint64_t at = 0; at < produced;) {
    const std::uint64_t n = std::min<std::uint64_t>(produced - at, 128u << 10);
    const bool last = at + n == produced;
    put_le(out, (last ? 1u : 0u) | (1u << 1) | (n << 3), 3);  // RLE block
    out.push_back('\0');
    at += n;
  }
  return out;
}

// The frames the format prescribes for `index_bytes` and `contents` (in index order).
inline std::vector<ForgeFrame> standard_frames(const std::string& index_bytes,
                                               const std::vector<Content>& contents,
                                               std::uint64_t chunk_size = k_mib) {
  std::vector<std::uint64_t> sizes;
  for (const auto& c : contents) sizes.push_back(c.bytes.size());
  std::vector<ForgeFrame> frames;
  for (const auto& p : bundles::plan_frames(index_bytes.size(), sizes, chunk_size)) {
    ForgeFrame f;
    f.member = p.member;
    f.chunk = p.chunk;
    if (p.member == bundles::format::k_member_index_sig) {
      f.raw = bundles::signature_slot_frame(bundles::k_empty_signature_json, 1764072000);
    } else {
      const bool is_index = p.member == bundles::format::k_member_index_json;
      const std::string& name = is_index ? std::string("bundle.json") : contents[p.member - 2].name;
      const std::string& data = is_index ? index_bytes : contents[p.member - 2].bytes;
      if (p.header) f.content = tar_header(name, data.size());
      f.content += data.substr(p.data_offset, p.data_size);
      f.content.append(p.padding + (p.archive_end ? 1024 : 0), '\0');
    }
    frames.push_back(std::move(f));
  }
  return frames;
}

// Compresses the frames and appends a seek table that describes them truthfully.
inline std::string forge(const std::vector<ForgeFrame>& frames) {
  std::string out;
  std::vector<bundles::SeekEntry> entries;
  for (const auto& f : frames) {
    const std::string bytes = f.raw.empty() ? zstd_frame(f.content) : f.raw;
    bundles::SeekEntry e;
    e.compressed_size = bytes.size();
    e.decompressed_size = f.table_size   ? *f.table_size
                          : f.raw.empty() ? f.content.size()
                                          : ZSTD_getFrameContentSize(bytes.data(), bytes.size());
    e.member = f.member;
    e.chunk = f.chunk;
    entries.push_back(e);
    out += bytes;
  }
  return out + bundles::encode_seek_table(entries);
}

// The frames of the sample bundle (index made by make_fixture).
struct Forged {
  Fixture fixture;
  std::vector<Content> contents;
  std::vector<ForgeFrame> frames;
};

inline Forged sample_forge(const TempDir& dir) {
  Forged f;
  f.contents = sample_contents();
  f.fixture = make_fixture(dir, f.contents, k_mib);
  f.frames = standard_frames(f.fixture.index_bytes, f.contents);
  return f;
}

// Both readers must refuse `bytes`: streaming with `code`, random access (open + verify)
// with `seek_code` (default: the same); parallel and serial verify must agree on the exact
// error. Returns the streaming reader's message.
inline std::string expect_refused(const std::string& bytes, ExitCode code,
                                  std::optional<ExitCode> seek_code = std::nullopt) {
  const std::string stream_msg = message_of([&] { stream_read(bytes); });
  CHECK(code_of([&] { stream_read(bytes); }) == code);
  std::string serial, parallel;
  ExitCode serial_code = ExitCode::ok, parallel_code = ExitCode::ok;
  try {
    seek_verify(bytes, 1);
  } catch (const common::Error& e) {
    serial = e.what();
    serial_code = e.code();
  }
  try {
    seek_verify(bytes, 3);
  } catch (const common::Error& e) {
    parallel = e.what();
    parallel_code = e.code();
  }
  CHECK(serial_code == seek_code.value_or(code));
  CHECK(parallel_code == serial_code);
  CHECK(parallel == serial);
  return stream_msg;
}

}  // namespace reader_test
