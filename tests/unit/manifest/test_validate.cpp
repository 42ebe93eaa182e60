// Tests for manifest/validate.cpp: profiles and required sets, unknown keys, messages,
// describe(), validation_form() and the fixtures' verdicts.
#include "validate_support.hpp"

#include <common/error.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace validate_test;
using manifest::validate;
using manifest::ValidateOptions;

namespace {

Json read_data(const std::string& name) {
  const char* source = std::getenv("SDCB_SOURCE");
  REQUIRE(source != nullptr);
  std::ifstream in(std::string(source) + "/tests/unit/manifest/data/" + name);
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return common::parse_json(text.str(), name);
}

}  // namespace

TEST_CASE("the base manifests are valid in their profiles", "[validate]") {
  CHECK(pairs(dc_base(), Profile::dc).empty());
  CHECK(pairs(dc_base(), Profile::private_).empty());
  CHECK(pairs(with(dc_base(), "public", "true"), Profile::public_).empty());
  CHECK(pairs(minimal_base(), Profile::minimal).empty());
  CHECK(pairs(dc_base(), Profile::minimal).empty());  // extra known fields are fine
  CHECK(pairs(with(dc_base(), "channels", R"(["dev"])"), Profile::private_, true).empty());
}

TEST_CASE("each profile reports its own missing required fields", "[validate]") {
  const Json empty = Json::object();
  CHECK(pairs(empty, Profile::minimal) ==
        Pairs{"name|MissingParameter", "os|MissingParameter", "type|MissingParameter",
              "uuid|MissingParameter", "v|MissingParameter", "version|MissingParameter"});
  const Pairs dc_required = {
      "activated|MissingParameter", "disabled|MissingParameter", "name|MissingParameter",
      "os|MissingParameter",        "owner|MissingParameter",    "public|MissingParameter",
      "state|MissingParameter",     "type|MissingParameter",     "uuid|MissingParameter",
      "v|MissingParameter",         "version|MissingParameter"};
  CHECK(pairs(empty, Profile::dc) == dc_required);
  CHECK(pairs(empty, Profile::public_) == dc_required);
  Pairs with_channels = dc_required;
  with_channels.insert("channels|MissingParameter");
  CHECK(pairs(empty, Profile::private_, true) == with_channels);
  CHECK(pairs(empty, Profile::dc, true) == dc_required);  // dc never has channels
}

TEST_CASE("unknown keys are Invalid under their own name, in every profile", "[validate]") {
  for (Profile p : {Profile::minimal, Profile::dc, Profile::public_, Profile::private_}) {
    Json m = p == Profile::minimal ? minimal_base() : dc_base();
    if (p == Profile::public_) m["public"] = true;
    m["frobnicate"] = 1;
    m["tagsObj"] = Json::object();
    CHECK(pairs(m, p) == Pairs{"frobnicate|Invalid", "tagsObj|Invalid"});
  }
}

TEST_CASE("errors come in imgmanifest's order with human messages", "[validate]") {
  Json m = with(dc_base(), "name", "\"bad name!\"");
  m["zzz"] = true;
  m.erase("v");
  const auto errors = validate(m, ValidateOptions{});
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].field == "v");
  CHECK(errors[0].code == "MissingParameter");
  CHECK(errors[1].field == "name");
  CHECK(errors[1].message.find("invalid characters") != std::string::npos);
  CHECK(errors[2].field == "zzz");
  for (const auto& e : errors) CHECK_FALSE(e.message.empty());
  CHECK(manifest::describe(errors).rfind("invalid image data: v (MissingParameter: ", 0) == 0);
  CHECK(manifest::describe(errors).find(", name (Invalid: image name has invalid") !=
        std::string::npos);
  CHECK(manifest::describe({}).empty());
}

TEST_CASE("a non-object manifest gives one error", "[validate]") {
  for (const char* text : {"[]", "null", "5", "\"x\""}) {
    const auto errors = validate(common::parse_json(text, "t"), ValidateOptions{});
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].field.empty());
    CHECK(errors[0].code == "Invalid");
    CHECK(manifest::describe(errors).find("manifest (Invalid: a manifest must be a JSON object") !=
          std::string::npos);
  }
}

TEST_CASE("profile names round-trip and bad names are usage errors", "[validate]") {
  for (Profile p : {Profile::minimal, Profile::dc, Profile::public_, Profile::private_}) {
    CHECK(manifest::profile_from_name(manifest::profile_name(p)) == p);
  }
  CHECK(manifest::profile_name(Profile::public_) == "public");
  try {
    manifest::profile_from_name("publik");
    FAIL("accepted a bad profile");
  } catch (const common::Error& e) {
    CHECK(e.code() == common::ExitCode::usage);
  }
}

TEST_CASE("validation_form adds activated from state", "[validate]") {
  Json api = read_data("activateimage-response.docs.json");
  CHECK(pairs(api) == Pairs{"activated|MissingParameter", "v|MissingParameter"});
  api["v"] = 2;
  const Json form = manifest::validation_form(api);
  CHECK(form["activated"] == true);
  CHECK(pairs(form).empty());
  CHECK(manifest::validation_form(with(api, "state", "\"unactivated\""))["activated"] == false);
  CHECK(manifest::validation_form(with(api, "state", "\"disabled\""))["activated"] == true);
  CHECK(manifest::validation_form(with(api, "activated", "\"false\""))["activated"] == "false");
  CHECK(manifest::validation_form(Json(5)) == Json(5));
}

TEST_CASE("fixture manifests get imgmanifest's verdicts", "[validate]") {
  // sdc-imgapi test data: a valid AdminImportImage body (minimal sense; IMGAPI adds
  // state/disabled/activated before validating).
  const Json faux = read_data("import-manifest-v2-no-files.fauxnodejs.sdc-imgapi-test.json");
  CHECK(pairs(faux, Profile::minimal).empty());
  CHECK(pairs(faux, Profile::dc) ==
        Pairs{"activated|MissingParameter", "disabled|MissingParameter", "state|MissingParameter"});
  // Public-mode docs example: public true is refused on a private server.
  Json smartos = manifest::validation_form(read_data("getimage-smartos-1.6.3-dc-imgapi.docs.json"));
  smartos["v"] = 2;
  CHECK(pairs(smartos, Profile::public_).empty());
  CHECK(pairs(smartos, Profile::private_) == Pairs{"public|Invalid"});
  // A v1 (DSAPI) manifest must be upgraded first: its v1-only keys are unknown in v2.
  const Json legacy = read_data("legacy-v1-dsmanifest.fauxnodejs.sdc-imgapi-test.json");
  CHECK(pairs(legacy, Profile::minimal).count("creator_uuid|Invalid") == 1);
  CHECK(pairs(legacy, Profile::minimal).count("v|MissingParameter") == 1);
  // The sdcadm shar template has placeholders and a channels key.
  const Json shar = read_data("sdcadm-shar-imgmanifest.template.json");
  CHECK(pairs(shar, Profile::private_, true).count("uuid|Invalid") == 1);
}
