#include <installer/install_trust.hpp>

#include <installer/installer_version.hpp>

#include <bundles/part_source.hpp>

namespace installer {

VerifiedBundle check_bundle_to_install(const Paths& paths, const std::string& bundle,
                                       const TrustOverrides& overrides, const TrustReport& report) {
  VerifiedBundle t = check_bundle(paths, bundle, overrides);
  if (report) report(t.index(), t.verdict());
  // The index is trusted now, so its min_installer_version can be believed.
  check_installer_version(t.index(), running_version());
  return t;
}

VerifiedStream check_stream_to_install(const Paths& paths, const TrustOverrides& overrides,
                                       const TrustReport& report) {
  VerifiedStream t = check_stream(paths, bundles::open_bundle_source("-"), "-", overrides);
  if (report) report(t.index(), t.verdict());
  check_installer_version(t.index(), running_version());
  return t;
}

}  // namespace installer
