#pragma once
// fake-sdcadm's state file, <root>/var/fake-sdcadm/state.json: the simulated DC's truth
// (sdcadm version, the sdc application's metadata, SAPI services, CNAPI servers,
// instances, platforms, gz-tools, agentsshar, unhealthy instances, the fault knob and a log
// of mutating runs). Format in
// docs/simulated-headnode.md. The file is hostile input like any other: load() checks
// every field the commands use and refuses a bad file with Error(bad_data) naming the field.
// Writes are atomic (common::AtomicFile); read-modify-write cycles hold StateLock.

#include <tools/fake_sdcadm/json_field.hpp>
#include <tools/fake_sdcadm/lock.hpp>
#include <tools/fake_sdcadm/root.hpp>

#include <common/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace fake_sdcadm {

class State {
 public:
  // Parses and checks a state text; fills absent optional keys (platforms, gz_tools,
  // agentsshar, unhealthy, fail, log) with their empty values.
  static State parse(std::string_view text, const std::string& what);
  // <root>/var/fake-sdcadm/state.json; Error(config) when it does not exist.
  static State load(const Root& root);
  static std::string path(const Root& root);

  // Writes the state atomically (2-space JSON).
  void save(const Root& root) const;

  common::Json& json() { return m_json; }
  const common::Json& json() const { return m_json; }
  common::Json& instances() { return m_json["instances"]; }
  const common::Json& instances() const { return m_json.at("instances"); }
  const common::Json& services() const { return m_json.at("services"); }

  // The SAPI service named `name`, or nullptr.
  const common::Json* find_service(const std::string& name) const;

  // The DC's servers as CNAPI lists them: {uuid, hostname, headnode, setup, status,
  // current_platform, boot_platform, ur} (docs/simulated-headnode.md). With no "servers" section in the
  // file they are the servers of the instances, all set up and running, the one with
  // hostname "headnode" the headnode.
  const common::Json& servers() const { return m_json.at("servers"); }
  common::Json& servers() { return m_json["servers"]; }
  // The server with this uuid or hostname, or nullptr.
  const common::Json* find_server(const std::string& uuid_or_hostname) const;
  // The headnode's hostname ("headnode" when no server says headnode: true).
  std::string headnode_hostname() const;
  // The sdc application's metadata.update_channel (sdcadm's default channel), "" if unset.
  std::string update_channel() const;
  // Appends {"argv": argv, "at": <now, ISO-8601 UTC>} to "log".
  void append_log(const std::vector<std::string>& argv);

 private:
  explicit State(common::Json j) : m_json(std::move(j)) {}
  common::Json m_json;
};

// Holds the state file's own lock (<state>.lock, fcntl, waits without limit) so that two
// fake-sdcadm runs never interleave a read-modify-write. Not the sdcadm lock.
class StateLock {
 public:
  explicit StateLock(const Root& root);

 private:
  FileLock m_lock;
};

// "2025-01-01T00:00:00.000Z" for now.
std::string now_iso8601();

}  // namespace fake_sdcadm
