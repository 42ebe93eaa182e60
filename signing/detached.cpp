#include <signing/detached.hpp>

#include <cctype>

namespace signing {
namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

std::string detached_signature_path(const std::string& bundle_path) {
  const std::string parts = ".parts.json";
  if (ends_with(bundle_path, parts)) {
    return bundle_path.substr(0, bundle_path.size() - parts.size()) + ".sig";
  }
  const std::size_t n = bundle_path.size();
  if (n > 4 && bundle_path[n - 4] == '.' && std::isdigit(static_cast<unsigned char>(bundle_path[n - 3])) &&
      std::isdigit(static_cast<unsigned char>(bundle_path[n - 2])) &&
      std::isdigit(static_cast<unsigned char>(bundle_path[n - 1]))) {
    return bundle_path.substr(0, n - 4) + ".sig";
  }
  return bundle_path + ".sig";
}

}  // namespace signing
