#pragma once
// Where a bundle's detached signature file lives (NAME.sdc.sig beside NAME.sdc, whatever
// form the bundle argument takes: NAME.sdc, NAME.sdc.parts.json, NAME.sdc.001), and which
// signature document a bundle is checked with. One rule for sdcadm-bundle and the installer.

#include <string>

namespace signing {

// "dir/NAME.sdc.sig" for "dir/NAME.sdc", "dir/NAME.sdc.parts.json" and "dir/NAME.sdc.001"
// (any three-digit part number); other names get ".sig" appended.
std::string detached_signature_path(const std::string& bundle_path);

// The signature document a bundle is checked with: `sig_option` (--sig FILE) when given;
// else the slot when it holds signatures (a damaged slot counts as holding some, so it is
// refused rather than skipped); else NAME.sdc.sig beside the bundle when it exists; else the
// (unsigned) slot. The slot and a detached file are never combined.
struct ChosenSignatures {
  std::string text;
  std::string source;  // "signature slot" or the detached file's path
  bool detached = false;
};
ChosenSignatures choose_signatures(const std::string& bundle_path, const std::string& slot,
                                   const std::string& sig_option = "");

}  // namespace signing
