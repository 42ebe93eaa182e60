#include <imgapi/client_detail.hpp>

#include <common/error.hpp>
#include <manifest/image_manifest.hpp>

namespace imgapi::detail {

void require_uuid(const std::string& uuid) {
  if (!manifest::is_uuid(uuid)) {
    throw common::Error(common::ExitCode::usage,
                        "\"" + uuid + "\" is not an image UUID (lower-case hex, 8-4-4-4-12)");
  }
}

bool is_success(long status) { return status >= 200 && status < 300; }

const common::Json* member(const common::Json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

std::optional<std::string> string_member(const common::Json& j, const char* key) {
  const common::Json* value = member(j, key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return value->get_ref<const std::string&>();
}

}  // namespace imgapi::detail
