// delta::Recipe's JSON form: canonical, round-trips, and the strict parser refuses what a
// tampered or newer index could hold.

#include <delta/recipe.hpp>

#include <common/error.hpp>
#include <common/json.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

using delta::Recipe;
using delta::RecipeKind;

namespace {

// pigz's header for standard input: magic, deflate, no flags, MTIME, XFL 0, OS 3 (Unix).
const std::string k_header("\x1f\x8b\x08\x00\xaf\x2c\x16\x6b\x00\x03", 10);

std::string refusal(const std::string& text) {
  try {
    delta::recipe_from_json(common::parse_json(text, "test"), "recipe of x.zfs.gz");
  } catch (const common::Error& e) {
    CHECK(e.code() == common::ExitCode::bad_data);
    return e.what();
  }
  FAIL("accepted: " << text);
  return "";
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("recipes print canonical JSON and read back equal", "[recipe]") {
  Recipe pigz;
  pigz.kind = RecipeKind::pigz;
  pigz.header = k_header;
  CHECK(common::dump_json(delta::to_json(pigz), -1) ==
        R"({"kind":"pigz","level":6,"block_kib":128,"header":"1f8b0800af2c166b0003"})");

  Recipe gzip = pigz;
  gzip.kind = RecipeKind::gzip;
  gzip.level = 9;
  gzip.window_bits = 14;
  gzip.strategy = delta::DeflateStrategy::rle;
  CHECK(common::dump_json(delta::to_json(gzip), -1) ==
        R"({"kind":"gzip","level":9,"window_bits":14,"mem_level":8,"strategy":"rle",)"
        R"("header":"1f8b0800af2c166b0003"})");

  Recipe bzip2;
  bzip2.kind = RecipeKind::bzip2;
  bzip2.block_100k = 1;
  CHECK(common::dump_json(delta::to_json(bzip2), -1) == R"({"kind":"bzip2","block_100k":1})");
  CHECK(common::dump_json(delta::to_json(Recipe{}), -1) == R"({"kind":"none"})");

  for (const Recipe& r : {pigz, gzip, bzip2, Recipe{}}) {
    const Recipe back =
        delta::recipe_from_json(common::parse_json(common::dump_json(delta::to_json(r)), "test"));
    CHECK(back == r);
    CHECK(delta::to_json(back) == delta::to_json(r));
  }
  CHECK(pigz != gzip);
  CHECK(delta::describe(pigz) == "pigz-6 (128 KiB blocks)");
  CHECK(delta::describe(gzip) == "zlib-9 (window 14, mem 8, rle)");
  CHECK(delta::describe(bzip2) == "bzip2-1");
}

TEST_CASE("a gzip header with a name and a header CRC is kept whole", "[recipe]") {
  Recipe r;
  r.kind = RecipeKind::pigz;
  r.header = std::string("\x1f\x8b\x08\x0a\0\0\0\0\0\x03", 10) + "image.zfs" + '\0' + "\x12\x34";
  CHECK(delta::recipe_from_json(delta::to_json(r)).header == r.header);
}

TEST_CASE("the recipe parser refuses what it does not know", "[recipe][hostile]") {
  const std::string h = R"("header":"1f8b0800af2c166b0003")";
  const std::string pigz = R"({"kind":"pigz",)";
  const std::string gzip = R"({"kind":"gzip","level":6,"mem_level":8,)";
  const std::vector<std::pair<std::string, std::string>> cases{
      {R"({"kind":"xz"})", "unknown kind \"xz\""},
      {R"({"kind":"zstd","level":3})", "unknown kind"},
      {pigz + R"("level":42,"block_kib":128,)" + h + "}", "\"level\" is 42, outside 1..9"},
      {pigz + R"("level":0,"block_kib":128,)" + h + "}", "outside 1..9"},
      {pigz + R"("level":6,"block_kib":16,)" + h + "}", "\"block_kib\" is 16"},
      {pigz + R"("level":6.0,"block_kib":128,)" + h + "}", "not an integer"},
      {pigz + R"("level":"6","block_kib":128,)" + h + "}", "not an integer"},
      {pigz + R"("level":99999999999999,"block_kib":128,)" + h + "}", "out of range"},
      {pigz + R"("level":-99999999999999,"block_kib":128,)" + h + "}", "out of range"},
      {pigz + R"("level":6,)" + h + "}", "missing \"block_kib\""},
      {pigz + R"("level":6,"block_kib":128,"threads":4,)" + h + "}", "unknown field \"threads\""},
      {pigz + R"("level":6,"block_kib":128})", "missing \"header\""},
      {R"({"kind":"bzip2","block_100k":9,"level":6})", "unknown field \"level\""},
      {R"({"kind":"bzip2","block_100k":10})", "outside 1..9"},
      {gzip + R"("window_bits":16,"strategy":"default",)" + h + "}", "\"window_bits\" is 16"},
      {gzip + R"("window_bits":15,"strategy":"best",)" + h + "}", "unknown strategy \"best\""},
      {pigz + R"("level":6,"block_kib":128,"header":"1F8B0800AF2C166B0003"})", "lower-case hex"},
      {pigz + R"("level":6,"block_kib":128,"header":"1f8b0800af2c166b000"})", "odd number"},
      {pigz + R"("level":6,"block_kib":128,"header":"1f8b0800af2c166b00"})",
       "not exactly one gzip member header"},
      {pigz + R"("level":6,"block_kib":128,"header":"1f8b0800af2c166b000300"})",
       "not exactly one gzip member header"},
      {pigz + R"("level":6,"block_kib":128,"header":"1f8c0800af2c166b0003"})", "bad magic"},
      {pigz + R"("level":6,"block_kib":128,"header":"1f8b08e0af2c166b0003"})", "reserved flag"},
      {R"(["pigz"])", "not a JSON object"},
      {R"({"level":6})", "no \"kind\""},
  };
  for (const auto& [text, expected] : cases) {
    const std::string message = refusal(text);
    INFO(text << " -> " << message);
    CHECK(contains(message, expected));
    CHECK(contains(message, "recipe of x.zfs.gz: "));
  }
  // The same text minus the fault is accepted: the refusals above are about the fault.
  CHECK(delta::recipe_from_json(
            common::parse_json(pigz + R"("level":6,"block_kib":128,)" + h + "}", "test"))
            .level == 6);
}
