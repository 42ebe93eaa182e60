#pragma once
// Internal helpers shared by the imgapi client's source files (not part of the API).

#include <string>

namespace imgapi::detail {

// Throws Error(usage) unless `uuid` is a lower-case IMGAPI UUID: IMGAPI answers 404
// "<url> does not exist" for anything else, which would hide the real mistake.
void require_uuid(const std::string& uuid);

bool is_success(long status);

}  // namespace imgapi::detail
