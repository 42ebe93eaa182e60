// Paths under a root, and /usbkey/config parsing (hostile input).
#include "installer_support.hpp"

#include <installer/paths.hpp>
#include <installer/usbkey_config.hpp>

using namespace installer;
using namespace installer_test;

TEST_CASE("Paths resolve under the root", "[paths]") {
  const Paths real = Paths::under("/");
  CHECK(real.usbkey_images == "/usbkey/images");
  CHECK(real.sdcadm_lock == "/var/run/sdcadm.lock");
  CHECK(real.reprov_fail_lock == "/var/sdcadm/reprovFailLock.json");
  CHECK(real.local("/usbkey/extra/x") == "/usbkey/extra/x");
  const Paths sim = Paths::under("/tmp/hn//");
  CHECK(sim.root == "/tmp/hn");
  CHECK(sim.usbkey_config == "/tmp/hn/usbkey/config");
  CHECK(sim.install_lock == "/tmp/hn/var/run/sdcadm-install.lock");
  CHECK(sim.staged_manifests == "/tmp/hn/var/sdcadm/install/manifests");
  CHECK(sim.local("/usbkey/images/u.imgfile") == "/tmp/hn/usbkey/images/u.imgfile");
  CHECK(Paths::under("").root == "/");
  CHECK(code_of([&] { sim.local("usbkey"); }) == common::ExitCode::internal);
}

TEST_CASE("usbkey config: key=value, comments, quotes, last value wins", "[config]") {
  const auto c = UsbkeyConfig::parse("# Triton config\n\ndatacenter_name=sim-1\n"
                                     "  dns_domain = example.com  \r\n"
                                     "admin_ip='10.0.0.1'\nquoted=\"a b\"\nempty=\n"
                                     "imgapi_domain=imgapi.sim-1.example.com\n"
                                     "imgapi_domain=127.0.0.1:8080",
                                     "config");
  CHECK(c.get("datacenter_name") == std::optional<std::string>("sim-1"));
  CHECK(c.get("dns_domain") == std::optional<std::string>("example.com"));
  CHECK(c.get("admin_ip") == std::optional<std::string>("10.0.0.1"));
  CHECK(c.get("quoted") == std::optional<std::string>("a b"));
  CHECK(c.get("empty") == std::optional<std::string>(""));
  CHECK(!c.get("missing"));
  CHECK(c.imgapi_url() == "http://127.0.0.1:8080");
}

TEST_CASE("usbkey config: malformed lines and sizes are refused with the line", "[config]") {
  CHECK(message_of([] { UsbkeyConfig::parse("a=1\njust words\n", "cfg"); }) ==
        "cfg line 2: expected KEY=VALUE, got \"just words\"");
  CHECK(code_of([] { UsbkeyConfig::parse("bad-key=1\n", "cfg"); }) == common::ExitCode::config);
  CHECK(code_of([] { UsbkeyConfig::parse("=1\n", "cfg"); }) == common::ExitCode::config);
  CHECK(code_of([] { UsbkeyConfig::parse(std::string("a=\0", 3), "cfg"); }) == common::ExitCode::config);
  CHECK(code_of([] { UsbkeyConfig::parse("a=" + std::string(70000, 'x'), "cfg"); }) ==
        common::ExitCode::config);
  CHECK(code_of([] { UsbkeyConfig::parse(std::string(2u << 20, '#'), "cfg"); }) ==
        common::ExitCode::config);
}

TEST_CASE("usbkey config: imgapi_domain missing or hostile", "[config]") {
  CHECK(message_of([] { UsbkeyConfig::parse("a=1", "cfg").imgapi_url(); })
            .find("has no imgapi_domain") != std::string::npos);
  for (const char* bad : {"evil.com/x", "user@host", "a b", "host?x=1", "h#f"}) {
    INFO(bad);
    CHECK(code_of([&] { UsbkeyConfig::parse(std::string("imgapi_domain=") + bad, "cfg").imgapi_url(); }) ==
          common::ExitCode::config);
  }
  CHECK(UsbkeyConfig::parse("imgapi_domain=[::1]:99", "cfg").imgapi_url() == "http://[::1]:99");
}

TEST_CASE("usbkey config: a missing file says where to run", "[config]") {
  TempDir dir;
  const auto msg = message_of([&] { UsbkeyConfig::load(dir.file("config")); });
  CHECK(msg.find("does not exist") != std::string::npos);
  CHECK(msg.find("--root") != std::string::npos);
  CHECK(code_of([&] { UsbkeyConfig::load(dir.file("config")); }) == common::ExitCode::config);
}
