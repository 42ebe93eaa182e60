// The generated bootstrap: the set baked in, the template's contract present, hostile
// values refused before they reach the script.
#include "agents_support.hpp"

#include <installer/agents/bootstrap_script.hpp>

#include <catch2/catch.hpp>

using namespace installer::agents;
using namespace agents_test;
using common::ExitCode;

TEST_CASE("bootstrap: the set is baked in, one table line per agent in install order", "[agents]") {
  const AgentSet set = make_agent_set(eleven(), "imgapi.sim-1.example.com");
  const std::string s = bootstrap_script(set);
  CHECK(s.rfind("#!/bin/bash\n", 0) == 0);
  for (const char* placeholder : {"@STAMP@", "@IMGAPI_DOMAIN@", "@AGENTS_TABLE@"}) {
    CHECK(s.find(placeholder) == std::string::npos);
  }
  CHECK(s.find("STAMP=\"" + set.stamp + "\"") != std::string::npos);
  CHECK(s.find("IMGAPI_DOMAIN=\"imgapi.sim-1.example.com\"") != std::string::npos);
  std::size_t last = 0;
  for (const AgentImage& a : set.agents) {
    const std::string line = a.name + " " + a.uuid + " " + std::to_string(a.size) + " " + a.sha1 + " " +
                             a.compression + " " + a.published_at;
    const std::size_t at = s.find(line);
    INFO(line);
    REQUIRE(at != std::string::npos);
    CHECK(at > last);
    last = at;
  }
  CHECK(bootstrap_file_name(set) == "agents-" + set.stamp + ".sh");
}

// cn-agent's mock backend runs a shar only when its first 512 bytes name
// AGENTSSHAR_UNPACK_DIR (sdc-cn-agent lib/backends/dummy/tasks/shared.js:425-469).
TEST_CASE("bootstrap: AGENTSSHAR_UNPACK_DIR within the first 512 bytes", "[agents]") {
  AgentSet set = make_agent_set(eleven(), std::string(200, 'i'));  // a long domain: still the header
  const std::string s = bootstrap_script(set);
  CHECK(s.substr(0, 512).find("AGENTSSHAR_UNPACK_DIR") != std::string::npos);
  CHECK(bootstrap_template().substr(0, 512).find("AGENTSSHAR_UNPACK_DIR") != std::string::npos);
}

TEST_CASE("bootstrap: same set, same bytes", "[agents]") {
  CHECK(bootstrap_script(make_agent_set(eleven(), "imgapi")) == bootstrap_script(make_agent_set(eleven(), "imgapi")));
}

TEST_CASE("bootstrap: the template keeps its contract", "[agents]") {
  const std::string& t = bootstrap_template();
  for (const char* needle : {"AGENTS_BOOTSTRAP_ROOT", "AGENTS_BOOTSTRAP_IMGAPI_URL", "AGENTSSHAR_UNPACK_ONLY",
                             "AGENTSSHAR_UNPACK_DIR", "agentsshar.sha1", "agentsshar.post", "/images/$uuid/file",
                             "EXIT_MISSING=52", "EXIT_DOWNLOAD=53", "EXIT_CHECKSUM=55", "EXIT_CONTENT=56",
                             "EXIT_INSTALL=60", "bootstrap/bootstrap.sh", "bin/apm\" install", "svcadm restart cn-agent",
                             // issue 11: the DC's imgapi_domain at run time, newer agents kept,
                             // the shar's cleanup-apm, the media's agent-images/.
                             "/lib/sdc/config.sh", "load_sdc_config", "CONFIG_imgapi_domain", "baked in at seed time",
                             "$IMGAPI_URL/images/$1\"", "never downgrades", "bin/apm\" uninstall", "provisioner heartbeater",
                             "/usbkey/agent-images", "/mnt/usbkey/agent-images", ".tar.bz2"}) {
    INFO(needle);
    CHECK(t.find(needle) != std::string::npos);
  }
  CHECK(k_bootstrap_exit_missing == 52);
  CHECK(k_bootstrap_exit_checksum == 55);
  CHECK(k_bootstrap_exit_install == 60);
}

TEST_CASE("bootstrap: hostile values never reach the script", "[agents]") {
  AgentSet set = make_agent_set(eleven(), "imgapi");
  AgentSet bad_name = set;
  bad_name.agents[2].name = "vm-agent$(reboot)";
  CHECK(code_of([&] { bootstrap_script(bad_name); }) == ExitCode::bad_data);
  AgentSet bad_uuid = set;
  bad_uuid.agents[2].uuid = "x\" ; reboot ; \"";
  CHECK(code_of([&] { bootstrap_script(bad_uuid); }) == ExitCode::bad_data);
  AgentSet bad_compression = set;
  bad_compression.agents[2].compression = "gzip`id`";
  CHECK(code_of([&] { bootstrap_script(bad_compression); }) == ExitCode::bad_data);
  AgentSet bad_domain = set;
  bad_domain.imgapi_domain = "imgapi\"$(id)";
  CHECK(code_of([&] { bootstrap_script(bad_domain); }) == ExitCode::config);
  AgentSet bad_stamp = set;
  bad_stamp.stamp = "x\"; reboot";
  CHECK(code_of([&] { bootstrap_script(bad_stamp); }) == ExitCode::bad_data);
}
