// Origin chains: every chosen image brings its missing origins, each once, oldest first,
// fetched in any channel; the walk stops at images the DC has; loops, missing origins and
// chains deeper than MAX_ORIGIN_DEPTH are refused. Against the real server.
#include "catalog_server.hpp"

#include <builder/origin_closure.hpp>
#include <builder/resolve.hpp>

#include <imgapi/client.hpp>
#include <manifest/inventory.hpp>

using builder::ResolveRequest;
using builder::Resolution;
using builder_test::build;
using builder_test::CatalogServer;
using builder_test::day;
using builder_test::error_of;
using common::ExitCode;

namespace {

Resolution run(CatalogServer& catalog, const std::vector<std::string>& args,
               const manifest::Inventory* inventory = nullptr) {
  ResolveRequest r;
  for (const auto& a : args) r.selections.push_back(builder::parse_selection(a));
  r.inventory = inventory;
  imgapi::Client client(catalog.url());
  return builder::resolve(client, r);
}

std::vector<std::string> uuids(const Resolution& r) {
  std::vector<std::string> out;
  for (const auto& a : r.artifacts) out.push_back(a.image.uuid());
  return out;
}

}  // namespace

TEST_CASE("origin closure: shared origins once, origins first, any channel", "[builder][origins]") {
  CatalogServer catalog;
  // The base and origin live in channels the targets are not in (as triton-origin may).
  const auto base = catalog.add({"minimal-64-lts", "21.4.0", day(1, 1), {"release"}});
  const auto origin = catalog.add({"triton-origin-x86_64-21.4.0", build("master", 1, "aaaaaaa"),
                                   day(1, 2), {"staging"}, base});
  const auto pg = catalog.add({"triton-pg-origin-x86_64-21.4.0", build("master", 1, "bbbbbbb"),
                               day(1, 3), {"staging"}, origin});
  const auto vmapi = catalog.add({"vmapi", build("master", 2, "ccccccc"), day(2), {"dev"}, origin});
  const auto cnapi = catalog.add({"cnapi", build("master", 2, "ddddddd"), day(2), {"dev"}, origin});
  const auto pgimg = catalog.add({"sdc-postgres", build("master", 2, "eeeeeee"), day(2), {"dev"}, pg});

  const Resolution r = run(catalog, {"vmapi", "manatee", "cnapi"});
  // Targets by name (cnapi, manatee, vmapi), each preceded by what it still needs.
  CHECK(uuids(r) == std::vector<std::string>{base, origin, cnapi, pg, pgimg, vmapi});
  CHECK(r.artifacts[0].role == "origin");
  CHECK(r.artifacts[1].role == "origin");
  CHECK(r.artifacts[2].role == "service-image");
  CHECK(r.artifacts[3].role == "origin");
  CHECK(r.artifacts[3].services.empty());
  CHECK(r.artifacts[4].services == std::vector<std::string>{"manatee"});
  CHECK(r.changelog.artifacts.size() == 3);  // targets only

  // Deterministic: the same request gives the same list.
  CHECK(uuids(run(catalog, {"cnapi", "vmapi", "manatee"})) == uuids(r));

  SECTION("the walk stops at what the DC has active") {
    manifest::Inventory dc;
    dc.images.push_back({origin, "triton-origin-x86_64-21.4.0", build("master", 1, "aaaaaaa"),
                         day(1, 2)});
    const Resolution t = run(catalog, {"vmapi", "manatee", "cnapi"}, &dc);
    CHECK(uuids(t) == std::vector<std::string>{cnapi, pg, pgimg, vmapi});
    REQUIRE(t.trimmed.size() == 1);
    CHECK(t.trimmed[0].what == "origin " + origin + " (triton-origin-x86_64-21.4.0@" +
                                   build("master", 1, "aaaaaaa") + ")");
    CHECK(t.trimmed[0].reason == "already active in the DC's IMGAPI");
  }
}

TEST_CASE("an origin that is also a target comes once, in its target role", "[builder][origins]") {
  CatalogServer catalog;
  // A (contrived) papi image built on an adminui image: adminui must come first.
  const auto adminui = catalog.add({"adminui", build("master", 1, "aaaaaaa"), day(1)});
  const auto papi = catalog.add({"papi", build("master", 2, "bbbbbbb"), day(2), {"dev"}, adminui});
  const Resolution r = run(catalog, {"papi", "adminui"});
  CHECK(uuids(r) == std::vector<std::string>{adminui, papi});
  CHECK(r.artifacts[0].role == "service-image");
  CHECK(r.artifacts[0].services == std::vector<std::string>{"adminui"});
}

