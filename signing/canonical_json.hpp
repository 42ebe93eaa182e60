#pragma once
// Canonical JSON for the signed part of a trust root: compact, object keys sorted by byte
// order, integers only, strings as nlohmann's dump() writes them (UTF-8 kept, control
// characters escaped). For ASCII content `jq -cjS .signed root.json` prints the same bytes,
// so a signature can be checked with stock tools.

#include <common/json.hpp>

#include <string>

namespace signing {

// The canonical bytes of `value`. Throws Error(bad_data) naming the path of a fractional
// number (floats have no single spelling, so they are refused in signed data).
std::string canonical_json(const common::Json& value);

}  // namespace signing
