#include <installer/usbkey_config.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>

#include <algorithm>
#include <cctype>

namespace installer {

using common::Error;
using common::ExitCode;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool is_key(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// Host names, IPv4 and bracketed IPv6 addresses, with an optional :port; nothing that
// could change the meaning of the URL it is pasted into ('/', '@', '?', '#', spaces).
bool is_host_port(std::string_view s) {
  return !s.empty() && s.size() <= 255 && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
           c == '[' || c == ']';
  });
}

}  // namespace

UsbkeyConfig UsbkeyConfig::parse(std::string_view text, const std::string& what) {
  if (text.size() > k_usbkey_config_max_bytes) {
    throw Error(ExitCode::config, what + ": " + std::to_string(text.size()) +
                                      " bytes, more than a headnode config can be (1 MiB)");
  }
  UsbkeyConfig config;
  config.m_what = what;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const std::size_t eol = text.find('\n');
    const std::string_view raw = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    const auto where = what + " line " + std::to_string(line_no);
    if (raw.size() > k_usbkey_config_max_line) throw Error(ExitCode::config, where + ": line too long");
    if (raw.find('\0') != std::string_view::npos) throw Error(ExitCode::config, where + ": NUL byte");
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    const std::size_t eq = line.find('=');
    const std::string_view key = eq == std::string_view::npos ? line : trim(line.substr(0, eq));
    if (eq == std::string_view::npos || !is_key(key)) {
      throw Error(ExitCode::config, where + ": expected KEY=VALUE, got \"" +
                                        std::string(line.substr(0, 80)) + "\"");
    }
    std::string_view value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    config.m_values[std::string(key)] = std::string(value);
  }
  return config;
}

UsbkeyConfig UsbkeyConfig::load(const std::string& path) {
  std::string text;
  try {
    text = common::read_small_file(path, k_usbkey_config_max_bytes);
  } catch (const Error& e) {
    if (e.code() == ExitCode::not_found) {
      throw Error(ExitCode::config, path + " does not exist: run sdcadm-install in the "
                                           "headnode global zone, or give --root DIR for a "
                                           "simulated headnode, or --imgapi URL");
    }
    throw Error(ExitCode::config, std::string("reading the headnode config: ") + e.what());
  }
  return parse(text, path);
}

std::optional<std::string> UsbkeyConfig::get(const std::string& key) const {
  const auto found = m_values.find(key);
  if (found == m_values.end()) return std::nullopt;
  return found->second;
}

std::string UsbkeyConfig::imgapi_url() const {
  const auto domain = get("imgapi_domain");
  if (!domain || domain->empty()) {
    throw Error(ExitCode::config, m_what + " has no imgapi_domain, so the DC IMGAPI is "
                                           "unknown; pass --imgapi http://HOST[:PORT]");
  }
  if (!is_host_port(*domain)) {
    throw Error(ExitCode::config, m_what + ": imgapi_domain \"" + domain->substr(0, 80) +
                                      "\" is not a host name[:port]; fix it or pass "
                                      "--imgapi http://HOST[:PORT]");
  }
  return "http://" + *domain;
}

}  // namespace installer
