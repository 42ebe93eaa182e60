#pragma once
// /usbkey/config: Triton's headnode configuration, "key=value" lines as the installer's
// prompt-config writes them and /lib/sdc/config.sh reads them (headnode.md §1.2).
// The file is hostile input like any other: its size, line lengths and key count are
// bounded, and a line that is not a comment, blank or key=value is refused with its
// number, since a config.sh-style loader would misread it too.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace installer {

inline constexpr std::size_t k_usbkey_config_max_bytes = 1u << 20;
inline constexpr std::size_t k_usbkey_config_max_line = 64u << 10;

class UsbkeyConfig {
 public:
  // Parses the text of a config file; `what` names it in messages. Rules: blank lines and
  // lines whose first non-blank character is '#' are skipped; every other line is
  // KEY=VALUE with KEY of [A-Za-z0-9_]+ (surrounding blanks dropped); a VALUE wrapped in
  // matching single or double quotes loses them; a key given twice keeps the last value
  // (as the shell does). Throws common::Error(config) naming `what` and the line for a
  // line of another shape, a too long line or file.
  static UsbkeyConfig parse(std::string_view text, const std::string& what);
  // Reads and parses the file: missing => Error(config) saying which file and that this
  // must run in the headnode global zone (or with --root).
  static UsbkeyConfig load(const std::string& path);

  std::optional<std::string> get(const std::string& key) const;
  const std::map<std::string, std::string>& values() const { return m_values; }

  // "http://<imgapi_domain>": the DC IMGAPI as sdcadm reaches it. Missing or malformed
  // imgapi_domain (anything but a host name, IPv4, [IPv6] and an optional :port) =>
  // Error(config) naming the file and suggesting --imgapi URL.
  std::string imgapi_url() const;

 private:
  std::string m_what;
  std::map<std::string, std::string> m_values;
};

}  // namespace installer
