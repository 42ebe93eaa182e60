#pragma once
// Test fixtures for the builder's resolve tests: a catalog directory written by hand (small
// API-form manifests and tiny files, as `sdcadm-bundle serve DIR` expects them) and the real
// server over it, started as a child process ($SDCB_BIN/sdcadm-bundle serve DIR --listen
// 127.0.0.1:0 --port-file F) and killed at the end of the test.

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/hash.hpp>
#include <common/json.hpp>
#include <tests/unit/support/scratch_dir.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace builder_test {

using TempDir = sdcb_test::ScratchDir;  // tests/unit/support/scratch_dir.hpp

inline std::string bin_dir() {
  const char* bin = std::getenv("SDCB_BIN");
  REQUIRE(bin != nullptr);
  return bin;
}

// One image of a hand-written catalog. Unset uuid = a fresh one from a counter.
struct ImageSpec {
  ImageSpec(std::string name_, std::string version_, std::string published_at_,
            std::vector<std::string> channels_ = {"dev"}, std::string origin_ = "",
            std::string buildstamp_ = "", std::string content_ = "", std::string uuid_ = "")
      : name(std::move(name_)), version(std::move(version_)),
        published_at(std::move(published_at_)), channels(std::move(channels_)),
        origin(std::move(origin_)), buildstamp(std::move(buildstamp_)),
        content(std::move(content_)), uuid(std::move(uuid_)) {}

  std::string name;
  std::string version;
  std::string published_at;  // "2025-01-01T00:00:00.000Z"
  std::vector<std::string> channels;
  std::string origin;        // "" = none
  std::string buildstamp;    // tags.buildstamp; "" = none
  std::string content;       // file bytes; "" = name + "@" + version
  std::string uuid;
  std::string type = "zone-dataset";
  std::string description;
};

// A catalog directory under construction, then served by the real server.
class CatalogServer {
 public:
  CatalogServer() : m_dir(m_tmp.path() + "/catalog") {
    std::filesystem::create_directories(m_dir);
  }
  ~CatalogServer() { stop(); }
  CatalogServer(const CatalogServer&) = delete;
  CatalogServer& operator=(const CatalogServer&) = delete;

  // Writes <uuid>.imgmanifest and <uuid>.imgfile; returns the uuid.
  std::string add(ImageSpec spec) {
    if (spec.uuid.empty()) spec.uuid = next_uuid();
    if (spec.content.empty()) spec.content = spec.name + "@" + spec.version;
    common::Json m = common::Json::object();
    m["v"] = 2;
    m["uuid"] = spec.uuid;
    m["owner"] = "00000000-0000-0000-0000-000000000000";
    m["name"] = spec.name;
    m["version"] = spec.version;
    m["state"] = "active";
    m["disabled"] = false;
    m["public"] = false;
    m["published_at"] = spec.published_at;
    m["type"] = spec.type;
    m["os"] = spec.type == "other" ? "other" : "smartos";
    m["files"] = common::Json::array(
        {{{"sha1", common::hex_digest(common::HashAlgorithm::sha1, spec.content)},
          {"size", spec.content.size()},
          {"compression", "none"}}});
    m["description"] = spec.description.empty() ? spec.name + " " + spec.version
                                                : spec.description;
    if (!spec.origin.empty()) m["origin"] = spec.origin;
    common::Json tags = {{"smartdc_service", true}};
    if (!spec.buildstamp.empty()) tags["buildstamp"] = spec.buildstamp;
    m["tags"] = tags;
    m["channels"] = spec.channels;
    common::write_file_atomic(m_dir + "/" + spec.uuid + ".imgmanifest", m.dump(2) + "\n");
    common::write_file_atomic(m_dir + "/" + spec.uuid + ".imgfile", spec.content);
    return spec.uuid;
  }

  // channels.json (the ListChannels body); absent = Triton's standard channels.
  void set_channels(const common::Json& channels) {
    common::write_file_atomic(m_dir + "/channels.json", channels.dump(2) + "\n");
  }

  // Starts the server (once) and returns its URL.
  std::string url() {
    if (m_pid <= 0) start();
    return "http://127.0.0.1:" + std::to_string(m_port);
  }

  const std::string& dir() const { return m_dir; }
  // Serve another, ready-made catalog directory instead (before the first url()).
  void use_dir(const std::string& dir) { m_dir = dir; }
  // A scratch directory that lives as long as this fixture.
  const std::string& scratch() const { return m_tmp.path(); }

  void stop() {
    if (m_pid <= 0) return;
    ::kill(m_pid, SIGTERM);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    m_pid = -1;
  }

 private:
  std::string next_uuid() {
    char buf[40];
    ++m_counter;
    std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012x", m_counter, m_counter);
    return buf;
  }

  void start() {
    const std::string exe = bin_dir() + "/sdcadm-bundle";
    const std::string port_file = m_tmp.path() + "/port";
    const std::string log = m_tmp.path() + "/server.log";
    m_pid = ::fork();
    REQUIRE(m_pid >= 0);
    if (m_pid == 0) {
      std::FILE* out = std::freopen(log.c_str(), "w", stderr);
      (void)out;
      ::execl(exe.c_str(), exe.c_str(), "serve", m_dir.c_str(), "--listen", "127.0.0.1:0",
              "--port-file", port_file.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 400; ++i) {
      std::ifstream in(port_file);
      int port = 0;
      if (in >> port && port > 0) {
        m_port = port;
        return;
      }
      int status = 0;
      if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
        m_pid = -1;
        std::ifstream l(log);
        std::stringstream text;
        text << l.rdbuf();
        FAIL("sdcadm-bundle serve exited: " << text.str());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    FAIL("sdcadm-bundle serve did not write its port file in 10 s");
  }

  TempDir m_tmp;
  std::string m_dir;
  unsigned m_counter = 0;
  pid_t m_pid = -1;
  int m_port = 0;
};

// "2025-01-DDT12:00:00.000Z"
inline std::string day(int d, int hour = 12) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "2025-01-%02dT%02d:00:00.000Z", d, hour);
  return buf;
}

// A Triton build version "<branch>-202501DDT120000Z-g<sha>".
inline std::string build(const std::string& branch, int d, const std::string& sha) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "-202501%02dT120000Z-g", d);
  return branch + buf + sha;
}

// Runs `fn`, requires it to throw common::Error with `code`, returns the message.
template <typename Fn>
std::string error_of(Fn fn, common::ExitCode code) {
  try {
    fn();
  } catch (const common::Error& e) {
    INFO(e.what());
    CHECK(common::to_int(e.code()) == common::to_int(code));
    return e.what();
  }
  FAIL("expected common::Error(" << common::to_int(code) << "), nothing was thrown");
  return "";
}

}  // namespace builder_test
