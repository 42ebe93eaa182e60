#pragma once
// How a trust root's threshold and a bundle's valid signers are put in words, the same in
// verify, inspect and the refusal: "2 of 3 signers required by trust root v2, 1 valid".
// The root's rule comes first, then what the bundle has, so a 2-of-3 root signed by all
// three never reads "3 of 2 required".

#include <cstddef>
#include <cstdint>
#include <string>

namespace signing {

inline std::string threshold_text(std::int64_t threshold, std::size_t keys, std::int64_t root_version,
                                  std::size_t valid) {
  return std::to_string(threshold) + " of " + std::to_string(keys) + " signers required by trust root v" +
         std::to_string(root_version) + ", " + std::to_string(valid) + " valid";
}

}  // namespace signing
