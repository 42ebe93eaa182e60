#pragma once
// Verifying a bundle (`sdcadm-bundle verify`): every member against the index. A file (or
// a split bundle's parts, each hashed against the parts list first, so a bad part is named)
// is checked frame by frame on every core through the seek table; "-" reads standard input
// in one streaming pass. With a trust root the signatures are checked first
// (signing::check_bundle_trust: signers, root rotation, expiry), then the payload, so a
// signed index vouches for every byte; without one, only the payload is checked.

#include <builder/installer_beside.hpp>
#include <bundles/verify.hpp>
#include <signing/policy.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace builder {

struct VerifyBundleOptions {
  std::string bundle;          // NAME.sdc, NAME.sdc.parts.json, NAME.sdc.001, or "-" (stdin)
  std::string trust;           // the trust root; "" = the signatures are not checked
  std::string sig;             // a detached signature file to check instead of the slot
  bool allow_expired = false;  // with trust: an expired bundle passes (with a warning)
  unsigned threads = 0;        // 0 = one per core
  // The payload pass: its label and size in bytes (0 when unknown: standard input), the
  // bytes done so far, and its end.
  std::function<void(const std::string& label, std::uint64_t total)> pass_started;
  std::function<void(std::uint64_t done)> pass_progress;
  std::function<void()> pass_finished;
};

struct BundleVerification {
  std::string bundle_id;
  std::size_t members = 0;
  std::uint64_t payload = 0;
  bundles::VerifyReport report;
  bool streamed = false;                         // read from standard input
  std::optional<signing::TrustVerdict> verdict;  // set when the signatures were checked
  // With the signatures checked: the installer beside the bundle and its signature files,
  // when both the bundle carries one and the file is there (builder/installer_beside.hpp).
  std::optional<BesideVerdict> beside;
};

// Throws the readers' Error(bundle_*) for a damaged bundle, the trust errors (30-38), and
// Error(usage) for "-" when standard input is a terminal.
BundleVerification verify_bundle(const VerifyBundleOptions& options);

}  // namespace builder
