#include <signing/canonical_json.hpp>

#include <common/error.hpp>

#include <nlohmann/json.hpp>

namespace signing {
namespace {

// A copy in nlohmann::json, whose objects are std::map: keys come out sorted by byte
// order, which is the canonical order.
nlohmann::json sorted_copy(const common::Json& v, const std::string& path) {
  if (v.is_number_float()) {
    throw common::Error(common::ExitCode::bad_data,
                        "signed data: " + (path.empty() ? std::string("value") : path) +
                            " is a fractional number; signed data holds integers only");
  }
  if (v.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = v.begin(); it != v.end(); ++it) {
      out[it.key()] = sorted_copy(it.value(), path.empty() ? it.key() : path + "." + it.key());
    }
    return out;
  }
  if (v.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (std::size_t i = 0; i < v.size(); ++i) {
      out.push_back(sorted_copy(v[i], path + "[" + std::to_string(i) + "]"));
    }
    return out;
  }
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer()) return v.get<std::int64_t>();
  return nullptr;
}

}  // namespace

std::string canonical_json(const common::Json& value) {
  try {
    return sorted_copy(value, "").dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
  } catch (const nlohmann::json::exception& e) {
    throw common::Error(common::ExitCode::bad_data, std::string("signed data: ") + e.what());
  }
}

}  // namespace signing
