#pragma once
// The simulated headnode's root prefix: every absolute headnode path (/usbkey/config,
// /var/run/sdcadm.lock, ...) is resolved under the directory named by FAKE_SDCADM_ROOT.
// See docs/simulated-headnode.md for the tree.

#include <map>
#include <string>
#include <string_view>

namespace fake_sdcadm {

class Root {
 public:
  explicit Root(std::string dir);

  // The root from FAKE_SDCADM_ROOT. Throws Error(usage) when it is unset or empty and
  // Error(config) when it is not a directory.
  static Root from_env();

  const std::string& dir() const { return m_dir; }
  // "/var/run/sdcadm.lock" -> "<root>/var/run/sdcadm.lock".
  std::string path(std::string_view absolute) const;
  // A FILE argument as sdcadm would open it: absolute paths are headnode paths (under the
  // root), relative ones are relative to the working directory.
  std::string file_arg(const std::string& arg) const;

 private:
  std::string m_dir;
};

// Triton's /usbkey/config format: "key=value" lines, '#' comments and blank lines ignored,
// whitespace around keys kept out. Throws Error(bad_data) for a line without '='.
std::map<std::string, std::string> parse_usbkey_config(std::string_view text,
                                                       const std::string& what);

// http://<imgapi_domain> from <root>/usbkey/config (a real headnode has
// imgapi.<dc>.<dns_domain>; the simulated one 127.0.0.1:PORT). Throws Error(config) when
// the file or the key is missing.
std::string dc_imgapi_url(const Root& root);

}  // namespace fake_sdcadm
