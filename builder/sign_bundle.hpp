#pragma once
// Signing a built bundle (`sdcadm-bundle sign`): adds (or replaces) each key's signature over
// the exact bundle.json bytes, keeps the others, and optionally carries newer trust roots.
// Only the index and the slot are read and the 64 KiB slot is rewritten in place, so
// signing costs the same on a 10 GiB bundle as on a small one. Detached, NAME.sdc.sig
// beside the bundle is written (or extended) instead; a split bundle is always signed that
// way, because the slot lives in part 001 and rewriting it would break that part's hash in
// the part list. An installer beside the bundle that is the one it carries (build --installer)
// gets each key's detached signature too.

#include <signing/signature_document.hpp>

#include <functional>
#include <string>
#include <vector>

namespace builder {

struct SignOptions {
  std::string bundle;                 // as the user named it: NAME.sdc, NAME.sdc.parts.json, NAME.sdc.001
  std::vector<std::string> keys;      // private keys that sign
  std::vector<std::string> roots;     // newer trust roots to carry
  bool detached = false;              // write NAME.sdc.sig instead of the slot
  // Told why a split bundle is signed detached although `detached` was not asked for.
  std::function<void(const std::string&)> notice;
};

struct SignResult {
  std::string path;       // the bundle file (or parts list) that was opened
  std::string bundle_id;
  bool detached = false;  // the signatures went to sig_path
  std::string sig_path;   // NAME.sdc.sig
  signing::SignatureDocument document;  // what was written
  // The signatures of the installer beside the bundle (DIR/sdcadm-install.KEYID12.sig),
  // one per key, when the bundle carries that installer (builder/installer_beside.hpp).
  std::vector<std::string> beside{};
};

// Throws common::Error: the reader's for a damaged bundle, the key and root loaders',
// Error(bundle_too_large) for signatures larger than the slot, Error(trust_mismatch) for a
// NAME.sdc.sig of another bundle; write failures.
SignResult sign_bundle(const SignOptions& options);

}  // namespace builder
