// fake-sdcadm's helpers for update-agents with an installer file: running a program
// (spawn.hpp), the servers' roots and the per-server install (agents_install.hpp).
#include "../common/test_support.hpp"

#include <tools/fake_sdcadm/agents_install.hpp>
#include <tools/fake_sdcadm/spawn.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>

#include <catch2/catch.hpp>

#include <filesystem>

using namespace fake_sdcadm;
namespace fs = std::filesystem;

namespace {

const std::string k_uuid = "2b1f0c5e-2f0a-4d53-9d6b-1c7e2f3a4b5c";

// An installer that writes vm-agent's image_uuid under AGENTS_BOOTSTRAP_ROOT and counts its
// runs, or fails with `code`.
std::string write_installer(const std::string& dir, int code) {
  const std::string path = dir + "/agents-test.sh";
  common::write_file_atomic(
      path, "root=$AGENTS_BOOTSTRAP_ROOT\necho run >>\"$root/runs\"\n[ " + std::to_string(code) +
                " -eq 0 ] || { echo failing >&2; exit " + std::to_string(code) + "; }\n"
                "mkdir -p \"$root/opt/smartdc/agents/lib/node_modules/vm-agent\"\n"
                "echo " + k_uuid + " >\"$root/opt/smartdc/agents/lib/node_modules/vm-agent/image_uuid\"\n");
  return path;
}

}  // namespace

TEST_CASE("run_and_wait: exit codes, signals, environment, output", "[fake_sdcadm]") {
  test_support::TempDir dir;
  CHECK(run_and_wait({{"sh", "-c", "exit 7"}, {}, ""}) == 7);
  CHECK(run_and_wait({{"sh", "-c", "kill -9 $$"}, {}, ""}) == 128 + 9);
  CHECK(run_and_wait({{"sh", "-c", "test \"$HOME\" = /elsewhere"}, {"HOME=/elsewhere"}, ""}) == 0);
  const std::string out = dir.path() + "/out.log";
  CHECK(run_and_wait({{"sh", "-c", "echo to-out; echo to-err >&2; read x || echo no-stdin"}, {}, out}) == 0);
  CHECK(test_support::slurp(out) == "to-out\nto-err\nno-stdin\n");
  CHECK_THROWS_AS(run_and_wait({{"/nonexistent/program"}, {}, ""}), common::Error);
  CHECK_THROWS_AS(run_and_wait({{"true"}, {}, dir.path() + "/no/such/dir/log"}), common::Error);
}

TEST_CASE("update-agents installer: server roots, exit 50, failure, install, skip", "[fake_sdcadm]") {
  test_support::TempDir dir;
  const Root root(dir.path());
  const AgentServer hn{"11111111-1111-4111-8111-111111111111", "headnode"};
  const AgentServer cn{"22222222-2222-4222-8222-222222222222", "cn1"};
  CHECK(server_root(root, hn) == dir.path());
  const std::string cn_root = dir.path() + "/var/fake-sdcadm/servers/" + cn.uuid;
  CHECK(server_root(root, cn) == cn_root);

  const std::string ok = write_installer(dir.path(), 0);
  auto r = install_on_servers(root, ok, std::string(40, 'a'), "http://imgapi", {cn});
  REQUIRE(r.size() == 1);
  CHECK(r[0].result == ServerResult::failed);
  CHECK_THAT(r[0].message, Catch::Contains("exit status 50"));

  fs::create_directories(cn_root + "/opt/smartdc/agents/lib");
  const std::string failing = write_installer(dir.path() + "/var", 55);
  r = install_on_servers(root, failing, std::string(40, 'b'), "http://imgapi", {cn});
  CHECK(r[0].result == ServerResult::failed);
  CHECK_THAT(r[0].message, Catch::Contains("the installer exited 55"));
  CHECK(test_support::slurp(cn_root + "/var/tmp/agents-test.sh_install.log") == "failing\n");
  CHECK_FALSE(test_support::exists(cn_root + "/opt/smartdc/agents/etc/agentsshar.sha1"));
  CHECK(installed_agent_image(cn_root, "vm-agent").empty());

  r = install_on_servers(root, ok, std::string(40, 'a'), "http://imgapi", {cn});
  CHECK(r[0].result == ServerResult::updated);
  CHECK(installed_agent_image(cn_root, "vm-agent") == k_uuid);
  CHECK(test_support::slurp(cn_root + "/opt/smartdc/agents/etc/agentsshar.sha1") == std::string(40, 'a') + "\n");
  CHECK(test_support::slurp(cn_root + "/opt/smartdc/agents/etc/agentsshar.post") ==
        "/opt/smartdc/agents/lib/node_modules/vm-agent/image_uuid\n" + k_uuid + "\n");
  // Same installer, nothing changed: skipped. An agent changed since: run again.
  r = install_on_servers(root, ok, std::string(40, 'a'), "http://imgapi", {cn});
  CHECK(r[0].result == ServerResult::already_updated);
  CHECK(test_support::slurp(cn_root + "/runs") == "run\nrun\n");
  common::write_file_atomic(cn_root + "/opt/smartdc/agents/lib/node_modules/vm-agent/image_uuid", "not a uuid\n");
  CHECK(installed_agent_image(cn_root, "vm-agent").empty());
  r = install_on_servers(root, ok, std::string(40, 'a'), "http://imgapi", {cn});
  CHECK(r[0].result == ServerResult::updated);
  CHECK(test_support::slurp(cn_root + "/runs") == "run\nrun\nrun\n");
}

