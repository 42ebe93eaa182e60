#pragma once
// The trust check every command that installs from a bundle starts with: the bundle (or
// standard input) against the DC's trust (verified_bundle.hpp), then the installer version
// the now trusted index asks for (installer_version.hpp).

#include <installer/verified_bundle.hpp>

#include <functional>
#include <string>

namespace installer {

// Told who signed the bundle, with any override or warning, as soon as that is known: before
// an Error(installer_too_old), so that the operator sees what was checked.
using TrustReport = std::function<void(const manifest::BundleIndex&, const signing::TrustVerdict&)>;

// check_bundle, then `report`, then check_installer_version (Error(installer_too_old)).
VerifiedBundle check_bundle_to_install(const Paths& paths, const std::string& bundle,
                                       const TrustOverrides& overrides, const TrustReport& report);
// The same for standard input: reads the index and slot from the stream and checks them
// before anything else is read (check_stream).
VerifiedStream check_stream_to_install(const Paths& paths, const TrustOverrides& overrides,
                                       const TrustReport& report);

}  // namespace installer
