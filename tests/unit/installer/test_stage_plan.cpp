// Stage planning: where members go, what is refused, what exists already.
#include "installer_support.hpp"

#include <installer/stage_plan.hpp>

using namespace installer;
using namespace installer_test;

namespace {

manifest::BundleIndex index_of(const std::vector<TestImage>& images,
                               const std::function<void(manifest::BundleIndex&)>& edit = {}) {
  TempDir dir;
  return write_test_bundle(dir, images, "p.sdc", edit).index;
}

}  // namespace

TEST_CASE("plan_stage: images, agentsshar and platform go where sdcadm expects them", "[stage_plan]") {
  const Paths paths = Paths::under("/hn");
  const auto plan = plan_stage(index_of(default_images()), paths);
  REQUIRE(plan.images.size() == 4);
  REQUIRE(plan.targets.size() == 8);  // changelog.json is not staged
  const auto& img = plan.images[0];
  CHECK(img.file_path == "/hn/usbkey/images/" + uuid_n(1) + ".imgfile");
  CHECK(img.manifest_path == "/hn/usbkey/images/" + uuid_n(1) + ".imgmanifest");
  const auto& shar = plan.images[2];
  CHECK(shar.file_headnode_path == "/usbkey/extra/agents/agents-master-20250101T000000Z-g3.sh");
  CHECK(shar.manifest_path == "/hn/var/sdcadm/install/manifests/" + uuid_n(3) + ".imgmanifest");
  CHECK(plan.images[3].file_path == "/hn/usbkey/extra/platforms/platform-master-20250101T000000Z.tgz");
  CHECK(plan.targets[0].member == "images/" + uuid_n(1) + ".imgmanifest");
  CHECK(plan.not_staged.empty());
}

TEST_CASE("plan_stage: stage_as outside /usbkey/images/<uuid>.imgfile and /usbkey/extra/ is refused",
          "[stage_plan]") {
  for (const char* bad : {"/etc/passwd", "/usbkey/config", "/usbkey/images/other.imgfile",
                          "/usbkey/extra/", "/opt/smartdc/bin/sdcadm", "/usbkey/os/x"}) {
    INFO(bad);
    auto images = default_images();
    images[0].stage_as = bad;
    CHECK(code_of([&] { plan_stage(index_of(images), Paths::under("/")); }) ==
          common::ExitCode::bundle_unsafe);
  }
}

TEST_CASE("plan_stage: installer and unknown roles are not staged, and said so", "[stage_plan]") {
  const auto index = index_of(default_images(), [](manifest::BundleIndex& ix) {
    manifest::BundleArtifact inst;
    inst.role = "installer";
    inst.name = "sdcadm-install";
    inst.version = "0.2.0";
    inst.file_member = "changelog.json";
    ix.artifacts.push_back(inst);
    ix.artifacts[3].role = "firmware";
  });
  const auto plan = plan_stage(index, Paths::under("/"));
  CHECK(plan.images.size() == 3);
  REQUIRE(plan.not_staged.size() == 2);
  CHECK(plan.not_staged[0] == "image " + uuid_n(4) + " (platform@master-20250101T000000Z) [firmware]");
  CHECK(plan.not_staged[1] == "sdcadm-install [installer]");
}

TEST_CASE("plan_stage: inconsistent artifacts are refused", "[stage_plan]") {
  SECTION("two members to one path") {
    const auto index = index_of(default_images(), [](manifest::BundleIndex& ix) {
      ix.artifacts[3].stage_as = ix.artifacts[2].stage_as;
    });
    CHECK(code_of([&] { plan_stage(index, Paths::under("/")); }) == common::ExitCode::bundle_corrupt);
  }
  SECTION("an image without a file (an index the parser lets through for new roles)") {
    auto index = index_of(default_images());
    index.artifacts[0].file_member.clear();
    CHECK(code_of([&] { plan_stage(index, Paths::under("/")); }) == common::ExitCode::bundle_corrupt);
  }
  SECTION("one uuid twice with other members") {
    const auto index = index_of(default_images(), [](manifest::BundleIndex& ix) {
      auto twin = ix.artifacts[1];
      twin.file_member = ix.artifacts[0].file_member;
      ix.artifacts.push_back(twin);
    });
    CHECK(code_of([&] { plan_stage(index, Paths::under("/")); }) == common::ExitCode::bundle_corrupt);
  }
  SECTION("the same artifact twice is staged once") {
    const auto index = index_of(default_images(), [](manifest::BundleIndex& ix) {
      ix.artifacts.push_back(ix.artifacts[0]);
    });
    CHECK(plan_stage(index, Paths::under("/")).images.size() == 4);
  }
}

TEST_CASE("check_existing: size, every chunk hash, no links", "[stage_plan]") {
  TempDir dir;
  const std::string content = payload(2500000, 9);  // 3 chunks of 1 MiB
  const manifest::BundleMember member{"m", content.size(), bundles::chunk_hashes_of(content, 1u << 20)};
  const std::string path = dir.file("f");
  CHECK(!check_existing(path, member, 1u << 20).matches);
  {
    std::ofstream(path, std::ios::binary) << content;
  }
  const auto good = check_existing(path, member, 1u << 20);
  CHECK(good.matches);
  CHECK(good.sha1 == common::hex_digest(common::HashAlgorithm::sha1, content));
  std::string changed = content;
  changed[2400000] ^= 1;  // last chunk
  {
    std::ofstream(path, std::ios::binary) << changed;
  }
  CHECK(!check_existing(path, member, 1u << 20).matches);
  {
    std::ofstream(dir.file("g"), std::ios::binary) << content;
  }
  ::unlink(path.c_str());
  REQUIRE(::symlink(dir.file("g").c_str(), path.c_str()) == 0);
  CHECK(!check_existing(path, member, 1u << 20).matches);
}

TEST_CASE("temp names are hidden and recognised", "[stage_plan]") {
  CHECK(temp_path_for("/usbkey/extra/agents/agents-1.sh") ==
        "/usbkey/extra/agents/.agents-1.sh.sdcadm-install-tmp");
  CHECK(is_temp_name(".agents-1.sh.sdcadm-install-tmp"));
  CHECK(!is_temp_name("agents-1.sh"));
  CHECK(!is_temp_name(".sdcadm-install-tmp"));
}
