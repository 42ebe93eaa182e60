// find_recipe and compress_with against the real compressors: the content is compressed by
// Debian's pigz, gzip and bzip2, find_recipe must name a recipe, and compress_with must
// then rebuild the very same file from the content alone (sha256). GNU gzip is the
// documented exception: zlib does not reproduce it, and find_recipe must say so.

#include <delta/find_recipe.hpp>
#include <delta/recompress.hpp>

#include "recompress_support.hpp"

#include <common/error.hpp>
#include <tests/unit/support/error_capture.hpp>
#include <tests/unit/support/scratch_dir.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>

using namespace recompress_test;
using delta::Compression;
using delta::Recipe;
using delta::RecipeKind;
using sdcb_test::error_of;

namespace {

// The content and its file, made once for the whole run (a few MiB, ~0.1 s).
struct Fixture {
  sdcb_test::ScratchDir dir;
  std::string content = image_like_content();
  std::string plain = dir.file("content.tar");
  Fixture() { write_file(plain, content); }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

// Compresses the fixture's content with the real program; "" when it is not installed.
std::string compress_real(const std::vector<std::string>& argv, const std::string& name) {
  Fixture& f = fixture();
  const std::string out = f.dir.file(name);
  const auto status = run(argv, f.plain, out);
  if (!status) {
    WARN(argv[0] + " is not installed (scripts/setup.sh installs it); skipping");
    return "";
  }
  REQUIRE(*status == 0);
  return out;
}

std::string rebuild(const Recipe& recipe, const std::string& content) {
  std::size_t pos = 0;
  std::string out;
  delta::compress_with(
      recipe,
      [&](char* buf, std::size_t size) {
        // Odd-sized reads on purpose: the output must not depend on how input arrives.
        const std::size_t n = std::min({size, content.size() - pos, std::size_t(40000)});
        std::copy_n(content.data() + pos, n, buf);
        pos += n;
        return n;
      },
      [&](const char* data, std::size_t size) {
        out.append(data, size);
        return true;
      });
  return out;
}

// The real program's file, found and rebuilt byte for byte.
Recipe reproduces(const std::vector<std::string>& argv, const std::string& name,
                  Compression compression) {
  const std::string path = compress_real(argv, name);
  if (path.empty()) return {};
  const delta::RecipeSearch s = delta::find_recipe(path, compression);
  INFO(s.why_not());
  REQUIRE(s.recipe);
  const std::string original = read_file(path);
  CHECK(s.compressed_size == original.size());
  CHECK(s.uncompressed_size == fixture().content.size());
  CHECK(s.uncompressed_sha256 == sha256(fixture().content));
  CHECK(sha256(rebuild(*s.recipe, fixture().content)) == sha256(original));
  return *s.recipe;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("pigz -cfq (buildimage's compressor) is reproduced as pigz-6, 128 KiB", "[recompress]") {
  const Recipe r = reproduces({"pigz", "-cfq"}, "pigz.gz", Compression::gzip);
  if (r.kind == RecipeKind::none) return;  // pigz missing, warned
  CHECK(r.kind == RecipeKind::pigz);
  CHECK(r.level == 6);
  CHECK(r.block_kib == 128);
  CHECK(r.header.size() == 10);  // from standard input: no name
}

TEST_CASE("pigz reading a pipe, as buildimage's `zfs send | pigz -cfq`, is reproduced",
          "[recompress]") {
  // A pipe hands pigz the input in pieces of its own size; pigz's blocks must not depend on
  // them (and its header's MTIME for a pipe is whatever it is: the recipe copies it).
  const Recipe r = reproduces({"sh", "-c", "cat | pigz -cfq"}, "pigz-pipe.gz", Compression::gzip);
  if (r.kind == RecipeKind::none) return;
  CHECK(r.kind == RecipeKind::pigz);
  CHECK(r.block_kib == 128);
}

TEST_CASE("pigz -6 -b 256 is reproduced with the block size read from the file", "[recompress]") {
  const Recipe r =
      reproduces({"pigz", "-6", "-cfq", "-b", "256"}, "pigz-b256.gz", Compression::gzip);
  if (r.kind == RecipeKind::none) return;
  CHECK(r.kind == RecipeKind::pigz);
  CHECK(r.level == 6);
  CHECK(r.block_kib == 256);
}

TEST_CASE("pigz -9 with one thread is reproduced as pigz-9", "[recompress]") {
  const Recipe r = reproduces({"pigz", "-9", "-p", "1", "-cfq"}, "pigz-9.gz", Compression::gzip);
  if (r.kind == RecipeKind::none) return;
  CHECK(r.kind == RecipeKind::pigz);
  CHECK(r.level == 9);
  CHECK(r.block_kib == 128);
}

TEST_CASE("one deflate stream (pigz with a block larger than the input) is zlib-6",
          "[recompress]") {
  const Recipe r =
      reproduces({"pigz", "-cfq", "-b", "8192"}, "pigz-one-block.gz", Compression::gzip);
  if (r.kind == RecipeKind::none) return;
  CHECK(r.kind == RecipeKind::gzip);
  CHECK(r.level == 6);
}

TEST_CASE("bzip2 -cfq and bzip2 -1 are reproduced by libbz2", "[recompress]") {
  Recipe r = reproduces({"bzip2", "-cfq"}, "b9.bz2", Compression::bzip2);
  if (r.kind == RecipeKind::none) return;
  CHECK(r.kind == RecipeKind::bzip2);
  CHECK(r.block_100k == 9);
  r = reproduces({"bzip2", "-1", "-cfq"}, "b1.bz2", Compression::bzip2);
  CHECK(r.kind == RecipeKind::bzip2);
  CHECK(r.block_100k == 1);
}

TEST_CASE("GNU gzip is not reproduced by zlib: no recipe, with the reason per candidate",
          "[recompress]") {
  for (const std::vector<std::string>& argv :
       {std::vector<std::string>{"gzip", "-cfq"}, std::vector<std::string>{"gzip", "-9", "-cfq"}}) {
    const std::string path = compress_real(argv, "gnu.gz");
    if (path.empty()) return;
    const delta::RecipeSearch s = delta::find_recipe(path, Compression::gzip);
    CHECK_FALSE(s.recipe);
    CHECK(s.rejected.size() == delta::gzip_candidates("", 0).size());
    CHECK(contains(s.why_not(),
                   "no recipe reproduces it: pigz-6 (128 KiB blocks): differs at byte "));
    CHECK(contains(s.why_not(), "zlib-6: differs at byte "));
    CHECK(contains(s.why_not(), "zlib-9: differs at byte "));
    // The file itself is fine: checked and hashed.
    CHECK(s.uncompressed_sha256 == sha256(fixture().content));
  }
}

TEST_CASE("empty and tiny inputs are reproduced too", "[recompress]") {
  Fixture& f = fixture();
  for (const std::string& content : {std::string(), std::string("x"), std::string(200000, 'a')}) {
    write_file(f.dir.file("small"), content);
    const auto status = run({"pigz", "-cfq"}, f.dir.file("small"), f.dir.file("small.gz"));
    if (!status) return;
    REQUIRE(*status == 0);
    const delta::RecipeSearch s = delta::find_recipe(f.dir.file("small.gz"), Compression::gzip);
    INFO("content of " << content.size() << " bytes: " << s.why_not());
    REQUIRE(s.recipe);
    CHECK(rebuild(*s.recipe, content) == read_file(f.dir.file("small.gz")));
  }
}

TEST_CASE("compress_with stops when the sink says so, and none copies", "[recompress]") {
  const std::string content = fixture().content;
  Recipe r;
  r.kind = RecipeKind::bzip2;
  std::size_t pos = 0, calls = 0;
  const auto result = delta::compress_with(
      r,
      [&](char* buf, std::size_t size) {
        const std::size_t n = std::min(size, content.size() - pos);
        std::copy_n(content.data() + pos, n, buf);
        pos += n;
        return n;
      },
      [&](const char*, std::size_t) { return ++calls < 2; });
  CHECK(result.stopped);
  CHECK(calls == 2);
  CHECK(result.bytes_in < content.size());  // it did not go on reading
  CHECK(rebuild(Recipe{}, content) == content);
}

TEST_CASE("a damaged file is an error, not 'no recipe'", "[recompress][hostile]") {
  const std::string path = compress_real({"pigz", "-cfq"}, "good.gz");
  if (path.empty()) return;
  Fixture& f = fixture();
  const std::string good = read_file(path);
  const std::string bad = f.dir.file("bad.gz");
  const auto find = [&] { delta::find_recipe(bad, Compression::gzip); };

  write_file(bad, good.substr(0, good.size() / 2));
  common::Error e = error_of(find);
  CHECK(e.code() == common::ExitCode::bad_data);
  CHECK(contains(e.what(), "truncated"));
  CHECK(contains(e.what(), bad));

  write_file(bad, good.substr(0, good.size() - 3));  // inside the trailer
  CHECK(contains(error_of(find).what(), "gzip trailer"));

  std::string flipped = good;
  flipped[flipped.size() - 8] ^= 1;  // the CRC-32
  write_file(bad, flipped);
  e = error_of(find);
  CHECK(e.code() == common::ExitCode::bad_data);
  CHECK(contains(e.what(), "CRC-32 mismatch"));

  flipped = good;
  flipped[flipped.size() - 2] ^= 1;  // ISIZE
  write_file(bad, flipped);
  CHECK(contains(error_of(find).what(), "length mismatch"));

  flipped = good;
  for (std::size_t i = good.size() / 3; i < good.size() / 3 + 64; ++i) flipped[i] = '\x55';
  write_file(bad, flipped);
  CHECK(error_of(find).code() == common::ExitCode::bad_data);

  write_file(bad, std::string(1000, 'G'));
  CHECK(contains(error_of(find).what(), "not a gzip file"));
  write_file(bad, "");
  CHECK(contains(error_of(find).what(), "empty"));
  write_file(bad, good.substr(0, 5));
  CHECK(contains(error_of(find).what(), "gzip header"));

  // A name that never ends: refused at the header bound, not read on.
  std::string endless = good.substr(0, 10);
  endless[3] = 0x08;  // FNAME
  endless += std::string(100000, 'n');
  write_file(bad, endless);
  CHECK(contains(error_of(find).what(), "longer than 4096"));

  write_file(bad, good.substr(0, good.size() / 2));
  CHECK(error_of([&] { delta::find_recipe(bad, Compression::bzip2); }).code() ==
        common::ExitCode::bad_data);
  CHECK(error_of([&] { delta::find_recipe(path, Compression::xz); }).code() ==
        common::ExitCode::bundle_unsupported);
  CHECK(error_of([&] { delta::find_recipe(f.dir.file("missing.gz"), Compression::gzip); }).code() ==
        common::ExitCode::not_found);
}

TEST_CASE("a truncated or corrupt bzip2 file is an error", "[recompress][hostile]") {
  const std::string path = compress_real({"bzip2", "-cfq"}, "good.bz2");
  if (path.empty()) return;
  const std::string good = read_file(path);
  const std::string bad = fixture().dir.file("bad.bz2");
  write_file(bad, good.substr(0, good.size() - 100));
  common::Error e = error_of([&] { delta::find_recipe(bad, Compression::bzip2); });
  CHECK(e.code() == common::ExitCode::bad_data);
  CHECK(contains(e.what(), "truncated"));
  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x10;
  write_file(bad, flipped);
  CHECK(error_of([&] { delta::find_recipe(bad, Compression::bzip2); }).code() ==
        common::ExitCode::bad_data);
}

TEST_CASE("trailing bytes and a second member give no recipe, with the reason",
          "[recompress][hostile]") {
  const std::string path = compress_real({"pigz", "-cfq"}, "good.gz");
  if (path.empty()) return;
  const std::string good = read_file(path);
  const std::string two = fixture().dir.file("two.gz");
  write_file(two, good + good);
  const delta::RecipeSearch s = delta::find_recipe(two, Compression::gzip);
  CHECK_FALSE(s.recipe);
  CHECK(contains(s.why_not(), "bytes after its first gzip member"));
}

TEST_CASE("content beyond the uncompressed limit is refused as it streams",
          "[recompress][hostile]") {
  const std::string path = compress_real({"pigz", "-cfq"}, "good.gz");
  if (path.empty()) return;
  const common::Error e = error_of([&] { delta::find_recipe(path, Compression::gzip, 1 << 20); });
  CHECK(e.code() == common::ExitCode::bundle_too_large);
}

TEST_CASE("compress_with refuses a recipe the parser would refuse", "[recompress][hostile]") {
  Recipe r;
  r.kind = RecipeKind::pigz;
  r.level = 42;
  r.header = std::string("\x1f\x8b\x08\0\0\0\0\0\0\x03", 10);
  const auto never_read = [](char*, std::size_t) -> std::size_t {
    FAIL("read before the recipe was checked");
    return 0;
  };
  const auto never_write = [](const char*, std::size_t) { return true; };
  common::Error e = error_of([&] { delta::compress_with(r, never_read, never_write); });
  CHECK(e.code() == common::ExitCode::bad_data);
  CHECK(contains(e.what(), "\"level\" is 42"));
  r.level = 6;
  r.header = "not a gzip header";
  CHECK(error_of([&] { delta::compress_with(r, never_read, never_write); }).code() ==
        common::ExitCode::bad_data);
}

TEST_CASE("mutated files never crash find_recipe nor fake a recipe", "[recompress][hostile]") {
  // A small pigz and bzip2 file, each with 150 random byte changes (fixed seed): every run
  // must end in common::Error or in a search whose recipe really rebuilds the mutated file.
  Fixture& f = fixture();
  const std::string content = f.content.substr(0, 300000);
  write_file(f.dir.file("m.tar"), content);
  std::uint64_t state = 42;
  for (const auto& [program, compression] :
       {std::pair<std::string, Compression>{"pigz", Compression::gzip},
        std::pair<std::string, Compression>{"bzip2", Compression::bzip2}}) {
    const auto status = run({program, "-cfq"}, f.dir.file("m.tar"), f.dir.file("m.z"));
    if (!status) continue;
    REQUIRE(*status == 0);
    const std::string good = read_file(f.dir.file("m.z"));
    int errors = 0, found = 0;
    for (int i = 0; i < 150; ++i) {
      std::string bad = good;
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      const std::size_t at = static_cast<std::size_t>(state >> 33) % bad.size();
      bad[at] = static_cast<char>(bad[at] ^ static_cast<char>(1 + (state >> 20) % 255));
      write_file(f.dir.file("m.bad"), bad);
      try {
        const delta::RecipeSearch s = delta::find_recipe(f.dir.file("m.bad"), compression);
        if (s.recipe) {
          ++found;  // only possible when the change left the content intact (the header)
          CHECK(s.uncompressed_sha256 == sha256(content));
          CHECK(rebuild(*s.recipe, content) == bad);
        }
      } catch (const common::Error& e) {
        ++errors;
        CHECK((e.code() == common::ExitCode::bad_data ||
               e.code() == common::ExitCode::bundle_too_large));
      }
    }
    INFO(program << ": " << errors << " errors, " << found << " recipes");
    CHECK(errors > 100);
  }
}
