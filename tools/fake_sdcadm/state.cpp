#include <tools/fake_sdcadm/state.hpp>

#include <tools/fake_sdcadm/amon.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <manifest/version_order.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <sys/stat.h>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;
using common::Json;

namespace {

// Checks one object: each `keys` entry must be present as a string.
void require_strings(const Json& obj, const std::string& where,
                     std::initializer_list<const char*> keys) {
  if (!obj.is_object()) throw Error(ExitCode::bad_data, where + " is not an object");
  for (const char* key : keys) {
    const auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) {
      throw Error(ExitCode::bad_data, where + "." + key + " is missing or not a string");
    }
  }
}

const Json& require_array(const Json& top, const char* key) {
  const auto it = top.find(key);
  if (it == top.end() || !it->is_array()) {
    throw Error(ExitCode::bad_data, std::string(key) + " is missing or not an array");
  }
  return *it;
}

void check_sdcadm(const Json& top) {
  const auto it = top.find("sdcadm");
  if (it == top.end()) throw Error(ExitCode::bad_data, "sdcadm is missing");
  require_strings(*it, "sdcadm", {"version", "buildstamp", "image"});
  const std::string version = it->at("version").get<std::string>();
  if (!manifest::parse_semver(version)) {
    throw Error(ExitCode::bad_data, "sdcadm.version \"" + version + "\" is not semver");
  }
  if (!manifest::buildstamp_time(it->at("buildstamp").get<std::string>())) {
    throw Error(ExitCode::bad_data, "sdcadm.buildstamp has no YYYYMMDDTHHMMSSZ segment "
                                    "(expected <branch>-<stamp>-g<sha>)");
  }
}

void check_services(const Json& top) {
  const Json& services = require_array(top, "services");
  for (std::size_t i = 0; i < services.size(); ++i) {
    const std::string where = "services[" + std::to_string(i) + "]";
    require_strings(services[i], where, {"uuid", "name", "type"});
    const std::string type = services[i]["type"].get<std::string>();
    if (type != "vm" && type != "agent") {
      throw Error(ExitCode::bad_data, where + ".type must be \"vm\" or \"agent\", not \"" + type + "\"");
    }
  }
}

void check_instances(const State& state) {
  const Json& instances = require_array(state.json(), "instances");
  for (std::size_t i = 0; i < instances.size(); ++i) {
    const std::string where = "instances[" + std::to_string(i) + "]";
    require_strings(instances[i], where, {"type", "service", "image", "version", "server", "hostname"});
    const std::string type = instances[i]["type"].get<std::string>();
    // An agent's instance id is CNAPI's agent.uuid, which a server without
    // /opt/smartdc/agents/etc/<agent> does not report (sdcadm lib/sdcadm.js:676-684).
    if (type == "vm" || instances[i].contains("instance")) require_strings(instances[i], where, {"instance"});
    if (type == "vm") require_strings(instances[i], where, {"alias", "zonename", "state"});
    const Json* service = state.find_service(instances[i]["service"].get<std::string>());
    if (service == nullptr || service->at("type").get<std::string>() != type) {
      throw Error(ExitCode::bad_data, where + ": no " + type + " service named \"" +
                                          instances[i]["service"].get<std::string>() + "\"");
    }
  }
}

void require_bool(const Json& obj, const std::string& where, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_boolean()) {
    throw Error(ExitCode::bad_data, where + "." + key + " is missing or not a boolean");
  }
}

// The servers of the instances, set up and running, when the file has no "servers".
Json derived_servers(const Json& instances) {
  Json servers = Json::array();
  for (const Json& inst : instances) {
    const std::string uuid = string_field(inst, "server");
    const bool known = std::any_of(servers.begin(), servers.end(),
                                   [&](const Json& s) { return string_field(s, "uuid") == uuid; });
    if (known) continue;
    const std::string hostname = string_field(inst, "hostname");
    servers.push_back({{"uuid", uuid}, {"hostname", hostname}, {"headnode", hostname == "headnode"},
                       {"setup", true}, {"status", "running"}});
  }
  return servers;
}

