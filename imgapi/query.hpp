#pragma once
// URL pieces for IMGAPI requests: percent-encoding, query strings, and splitting a base URL
// that carries "?channel=NAME" (sdc-clients accepts that form, so we do too).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace imgapi {

// RFC 3986: every byte except unreserved ALPHA / DIGIT / "-" / "." / "_" / "~" becomes %XX.
std::string percent_encode(std::string_view text);

// A query string built in insertion order; repeated keys are allowed (billing_tag).
class Query {
 public:
  Query& add(std::string_view key, std::string_view value);
  Query& add_if(std::string_view key, const std::optional<std::string>& value);  // skips nullopt
  // "?a=1&b=2", or "" when nothing was added.
  std::string str() const;
  bool empty() const { return m_items.empty(); }

 private:
  std::vector<std::pair<std::string, std::string>> m_items;
};

struct BaseUrl {
  std::string root;                    // scheme://host[:port][/prefix], no trailing '/'
  std::optional<std::string> channel;  // from "?channel=NAME", if given
};

// Splits "http://host:80/prefix/?channel=dev" into root and channel. Other query parameters
// are refused (they would be silently lost). Throws common::Error(usage) for a URL that
// is not http:// or https:// or has no host.
BaseUrl parse_base_url(std::string_view url);

}  // namespace imgapi
