// delta::Recipe's JSON form: canonical, round-trips, and the strict parser refuses what a
// tampered or newer index could hold.

#include <delta/recipe.hpp>

#include <common/error.hpp>
#include <common/json.hpp>

#include <catch2/catch.hpp>

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
    const Recipe back = delta::recipe_from_json(common::parse_json(
        common::dump_json(delta::to_json(r)), "test"));
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
  const std::string h = "\"1f8b0800af2c166b0003\"";
  CHECK(contains(refusal(R"({"kind":"xz"})"), "unknown kind \"xz\""));
  CHECK(contains(refusal(R"({"kind":"zstd","level":3})"), "unknown kind"));
  CHECK(contains(refusal(R"({"kind":"pigz","level":42,"block_kib":128,"header":)" + h + "}"),
                 "\"level\" is 42, outside 1..9"));
  CHECK(contains(refusal(R"({"kind":"pigz","level":0,"block_kib":128,"header":)" + h + "}"),
                 "outside 1..9"));
  CHECK(contains(refusal(R"({"kind":"pigz","level":6,"block_kib":16,"header":)" + h + "}"),
                 "\"block_kib\""));
  CHECK(contains(refusal(R"({"kind":"pigz","level":6.0,"block_kib":128,"header":)" + h + "}"),
                 "not an integer"));
  CHECK(contains(refusal(R"({"kind":"pigz","level":"6","block_kib":128,"header":)" + h + "}"),
                 "not an integer"));
  CHECK(contains(refusal(R"({"kind":"pigz","level":99999999999999,"block_kib":128,"header":)" + h + "}"),
                 "out of range"));
  CHECK(contains(refusal(R"({"kind":"pigz","level":6,"header":)" + h + "}"),
                 "missing \"block_kib\""));
  CHECK(contains(refusal(R"({"kind":"pigz","level":6,"block_kib":128,"threads":4,"header":)" + h + "}"),
                 "unknown field \"threads\""));
  CHECK(contains(refusal(R"({"kind":"bzip2","block_100k":9,"level":6})"), "unknown field \"level\""));
  CHECK(contains(refusal(R"({"kind":"bzip2","block_100k":10})"), "outside 1..9"));
  CHECK(contains(refusal(R"({"kind":"gzip","level":6,"window_bits":16,"mem_level":8,"strategy":"default","header":)" + h + "}"),
                 "\"window_bits\""));
  CHECK(contains(refusal(R"({"kind":"gzip","level":6,"window_bits":15,"mem_level":8,"strategy":"best","header":)" + h + "}"),
                 "unknown strategy"));
  CHECK(contains(refusal(R"({"kind":"pigz","level":6,"block_kib":128,"header":"1F8B0800AF2C166B0003"})"),
                 "lower-case hex"));
  CHECK(contains(refusal(R"({"kind":"pigz","level":6,"block_kib":128,"header":"1f8b0800af2c166b00"})"),
                 "not exactly one gzip member header"));
  CHECK(contains(refusal(R"({"kind":"pigz","level":6,"block_kib":128,"header":"1f8b0800af2c166b000300"})"),
                 "not exactly one gzip member header"));
  CHECK(contains(refusal(R"({"kind":"pigz","level":6,"block_kib":128,"header":"1f8c0800af2c166b0003"})"),
                 "bad magic"));
  CHECK(contains(refusal(R"({"kind":"pigz","level":6,"block_kib":128,"header":"1f8b08e0af2c166b0003"})"),
                 "reserved flag"));
  CHECK(contains(refusal(R"(["pigz"])"), "not a JSON object"));
  CHECK(contains(refusal(R"({"level":6})"), "no \"kind\""));
}
