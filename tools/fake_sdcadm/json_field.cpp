#include <tools/fake_sdcadm/json_field.hpp>

namespace fake_sdcadm {

namespace {

const common::Json* member(const common::Json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

}  // namespace

// Out of line on purpose: inlined into callers, nlohmann's accessors trip GCC's
// -Wnull-dereference (a false positive).
std::string string_field(const common::Json& j, const char* key) {
  const common::Json* v = member(j, key);
  return (v != nullptr && v->is_string()) ? v->get<std::string>() : std::string();
}

}  // namespace fake_sdcadm
