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
  const int rc = run_and_wait({{"bash", copy},
                               {"AGENTS_BOOTSTRAP_ROOT=" + sroot, "AGENTS_BOOTSTRAP_IMGAPI_URL=" + imgapi_url},
                               sroot + log});
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
