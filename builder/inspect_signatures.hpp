#pragma once
// The signature part of `sdcadm-bundle inspect`: the signer key ids in the slot and in a
// detached NAME.sdc.sig beside the bundle, and, only when a trust root is given, whether
// each signature verifies and the policy's verdict. Never throws for a bad signature:
// inspect reports; `verify --trust` is the gate.

#include <bundles/seekable_reader.hpp>
#include <common/json.hpp>

#include <string>

namespace builder {

// JSON: {"documents": [{"source", "signatures": [{"keyid", "status"?, "name"?}],
//                       "roots": [versions], "error"?}],
//        "trust": {"ok", ...verdict or "exit_code", "error"}}   (trust only with a root)
common::Json inspect_signatures(const bundles::SeekableReader& reader, const std::string& bundle_path,
                                const std::string& trust_root);

// The same as text lines for inspect's human output ("signatures: ..." and below).
std::string signatures_text(const common::Json& report);

}  // namespace builder
