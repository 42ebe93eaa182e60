#include <signing/detached.hpp>

#include <signing/signature_document.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>

#include <cctype>
#include <sys/stat.h>

namespace signing {
namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

bool has_signatures(const std::string& slot) {
  try {
    return !SignatureDocument::parse(slot, "signature slot", 1u << 16).signatures().empty();
  } catch (const common::Error&) {
    return true;  // a damaged slot is checked (and refused) rather than silently skipped
  }
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

ChosenSignatures choose_signatures(const std::string& bundle_path, const std::string& slot,
                                   const std::string& sig_option) {
  if (!sig_option.empty()) {
    return {common::read_small_file(sig_option, k_max_detached_bytes + 1), sig_option, true};
  }
  if (has_signatures(slot)) return {slot, "signature slot", false};
  const std::string beside = detached_signature_path(bundle_path);
  if (bundle_path != "-" && file_exists(beside)) {
    return {common::read_small_file(beside, k_max_detached_bytes + 1), beside, true};
  }
  return {slot, "signature slot", false};
}

}  // namespace signing