TEST_CASE("origin loops are refused naming the cycle", "[builder][origins]") {
  CatalogServer catalog;
  const std::string a = "aaaaaaaa-0000-4000-8000-000000000001";
  const std::string b = "bbbbbbbb-0000-4000-8000-000000000002";
  const std::string c = "cccccccc-0000-4000-8000-000000000003";
  catalog.add({"triton-origin-x86_64-21.4.0", "1", day(1), {"dev"}, c, "", "", b});
  catalog.add({"triton-origin-x86_64-23.4.0", "1", day(1), {"dev"}, b, "", "", c});
  catalog.add({"imgapi", build("master", 2, "aaaaaaa"), day(2), {"dev"}, b, "", "", a});
  const std::string m = error_of([&] { run(catalog, {"imgapi"}); }, ExitCode::origin_loop);
  CHECK(m.find(b + " -> " + c + " -> " + b) != std::string::npos);

  CatalogServer self;
  self.add({"imgapi", build("master", 2, "aaaaaaa"), day(2), {"dev"}, a, "", "", a});
  CHECK(error_of([&] { run(self, {"imgapi"}); }, ExitCode::origin_loop)
            .find(a + " -> " + a) != std::string::npos);
}

TEST_CASE("an origin the server does not have, or cannot serve", "[builder][origins]") {
  CatalogServer catalog;
  const std::string ghost = "99999999-0000-4000-8000-000000000009";
  const auto img = catalog.add({"imgapi", build("master", 2, "aaaaaaa"), day(2), {"dev"}, ghost});
  const std::string m = error_of([&] { run(catalog, {"imgapi"}); }, ExitCode::not_found);
  CHECK(m.find("image " + img + " (imgapi@" + build("master", 2, "aaaaaaa") + ") has origin " +
               ghost + ", which the updates server does not have") != std::string::npos);
}

TEST_CASE("origin chains deeper than MAX_ORIGIN_DEPTH are refused", "[builder][origins]") {
  // One chain of 101 layers: cnapi sits on layer 99 (100 ancestors, IMGAPI's limit),
  // imgapi on layer 100 (101 ancestors).
  CatalogServer catalog;
  std::vector<std::string> layers;
  for (std::size_t i = 0; i <= builder::k_max_origin_depth; ++i) {
    layers.push_back(catalog.add({"layer", std::to_string(i), day(1), {"dev"},
                                  layers.empty() ? "" : layers.back()}));
  }
  catalog.add({"cnapi", build("master", 2, "aaaaaaa"), day(2), {"dev"}, layers[99]});
  catalog.add({"imgapi", build("master", 2, "bbbbbbb"), day(2), {"dev"}, layers[100]});
  CHECK(run(catalog, {"cnapi"}).artifacts.size() == builder::k_max_origin_depth + 1);
  CHECK(error_of([&] { run(catalog, {"imgapi"}); }, ExitCode::bad_data)
            .find("more than 100 origins (IMGAPI's MAX_ORIGIN_DEPTH)") != std::string::npos);
}

TEST_CASE("identical files are detected for the packer", "[builder][origins]") {
  CatalogServer catalog;
  builder_test::ImageSpec a{"vmapi", build("master", 2, "aaaaaaa"), day(2)};
  a.content = "same bytes";
  builder_test::ImageSpec b{"cnapi", build("master", 2, "bbbbbbb"), day(2)};
  b.content = "same bytes";
  const auto ua = catalog.add(a);
  const auto ub = catalog.add(b);
  catalog.add({"napi", build("master", 2, "ccccccc"), day(2)});
  const Resolution r = run(catalog, {"vmapi", "cnapi", "napi"});
  REQUIRE(r.artifacts.size() == 3);
  CHECK(r.artifacts[0].image.uuid() == ub);  // cnapi
  CHECK(r.artifacts[0].same_file_as.empty());
  CHECK(r.artifacts[1].same_file_as.empty());  // napi
  CHECK(r.artifacts[2].image.uuid() == ua);    // vmapi
  CHECK(r.artifacts[2].same_file_as == ub);
}
