#include <imgapi/server/channels.hpp>

#include <imgapi/server/rest_error.hpp>

#include <common/error.hpp>

#include <algorithm>
#include <regex>

namespace imgapi::server {
namespace {

common::Error bad(const std::string& what, const std::string& why) {
  return common::Error(common::ExitCode::bad_data,
                       what + ": " + why +
                           " (expected a JSON array of {\"name\", \"description\"[, "
                           "\"default\": true]} like Triton's standard-channels.json)");
}

bool valid_name(const std::string& name) {
  static const std::regex k_name("^[a-z][a-z0-9_-]*$");
  return name.size() <= 64 && std::regex_match(name, k_name);
}

}  // namespace

Channels Channels::standard() {
  return parse(R"json([
    {"name": "experimental", "description": "feature-branch builds (warning: 'latest' isn't meaningful)"},
    {"name": "dev", "description": "main development branch builds", "default": true},
    {"name": "staging", "description": "staging for release branch builds before a full release"},
    {"name": "release", "description": "release bits"},
    {"name": "support", "description": "MNX-supported release bits"}
  ])json",
               "standard channels");
}

Channels Channels::parse(const std::string& text, const std::string& what) {
  common::Json j = common::parse_json(text, what, 8, 1u << 20);
  if (!j.is_array() || j.empty()) throw bad(what, "not a non-empty array");
  Channels c;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const common::Json& ch = j[i];
    std::string where = "channel #" + std::to_string(i + 1);
    if (!ch.is_object()) throw bad(what, where + " is not an object");
    for (auto it = ch.begin(); it != ch.end(); ++it) {
      if (it.key() != "name" && it.key() != "description" && it.key() != "default") {
        throw bad(what, where + " has an unknown key \"" + it.key() + "\"");
      }
    }
    if (!ch.contains("name") || !ch["name"].is_string() ||
        !valid_name(ch["name"].get<std::string>())) {
      throw bad(what, where + ": \"name\" must be a string matching ^[a-z][a-z0-9_-]*$");
    }
    std::string name = ch["name"].get<std::string>();
    if (!ch.contains("description") || !ch["description"].is_string()) {
      throw bad(what, "channel \"" + name + "\": \"description\" must be a string");
    }
    if (c.contains(name)) throw bad(what, "channel \"" + name + "\" is listed twice");
    if (ch.contains("default")) {
      if (!ch["default"].is_boolean()) {
        throw bad(what, "channel \"" + name + "\": \"default\" must be true or false");
      }
      if (ch["default"].get<bool>()) {
        if (c.m_default) {
          throw bad(what, "two default channels: \"" + *c.m_default + "\" and \"" + name + "\"");
        }
        c.m_default = name;
      }
    }
    c.m_names.push_back(name);
    c.m_json.push_back(ch);
  }
  return c;
}

bool Channels::contains(const std::string& name) const {
  return std::find(m_names.begin(), m_names.end(), name) != m_names.end();
}

std::optional<std::string> Channels::resolve(const std::string* param, bool allow_star) const {
  if (param == nullptr || param->empty()) {
    if (m_default) return m_default;
    throw validation_failed("channel not specified and the server has no default channel",
                            field_errors("channel", "MissingParameter"));
  }
  if (*param == "*" && allow_star) return std::nullopt;
  if (!contains(*param)) {
    throw validation_failed("unknown channel: " + *param, field_errors("channel", "Invalid"));
  }
  return *param;
}

std::string Channels::summary() const {
  std::string out;
  for (const std::string& name : m_names) {
    if (!out.empty()) out += ' ';
    out += name;
    if (m_default && *m_default == name) out += "(default)";
  }
  return out;
}

}  // namespace imgapi::server
