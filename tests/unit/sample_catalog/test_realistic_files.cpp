// The realistic payloads' compression claims, checked with the delta builder's own
// find_recipe: zone images and agents are reproducible (pigz -6 / zlib -6), the platform
// is not (its stand-in for GNU gzip).
#include <tools/sample_catalog/catalog_plan.hpp>
#include <tools/sample_catalog/image_files.hpp>
#include <tools/sample_catalog/tar_stream.hpp>
#include <tools/sample_catalog/unreproducible_gzip.hpp>

#include <delta/find_recipe.hpp>
#include <delta/recipe.hpp>
#include <tests/unit/support/scratch_dir.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace sample_catalog;

namespace {

const PlannedImage& first_of(const CatalogPlan& plan, ArtifactKind kind) {
  for (const PlannedImage& image : plan.images) {
    if (image.kind == kind) return image;
  }
  FAIL("no image of that kind");
  throw;
}

delta::RecipeSearch written(const PlannedImage& image, const std::string& path) {
  write_image_file(image, 1, path, PayloadMode::realistic, ImageHistory{0, {image.build_time}});
  return delta::find_recipe(path, delta::Compression::gzip);
}

}  // namespace

TEST_CASE("realistic zone images are pigz -6 with 128 KiB blocks; agents one zlib stream",
          "[sample_catalog]") {
  sdcb_test::ScratchDir s;
  const CatalogPlan plan = plan_catalog(1, 64ull << 20);
  const delta::RecipeSearch zone = written(first_of(plan, ArtifactKind::zone), s.path() + "/zone");
  REQUIRE(zone.recipe);
  CHECK(zone.recipe->kind == delta::RecipeKind::pigz);
  CHECK(zone.recipe->level == 6);
  CHECK(zone.recipe->block_kib == 128);
  CHECK(zone.uncompressed_size > zone.compressed_size * 13 / 10);  // text inside compresses
  const delta::RecipeSearch agent = written(first_of(plan, ArtifactKind::agent), s.path() + "/agent");
  REQUIRE(agent.recipe);
  CHECK(agent.recipe->level == 6);
}

TEST_CASE("the realistic platform is valid gzip that no recipe reproduces", "[sample_catalog]") {
  sdcb_test::ScratchDir s;
  const CatalogPlan plan = plan_catalog(1, 64ull << 20);
  const delta::RecipeSearch platform =
      written(first_of(plan, ArtifactKind::platform), s.path() + "/platform");
  CHECK_FALSE(platform.recipe);
  CHECK(platform.uncompressed_size > 0);  // find_recipe read it to the end: valid gzip
}

TEST_CASE("write_unreproducible_gzip: text content, still no recipe", "[sample_catalog]") {
  sdcb_test::ScratchDir s;
  const auto files = describe_version(3, 600 << 10, 0, "p/");
  TarStream tar;
  for (const ModelFile& f : files) tar.add_model_file(f.path, f, 1700000000);
  const std::string path = s.path() + "/t.gz";
  {
    FileSink sink(path);
    write_unreproducible_gzip([&tar](char* b, std::size_t n) { return tar.read(b, n); }, sink, 9);
    sink.commit();
  }
  const delta::RecipeSearch r = delta::find_recipe(path, delta::Compression::gzip);
  CHECK_FALSE(r.recipe);
  CHECK(r.uncompressed_size > 600u << 10);
}
