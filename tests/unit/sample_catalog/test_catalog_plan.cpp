#include <tools/sample_catalog/catalog_json.hpp>
#include <tools/sample_catalog/catalog_plan.hpp>
#include <tools/sample_catalog/service_table.hpp>

#include <manifest/validate.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

using namespace sample_catalog;

namespace {

const CatalogPlan& plan() {
  static const CatalogPlan p = plan_catalog(1, 64ull << 20);
  return p;
}

std::vector<const PlannedImage*> named(const std::string& name) {
  std::vector<const PlannedImage*> out;
  for (const PlannedImage& img : plan().images) {
    if (img.name == name) out.push_back(&img);
  }
  return out;
}

std::vector<const PlannedImage*> in_channel(std::vector<const PlannedImage*> list,
                                            const std::string& channel) {
  list.erase(std::remove_if(list.begin(), list.end(),
                            [&](const PlannedImage* i) {
                              return std::find(i->channels.begin(), i->channels.end(), channel) ==
                                     i->channels.end();
                            }),
             list.end());
  return list;
}

const PlannedImage* newest(const std::vector<const PlannedImage*>& list) {
  return *std::max_element(list.begin(), list.end(), [](auto* a, auto* b) {
    return a->published_at < b->published_at;
  });
}

std::string greatest_version(const std::vector<const PlannedImage*>& list) {
  std::string best;
  for (const auto* i : list) best = std::max(best, i->version);
  return best;
}

}  // namespace

TEST_CASE("derive_uuid: v4 shape, deterministic, sensitive to every input", "[sample_catalog]") {
  const std::regex v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  const std::string u = derive_uuid(1, "imgapi", "master-20250103T000000Z-g1234567");
  CHECK(std::regex_match(u, v4));
  CHECK(u == derive_uuid(1, "imgapi", "master-20250103T000000Z-g1234567"));
  CHECK(u != derive_uuid(2, "imgapi", "master-20250103T000000Z-g1234567"));
  CHECK(u != derive_uuid(1, "vmapi", "master-20250103T000000Z-g1234567"));
  CHECK(u != derive_uuid(1, "imgapi", "master-20250103T000000Z-g1234568"));
}

TEST_CASE("plan: same seed same plan, other seed only other uuids", "[sample_catalog]") {
  const CatalogPlan a = plan_catalog(5, 1 << 20);
  const CatalogPlan b = plan_catalog(5, 1 << 20);
  const CatalogPlan c = plan_catalog(6, 1 << 20);
  REQUIRE(a.images.size() == b.images.size());
  REQUIRE(a.images.size() == c.images.size());
  for (std::size_t i = 0; i < a.images.size(); ++i) {
    CHECK(a.images[i].uuid == b.images[i].uuid);
    CHECK(a.images[i].uuid != c.images[i].uuid);
    CHECK(a.images[i].version == c.images[i].version);
    CHECK(a.images[i].published_at == c.images[i].published_at);
    CHECK(a.images[i].payload_bytes == c.images[i].payload_bytes);
  }
}

TEST_CASE("plan: identities are unique and origins come first", "[sample_catalog]") {
  std::set<std::string> uuids;
  std::set<std::string> published;  // name + published_at
  std::map<std::string, std::size_t> position;
  for (std::size_t i = 0; i < plan().images.size(); ++i) {
    const PlannedImage& img = plan().images[i];
    CHECK(uuids.insert(img.uuid).second);
    CHECK(published.insert(img.name + " " + img.published_at).second);
    if (!img.origin.empty()) {
      REQUIRE(position.count(img.origin) == 1);  // parent already seen
      const PlannedImage& parent = plan().images[position[img.origin]];
      CHECK(parent.published_at < img.published_at);
      for (const std::string& ch : img.channels) {
        CHECK(std::find(parent.channels.begin(), parent.channels.end(), ch) !=
              parent.channels.end());
      }
    }
    position[img.uuid] = i;
    CHECK_FALSE(img.channels.empty());
  }
}

TEST_CASE("plan: every service has 3-6 images, agents and tools as documented",
          "[sample_catalog]") {
  for (const ServiceEntry& e : service_table()) {
    std::size_t n = 0;
    for (const std::string& name : e.names) n += named(name).size();
    INFO(e.service);
    CHECK(n >= 3);
    CHECK(n <= 6);
  }
  CHECK(named("agentsshar").size() == 5);
  CHECK(named("gz-tools").size() == 4);
  CHECK(named("platform").size() == 5);
  CHECK(named("sdcadm").size() == 6);
  CHECK(named("nat").size() >= 3);
  CHECK(named("mantav2-deployment").size() >= 3);
}

