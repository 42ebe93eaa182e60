#include <tools/fake_sdcadm/agents_install.hpp>

#include <tools/fake_sdcadm/spawn.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <manifest/image_manifest.hpp>

#include <algorithm>
#include <filesystem>

namespace fake_sdcadm {

namespace fs = std::filesystem;

namespace {

const char* k_agents_lib = "/opt/smartdc/agents/lib";
const char* k_agents_etc = "/opt/smartdc/agents/etc";
const char* k_config_sh = "/lib/sdc/config.sh";
const char* k_node_config = "/opt/smartdc/config/node.config";

std::string read_or_empty(const fs::path& path) {
  try {
    return common::read_small_file(path.string(), 1 << 20);
  } catch (const common::Error&) {
    return "";
  }
}

// What `find /opt/smartdc/agents/lib/node_modules/*/ -name image_uuid -maxdepth 1 -print
// -exec cat {} \;` prints on the server: per agent directory (glob order), the file's
// headnode path, then its content. The ur script keeps this as agentsshar.post.
std::string agents_post(const std::string& root) {
  const fs::path modules = fs::path(root + k_agents_lib) / "node_modules";
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(modules, ec)) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  std::string out;
  for (const std::string& name : names) {
    const fs::path marker = modules / name / "image_uuid";
    if (!fs::is_regular_file(marker)) continue;
    out += std::string(k_agents_lib) + "/node_modules/" + name + "/image_uuid\n" + read_or_empty(marker);
  }
  return out;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

// 'TEXT' for bash (a ' inside as '\'').
std::string single_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The simulated platform's /lib/sdc/config.sh: only load_sdc_config, reading what the real
// one reads (smartos-live src/lib/sdc/config.sh:97-126,172-200): the headnode's
// /usbkey/config, else the node's /opt/smartdc/config/node.config; each key=value line
// (value quotes removed, as its eval does) becomes ${prefix:-CONFIG_}key. The paths are the
// server's root, baked in.
std::string config_sh(const std::string& sroot) {
  return "#!/bin/bash\n"
         "# Simulated /lib/sdc/config.sh of a fake-sdcadm server (docs/simulated-headnode.md,\n"
         "# update-agents): load_sdc_config as smartos-live src/lib/sdc/config.sh reads it.\n"
         "load_sdc_config() {\n"
         "    local prefix=${1:-CONFIG_} file line value\n"
         "    file=" + single_quoted(sroot + "/usbkey/config") + "\n"
         "    [[ -f $file ]] || file=" + single_quoted(sroot + k_node_config) + "\n"
         "    [[ -f $file ]] || return 0\n"
         "    while IFS= read -r line || [[ -n $line ]]; do\n"
         "        line=${line#\"${line%%[![:space:]]*}\"}\n"
         "        [[ $line =~ ^[a-zA-Z][a-zA-Z0-9_]*= ]] || continue\n"
         "        value=${line#*=}\n"
         "        if [[ $value == \\'*\\' && ${#value} -ge 2 ]]; then value=${value:1:${#value}-2}; fi\n"
         "        printf -v \"$prefix${line%%=*}\" '%s' \"$value\"\n"
         "    done <\"$file\"\n"
         "}\n";
}

// What the simulated platform gives a server before the installer runs: its
// /lib/sdc/config.sh (always this one) and, on a compute node, the node.config of its
// setup (headnode.sh:359-398 writes it from the headnode's config, with imgapi_domain),
// only when it has none: a node keeps its own, so a test can give one another IMGAPI.
void provide_config(const Root& root, const std::string& sroot, const std::string& imgapi_url) {
  const std::string config = sroot + k_config_sh, wanted = config_sh(sroot);
  if (read_or_empty(config) != wanted) {
    fs::create_directories(fs::path(config).parent_path());
    common::write_file_atomic(config, wanted);
  }
  const std::string node_config = sroot + k_node_config;
  if (sroot == root.dir() || fs::exists(node_config)) return;
  const std::string scheme = "http://";
  if (imgapi_url.compare(0, scheme.size(), scheme) != 0) {
    throw common::Error(common::ExitCode::config, "the DC IMGAPI " + imgapi_url + " is not http://<imgapi_domain>");
  }
  fs::create_directories(fs::path(node_config).parent_path());
  common::write_file_atomic(node_config, "imgapi_domain=" + single_quoted(imgapi_url.substr(scheme.size())) + "\n");
}

ServerOutcome failed(const AgentServer& server, const std::string& message) {
  return {server, ServerResult::failed, message};
}

// One server: the download and install ur scripts.
ServerOutcome install_on(const Root& root, const std::string& installer, const std::string& sha1,
                         const std::string& imgapi_url, const AgentServer& server) {
  const std::string sroot = server_root(root, server);
  const std::string name = fs::path(installer).filename().string();
  if (!fs::is_directory(sroot + k_agents_lib)) {
    return failed(server, "Downloading agentsshar failed on server " + server.uuid + " (" + server.hostname +
                              "): exit status 50 (no " + k_agents_lib + " on the server)");
  }
  fs::create_directories(sroot + "/var/tmp");
  const std::string copy = sroot + "/var/tmp/" + name;
  fs::copy_file(installer, copy, fs::copy_options::overwrite_existing);
  const fs::path etc = sroot + k_agents_etc;
  if (trimmed(read_or_empty(etc / "agentsshar.sha1")) == sha1 && fs::is_regular_file(etc / "agentsshar.post") &&
      read_or_empty(etc / "agentsshar.post") == agents_post(sroot)) {
    return {server, ServerResult::already_updated, ""};
  }
  const std::string log = "/var/tmp/" + name + "_install.log";
  // No IMGAPI URL: the installer finds the DC's IMGAPI as on a real node, through the
  // server's /lib/sdc/config.sh (docs/agents.md).
  provide_config(root, sroot, imgapi_url);
  const int rc = run_and_wait({{"bash", copy}, {"AGENTS_BOOTSTRAP_ROOT=" + sroot}, sroot + log});
  if (rc != 0) {
    return failed(server, "Installing agentsshar failed on server " + server.uuid + " (" + server.hostname +
                              "): exit status 60: the installer exited " + std::to_string(rc) +
                              " (its output is in " + log + " on the server)");
  }
  fs::create_directories(etc);
  common::write_file_atomic((etc / "agentsshar.post").string(), agents_post(sroot));
  common::write_file_atomic((etc / "agentsshar.sha1").string(), sha1 + "\n");
  return {server, ServerResult::updated, ""};
}

}  // namespace

std::string server_root(const Root& root, const AgentServer& server) {
  if (server.hostname == "headnode") return root.dir();
  return root.path("/var/fake-sdcadm/servers/" + server.uuid);
}

std::vector<ServerOutcome> install_on_servers(const Root& root, const std::string& installer,
                                              const std::string& sha1, const std::string& imgapi_url,
                                              const std::vector<AgentServer>& servers) {
  std::vector<ServerOutcome> out;
  for (const AgentServer& server : servers) {
    try {
      out.push_back(install_on(root, installer, sha1, imgapi_url, server));
    } catch (const std::exception& e) {  // a broken server root fails that server, as ur would
      out.push_back(failed(server, "updating agents on server " + server.uuid + " (" + server.hostname +
                                       ") failed: " + e.what()));
    }
  }
  return out;
}

std::string installed_agent_image(const std::string& server_root, const std::string& agent) {
  const std::string uuid =
      trimmed(read_or_empty(fs::path(server_root + k_agents_lib) / "node_modules" / agent / "image_uuid"));
  return manifest::is_uuid(uuid) ? uuid : "";
}

}  // namespace fake_sdcadm