// Issue 11 item 6: the installer gets no IMGAPI URL; the simulated platform gives each
// server a /lib/sdc/config.sh whose load_sdc_config reads the headnode's /usbkey/config or
// the compute node's node.config (written from the DC IMGAPI once, then kept).
TEST_CASE("update-agents installer: config.sh and node.config give the node its IMGAPI", "[fake_sdcadm]") {
  test_support::TempDir dir;
  const Root root(dir.path());
  const AgentServer hn{"11111111-1111-4111-8111-111111111111", "headnode"};
  const AgentServer cn{"22222222-2222-4222-8222-222222222222", "cn1"};
  const std::string cn_root = dir.path() + "/var/fake-sdcadm/servers/" + cn.uuid;
  fs::create_directories(dir.path() + "/opt/smartdc/agents/lib");
  fs::create_directories(cn_root + "/opt/smartdc/agents/lib");
  fs::create_directories(dir.path() + "/usbkey");
  common::write_file_atomic(dir.path() + "/usbkey/config", "# the headnode's\n  imgapi_domain=imgapi.hn.example.com\n");
  const std::string installer = dir.path() + "/agents-probe.sh";
  common::write_file_atomic(installer,
                            "set -o nounset\nroot=$AGENTS_BOOTSTRAP_ROOT\n. \"$root/lib/sdc/config.sh\"\nload_sdc_config\n"
                            "echo \"${CONFIG_imgapi_domain:-none} ${AGENTS_BOOTSTRAP_IMGAPI_URL:-no-url}\" >\"$root/seen\"\n");
  auto r = install_on_servers(root, installer, std::string(40, 'a'), "http://127.0.0.1:8080", {hn, cn});
  REQUIRE(r.size() == 2);
  CHECK(r[0].result == ServerResult::updated);
  CHECK(r[1].result == ServerResult::updated);
  CHECK(test_support::slurp(dir.path() + "/seen") == "imgapi.hn.example.com no-url\n");
  CHECK(test_support::slurp(cn_root + "/seen") == "127.0.0.1:8080 no-url\n");
  CHECK(test_support::slurp(cn_root + "/opt/smartdc/config/node.config") == "imgapi_domain='127.0.0.1:8080'\n");
  CHECK_FALSE(test_support::exists(dir.path() + "/opt/smartdc/config/node.config"));
  // A node keeps its own node.config (another IMGAPI); config.sh is the platform's.
  common::write_file_atomic(cn_root + "/opt/smartdc/config/node.config", "imgapi_domain='imgapi.cn.example.com'\n");
  common::write_file_atomic(cn_root + "/lib/sdc/config.sh", "broken\n");
  r = install_on_servers(root, installer, std::string(40, 'b'), "http://127.0.0.1:8080", {cn});
  CHECK(r[0].result == ServerResult::updated);
  CHECK(test_support::slurp(cn_root + "/seen") == "imgapi.cn.example.com no-url\n");
  // An IMGAPI URL that is not http://<domain> fails that server, not the command.
  fs::remove(cn_root + "/opt/smartdc/config/node.config");
  r = install_on_servers(root, installer, std::string(40, 'c'), "https://imgapi", {cn});
  CHECK(r[0].result == ServerResult::failed);
  CHECK_THAT(r[0].message, Catch::Contains("is not http://<imgapi_domain>"));
}
