#pragma once
// Where a bundle's detached signature file lives: NAME.sdc.sig beside NAME.sdc, whatever
// form the bundle argument takes (NAME.sdc, NAME.sdc.parts.json, NAME.sdc.001).

#include <string>

namespace signing {

// "dir/NAME.sdc.sig" for "dir/NAME.sdc", "dir/NAME.sdc.parts.json" and "dir/NAME.sdc.001"
// (any three-digit part number); other names get ".sig" appended.
std::string detached_signature_path(const std::string& bundle_path);

}  // namespace signing