// CNAPI's server fields that sdcadm reads (setup, status, headnode: lib/steps/servers.js,
// lib/cli/do_update_agents.js) and the fake's "ur" knob ("ok", or "timeout": the server
// does not answer Ur, as a hung or unreachable CN). Every instance lives on one of them.
void check_servers(Json& top) {
  if (!top.contains("servers")) top["servers"] = derived_servers(top.at("instances"));
  const Json& servers = require_array(top, "servers");
  for (std::size_t i = 0; i < servers.size(); ++i) {
    const std::string where = "servers[" + std::to_string(i) + "]";
    require_strings(servers[i], where, {"uuid", "hostname", "status"});
    for (const char* key : {"headnode", "setup"}) require_bool(servers[i], where, key);
    for (const char* key : {"current_platform", "boot_platform"}) {
      if (servers[i].contains(key) && !servers[i][key].is_string() && !servers[i][key].is_null()) {
        throw Error(ExitCode::bad_data, where + "." + key + " is not a string");
      }
    }
    const std::string ur = servers[i].contains("ur") ? string_field(servers[i], "ur") : "ok";
    if (ur != "ok" && ur != "timeout") throw Error(ExitCode::bad_data, where + ".ur must be \"ok\" or \"timeout\"");
  }
  for (std::size_t i = 0; i < top.at("instances").size(); ++i) {
    const Json& inst = top["instances"][i];
    const auto it = std::find_if(servers.begin(), servers.end(), [&](const Json& s) {
      return string_field(s, "uuid") == string_field(inst, "server");
    });
    if (it == servers.end() || string_field(*it, "hostname") != string_field(inst, "hostname")) {
      throw Error(ExitCode::bad_data, "instances[" + std::to_string(i) + "]: server " + string_field(inst, "server") +
                                          " (" + string_field(inst, "hostname") + ") is not in servers");
    }
  }
}

// Optional sections: fill the empty value, then check the type.
void default_section(Json& top, const char* key, const Json& empty, Json::value_t type) {
  if (!top.contains(key)) top[key] = empty;
  const Json& v = top[key];
  if (v.type() != type && !(v.is_null() && empty.is_null())) {
    throw Error(ExitCode::bad_data, std::string(key) + " has the wrong type");
  }
}

void check_optional(Json& top) {
  default_section(top, "platforms", Json{{"default", nullptr}, {"installed", Json::array()}},
                  Json::value_t::object);
  if (!top["platforms"].contains("installed") || !top["platforms"]["installed"].is_array()) {
    throw Error(ExitCode::bad_data, "platforms.installed is missing or not an array");
  }
  default_section(top, "gz_tools", Json{{"image", nullptr}, {"version", nullptr}}, Json::value_t::object);
  default_section(top, "agentsshar", Json{{"image", nullptr}, {"version", nullptr}}, Json::value_t::object);
  default_section(top, "unhealthy", Json::array(), Json::value_t::array);
  default_section(top, "fail", nullptr, Json::value_t::object);
  default_section(top, "log", Json::array(), Json::value_t::array);
  default_section(top, "sdc_app", Json{{"metadata", Json::object()}}, Json::value_t::object);
  const Json& app = top["sdc_app"];
  if (!app.contains("metadata") || !app["metadata"].is_object()) {
    throw Error(ExitCode::bad_data, "sdc_app.metadata is missing or not an object");
  }
  const auto channel = app["metadata"].find("update_channel");
  if (channel != app["metadata"].end() && !channel->is_string()) {
    throw Error(ExitCode::bad_data, "sdc_app.metadata.update_channel is not a string");
  }
}

}  // namespace

State State::parse(std::string_view text, const std::string& what) {
  State state(common::parse_json(text, what));
  try {
    if (!state.m_json.is_object()) throw Error(ExitCode::bad_data, "not a JSON object");
    check_sdcadm(state.m_json);
    check_services(state.m_json);
    check_instances(state);
    check_servers(state.m_json);
    check_optional(state.m_json);
    if (state.m_json.contains("amon")) check_amon_section(state.m_json["amon"]);  // amon.hpp
  } catch (const Error& e) {
    throw e.with_context(what);
  }
  return state;
}

std::string State::path(const Root& root) { return root.path("/var/fake-sdcadm/state.json"); }

State State::load(const Root& root) {
  const std::string p = path(root);
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) {
    throw Error(ExitCode::config, p + " does not exist: not a simulated headnode "
                                      "(make one with make_headnode, tests/lib/headnode.bash)");
  }
  return parse(common::read_small_file(p, 16 << 20), p);
}

void State::save(const Root& root) const {
  common::write_file_atomic(path(root), common::dump_json(m_json, 2) + "\n");
}

const Json* State::find_service(const std::string& name) const {
  for (const Json& s : services()) {
    if (s.at("name").get<std::string>() == name) return &s;
  }
  return nullptr;
}

const Json* State::find_server(const std::string& id) const {
  for (const Json& s : servers()) {
    if (string_field(s, "uuid") == id || string_field(s, "hostname") == id) return &s;
  }
  return nullptr;
}

std::string State::headnode_hostname() const {
  for (const Json& s : servers()) {
    if (s.at("headnode").get<bool>()) return string_field(s, "hostname");
  }
  return "headnode";
}

std::string State::update_channel() const {
  return string_field(m_json.at("sdc_app").at("metadata"), "update_channel");
}

void State::append_log(const std::vector<std::string>& argv) {
  m_json["log"].push_back(Json{{"argv", argv}, {"at", now_iso8601()}});
}

StateLock::StateLock(const Root& root)
    : m_lock(State::path(root) + ".lock", "the fake-sdcadm state lock",
             LockWait{std::chrono::milliseconds(-1)}, {}) {}

std::string now_iso8601() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm {};
  ::gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
  return out;
}

}  // namespace fake_sdcadm
