#pragma once
// The installer's own version against a bundle's needs (issue 5 item 3; bundle-format.md §3
// `min_installer_version`, role `installer`). A bundle may need a newer sdcadm-install than
// the running one; when it carries that installer (member installer/sdcadm-install), apply
// installs it first (self-update), so only a bundle that needs a newer installer AND does
// not carry one is refused.

#include <manifest/bundle_index.hpp>

#include <string_view>

namespace installer {

// The running sdcadm-install's version: SDCB_VERSION, or SDCB_INSTALLER_VERSION when the
// target sets it (the test build sdcadm-install-next). Defined in version.cpp, which is
// compiled into each installer executable, not into the library.
const char* running_version();

// The bundle's `installer` artifact, or nullptr when it carries none.
const manifest::BundleArtifact* carried_installer(const manifest::BundleIndex& index);

// Refuses `index` when its min_installer_version is newer (semver) than `running` and it
// carries no installer: Error(installer_too_old) naming both versions and saying to get
// the newer installer or a bundle that carries it. An index whose min_installer_version is
// not semver is Error(bundle_corrupt) (it cannot be compared, so it cannot be trusted).
// With SelfUpdate::refused (apply --no-self-update) a carried installer does not count.
enum class SelfUpdate { allowed, refused };
void check_installer_version(const manifest::BundleIndex& index, std::string_view running,
                             SelfUpdate self_update = SelfUpdate::allowed);

}  // namespace installer