TEST_CASE("plan: newest means published_at, not the version string", "[sample_catalog]") {
  const auto imgapi_staging = in_channel(named("imgapi"), "staging");
  CHECK(newest(imgapi_staging)->version != greatest_version(imgapi_staging));
  CHECK(newest(named("vmapi"))->version != greatest_version(named("vmapi")));
  // Feature-branch builds stay out of dev.
  CHECK(newest(named("cnapi"))->channels == std::vector<std::string>{"experimental"});
  CHECK(newest(in_channel(named("cnapi"), "dev"))->version.rfind("master-", 0) == 0);
}

TEST_CASE("plan: multi-name services", "[sample_catalog]") {
  auto both = [](const std::string& a, const std::string& b) {
    auto l = named(a);
    const auto r = named(b);
    l.insert(l.end(), r.begin(), r.end());
    return l;
  };
  CHECK(newest(both("mantav2-nameservice", "manta-nameservice"))->name == "manta-nameservice");
  CHECK(newest(both("mantav2-prometheus", "manta-prometheus"))->name == "manta-prometheus");
  CHECK(newest(both("mantav2-moray", "manta-moray"))->name == "mantav2-moray");
  CHECK(newest(both("mantav2-authcache", "manta-authcache"))->name == "mantav2-authcache");
}

TEST_CASE("plan: sdcadm semver, buildstamp and published_at orders disagree",
          "[sample_catalog]") {
  const auto release = in_channel(named("sdcadm"), "release");
  CHECK(newest(release)->version == "1.39.1");
  const auto dev = in_channel(named("sdcadm"), "dev");
  std::vector<const PlannedImage*> v140;
  for (const auto* i : dev) {
    if (i->version == "1.40.0") v140.push_back(i);
  }
  REQUIRE(v140.size() == 2);
  CHECK(v140[0]->buildstamp_tag != v140[1]->buildstamp_tag);
  for (const auto* i : named("sdcadm")) {
    CHECK(std::regex_match(i->version, std::regex(R"(^\d+\.\d+\.\d+$)")));
    CHECK(std::regex_match(i->buildstamp_tag,
                           std::regex(R"(^[A-Za-z0-9-]+-\d{8}T\d{6}Z-g[0-9a-f]{7}$)")));
  }
}

TEST_CASE("plan: origin chains are 2-3 hops, shared", "[sample_catalog]") {
  std::map<std::string, const PlannedImage*> by_uuid;
  std::map<std::string, int> children;
  for (const PlannedImage& img : plan().images) {
    by_uuid[img.uuid] = &img;
    if (!img.origin.empty()) ++children[img.origin];
  }
  std::set<int> hops;
  for (const PlannedImage& img : plan().images) {
    if (img.kind != ArtifactKind::zone) continue;
    int n = 0;
    for (std::string u = img.origin; !u.empty(); u = by_uuid.at(u)->origin) ++n;
    hops.insert(n);
  }
  CHECK(hops == std::set<int>{2, 3});
  CHECK(std::any_of(children.begin(), children.end(), [](auto& kv) { return kv.second >= 10; }));
}

TEST_CASE("plan: sizes follow --scale with a 1 KiB floor", "[sample_catalog]") {
  for (const std::uint64_t scale : {64ull << 20, 2ull << 30}) {
    const CatalogPlan p = plan_catalog(1, scale);
    std::uint64_t total = 0;
    std::uint64_t zone = 0;
    for (const PlannedImage& img : p.images) {
      total += img.payload_bytes;
      if (img.kind == ArtifactKind::zone) zone += img.payload_bytes;
    }
    CHECK(total > scale * 97 / 100);
    CHECK(total <= scale);
    CHECK(zone > total * 8 / 10);
  }
  for (const PlannedImage& img : plan_catalog(1, 0).images) {
    CHECK(img.payload_bytes == k_min_payload);
  }
}

TEST_CASE("every planned manifest is valid for a private IMGAPI with channels",
          "[sample_catalog]") {
  manifest::ValidateOptions opts;
  opts.profile = manifest::Profile::private_;
  opts.channels_enabled = true;
  for (const PlannedImage& img : plan().images) {
    const common::Json m = image_manifest(img, FileDigest{std::string(40, 'a'), 1234});
    const auto errors = manifest::validate(manifest::validation_form(m), opts);
    INFO(img.name << "@" << img.version << ": " << manifest::describe(errors));
    CHECK(errors.empty());
  }
}
