// libFuzzer target: delta::recipe_from_json, the recompression recipe of a delta artifact
// (docs/bundle-format.md §3a), read from a bundle index before the bundle is trusted. An
// accepted recipe must pass validate() and give the same JSON text back (the recipe is
// canonical: one text per recipe).

#include "fuzz_expect.hpp"

#include <common/json.hpp>
#include <delta/recipe.hpp>

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz::accepts("recipe_from_json", [&] {
    const common::Json json = common::parse_json(text, "recipe", 16, 65536);
    const delta::Recipe recipe = delta::recipe_from_json(json);
    delta::validate(recipe);
    const std::string once = common::dump_json(delta::to_json(recipe));
    const delta::Recipe again = delta::recipe_from_json(common::parse_json(once, "recipe"));
    if (again != recipe || common::dump_json(delta::to_json(again)) != once) {
      fuzz::bug("recipe round trip differs");
    }
  });
  return 0;
}
