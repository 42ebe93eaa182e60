// Why here and not in the index parser: the parser reads any bundle (inspect, verify on the
// builder's side); only the installer knows which version it is and whether it can update
// itself from the bundle.

#include <installer/installer_version.hpp>

#include <common/error.hpp>
#include <manifest/version_order.hpp>

#include <string>

namespace installer {

using common::Error;
using common::ExitCode;

const manifest::BundleArtifact* carried_installer(const manifest::BundleIndex& index) {
  for (const auto& a : index.artifacts) {
    if (a.role == "installer" && !a.file_member.empty()) return &a;
  }
  return nullptr;
}

void check_installer_version(const manifest::BundleIndex& index, std::string_view running, SelfUpdate self_update) {
  const std::string& needed = index.min_installer_version;
  if (needed.empty()) return;
  if (!manifest::parse_semver(needed)) {
    throw Error(ExitCode::bundle_corrupt, "bundle index: min_installer_version \"" + needed +
                                              "\" is not a semantic version (X.Y.Z); the bundle is damaged or "
                                              "was not made by sdcadm-bundle");
  }
  if (manifest::compare_semver(needed, running) <= 0) return;
  if (carried_installer(index) != nullptr) {
    if (self_update == SelfUpdate::allowed) return;  // apply installs it first
    throw Error(ExitCode::installer_too_old,
                "bundle " + index.bundle_id + " needs sdcadm-install " + needed + " or newer; this is " +
                    std::string(running) + ", and the bundle's own installer may not be installed (--no-self-update). "
                    "Run without --no-self-update, or get sdcadm-install " + needed + " first");
  }
  throw Error(ExitCode::installer_too_old,
              "bundle " + index.bundle_id + " needs sdcadm-install " + needed + " or newer; this is " +
                  std::string(running) + " and the bundle does not carry an installer. Get sdcadm-install " +
                  needed + " (or a bundle built with `sdcadm-bundle build --installer`) and run it again");
}

}  // namespace installer
