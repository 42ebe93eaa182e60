#pragma once
// Internal helpers shared by the imgapi client's source files (not part of the API).

#include <common/json.hpp>

#include <optional>
#include <string>

namespace imgapi::detail {

// Throws Error(usage) unless `uuid` is a lower-case IMGAPI UUID: IMGAPI answers 404
// "<url> does not exist" for anything else, which would hide the real mistake.
void require_uuid(const std::string& uuid);

bool is_success(long status);

// The member `key` of `j`, or nullptr when absent or `j` is not an object.
const common::Json* member(const common::Json& j, const char* key);
// The member `key` when it is a string, else nullopt.
std::optional<std::string> string_member(const common::Json& j, const char* key);

}  // namespace imgapi::detail
