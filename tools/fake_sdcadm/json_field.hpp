#pragma once
// Reading one string member of a JSON object that may not have it.

#include <common/json.hpp>

#include <string>

namespace fake_sdcadm {

// j[key] when j is an object and the member is a string, else "".
std::string string_field(const common::Json& j, const char* key);

}  // namespace fake_sdcadm
