// min_installer_version (bundle-format.md §3): refused only when newer than the running
// installer and the bundle carries no installer.
#include "installer_support.hpp"

#include <installer/installer_version.hpp>

#include <common/error.hpp>

#include <string>

using namespace installer;

namespace {

manifest::BundleIndex index_needing(const std::string& version) {
  manifest::BundleIndex index;
  index.bundle_id = "0f3c6a52-1d2e-4b6f-8a9b-1c2d3e4f5a6b";
  index.min_installer_version = version;
  return index;
}

common::ExitCode code_of(const manifest::BundleIndex& index, const std::string& running) {
  try {
    check_installer_version(index, running);
  } catch (const common::Error& e) {
    return e.code();
  }
  return common::ExitCode::ok;
}

}  // namespace

TEST_CASE("an equal or older min_installer_version passes", "[installer_version]") {
  CHECK(code_of(index_needing("0.1.0"), "0.1.0") == common::ExitCode::ok);
  CHECK(code_of(index_needing("0.0.9"), "0.1.0") == common::ExitCode::ok);
  CHECK(code_of(index_needing("0.1.0-rc.1"), "0.1.0") == common::ExitCode::ok);
  CHECK(code_of(index_needing("0.1.0+build.7"), "0.1.0") == common::ExitCode::ok);
}

TEST_CASE("a newer min_installer_version is refused with both versions", "[installer_version]") {
  CHECK(code_of(index_needing("0.1.1"), "0.1.0") == common::ExitCode::installer_too_old);
  CHECK(code_of(index_needing("0.10.0"), "0.9.0") == common::ExitCode::installer_too_old);  // not string order
  CHECK(code_of(index_needing("0.1.0"), "0.1.0-rc.1") == common::ExitCode::installer_too_old);
  try {
    check_installer_version(index_needing("9.0.0"), "0.1.0");
    FAIL("no refusal");
  } catch (const common::Error& e) {
    const std::string m = e.what();
    CHECK(m.find("9.0.0") != std::string::npos);
    CHECK(m.find("0.1.0") != std::string::npos);
    CHECK(m.find("--installer") != std::string::npos);
  }
}

TEST_CASE("a bundle carrying an installer is not refused", "[installer_version]") {
  manifest::BundleIndex index = index_needing("9.0.0");
  manifest::BundleArtifact a;
  a.role = "installer";
  a.version = "9.0.0";
  a.file_member = "installer/sdcadm-install";
  index.artifacts.push_back(a);
  CHECK(code_of(index, "0.1.0") == common::ExitCode::ok);
  REQUIRE(carried_installer(index) != nullptr);
  CHECK(carried_installer(index)->version == "9.0.0");
}

TEST_CASE("a min_installer_version that is not semver is a damaged index", "[installer_version]") {
  CHECK(code_of(index_needing("v1.0"), "0.1.0") == common::ExitCode::bundle_corrupt);
  CHECK(code_of(index_needing("1.0"), "0.1.0") == common::ExitCode::bundle_corrupt);
}
