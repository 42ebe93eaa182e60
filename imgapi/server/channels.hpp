#pragma once
// Channels of a private-mode server (reference/imgapi.md §3.2, §5): the list from a
// catalog's channels.json (the ListChannels body format), or Triton's standard set
// (experimental, dev (default), staging, release, support) when there is none.

#include <common/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace imgapi::server {

class Channels {
 public:
  // Triton's standard channels, dev being the default.
  static Channels standard();

  // Parses channels.json text: a non-empty array of {"name", "description"[, "default"]}
  // with names matching ^[a-z][a-z0-9_-]*$, no duplicate names and at most one default.
  // Throws common::Error(bad_data) naming `what` and the problem.
  static Channels parse(const std::string& text, const std::string& what);

  // The ListChannels body: the channel objects in configuration order.
  const common::Json& json() const { return m_json; }

  bool contains(const std::string& name) const;
  const std::optional<std::string>& default_name() const { return m_default; }
  const std::vector<std::string>& names() const { return m_names; }

  // The channel a read request works in: nullopt = every channel ("*"); throws RestError
  // 422 ValidationFailed for an unknown channel or when none is given and there is no
  // default. param = the "channel" query parameter (nullptr or "" = not given).
  std::optional<std::string> resolve(const std::string* param, bool allow_star) const;

  // "experimental dev(default) staging release support"
  std::string summary() const;

 private:
  common::Json m_json = common::Json::array();
  std::vector<std::string> m_names;
  std::optional<std::string> m_default;
};

}  // namespace imgapi::server
