// The post-step checks' pure parts (issue 13 part 1): the /ping addresses /usbkey/config
// gives, the file checks (gz-tools, platform) and their evidence, a check run again from its
// recorded evidence (hostile: a wrong shape is bad_data, not a crash), the one-line summary.
#include <tests/unit/support/error_capture.hpp>
#include <tests/unit/support/scratch_dir.hpp>

#include <installer/recheck.hpp>
#include <installer/service_answers.hpp>
#include <installer/step_checks.hpp>
#include <installer/usbkey_config.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace installer;
using namespace sdcb_test;
using common::ExitCode;

namespace {
const std::string k_gz = "cdc8171d-aa16-4a62-a449-09e5202b0ecc";
const std::string k_old = "0c602f12-d80d-4a4e-bd31-5df9d784c54a";
}  // namespace

TEST_CASE("ping_urls: imgapi from the installer's URL, the others from <service>_domain, nothing guessed") {
  const UsbkeyConfig config = UsbkeyConfig::parse(
      "imgapi_domain=imgapi.sim-1.example.com\ncnapi_domain=cnapi.sim-1.example.com\n"
      "vmapi_domain=bad host/with path\ncloudapi_domain=cloudapi.sim-1.example.com\n",
      "config");
  const auto urls = ping_urls(config, "http://127.0.0.1:8080");
  CHECK(urls.at("imgapi") == "http://127.0.0.1:8080");
  CHECK(urls.at("cnapi") == "http://cnapi.sim-1.example.com");
  CHECK(urls.count("vmapi") == 0);     // not a host name: refused, not used
  CHECK(urls.count("cloudapi") == 0);  // HTTPS /--ping in sdcadm: not asked
  CHECK(urls.count("sapi") == 0);      // no address
  CHECK(has_plain_ping("workflow"));
  CHECK_FALSE(has_plain_ping("moray"));
}

TEST_CASE("sapi_ping_urls: metadata.SERVICE_DOMAIN of the services with a /ping, hostile rows skipped") {
  const common::Json svcs = common::Json::parse(R"([
    {"name": "cnapi", "type": "vm", "metadata": {"SERVICE_DOMAIN": "cnapi.dc.example.com"}},
    {"name": "vmapi", "type": "vm", "metadata": {"SERVICE_DOMAIN": "http://evil/x"}},
    {"name": "moray", "type": "vm", "metadata": {"SERVICE_DOMAIN": "moray.dc.example.com"}},
    {"name": "napi", "type": "vm", "metadata": {"SERVICE_DOMAIN": 7}},
    {"name": "papi", "type": "vm", "metadata": "none"},
    {"name": 5}, "row", null])");
  const auto urls = sapi_ping_urls(svcs);
  REQUIRE(urls.size() == 1);
  CHECK(urls.at("cnapi") == "http://cnapi.dc.example.com");
  CHECK(sapi_ping_urls(common::Json::object()).empty());
}

TEST_CASE("verify_gz_tools: the file names the image, else Unverified with what it names") {
  ScratchDir dir;
  const std::string file = dir.file("gz-tools.image");
  std::ofstream(file) << k_gz << "\n";
  const common::Json ok = verify_gz_tools(file, k_gz);
  CHECK(ok["check"] == "gz-tools");
  CHECK(ok["image"] == k_gz);
  CHECK(ok["expected"] == k_gz);
  std::ofstream(file) << k_old << "\n";
  try {
    verify_gz_tools(file, k_gz);
    FAIL("no throw");
  } catch (const Unverified& e) {
    CHECK(e.code() == ExitCode::step_unverified);
    CHECK_THAT(e.what(), Catch::Contains("names " + k_old + ", not the bundle's gz-tools image " + k_gz));
    CHECK(e.evidence()["image"] == k_old);
  }
  std::filesystem::remove(file);
  CHECK(code_of([&] { verify_gz_tools(file, k_gz); }) == ExitCode::step_unverified);
}

TEST_CASE("verify_platform: the stamp's directory, and the assign step in the evidence") {
  ScratchDir dir;
  CHECK(code_of([&] { verify_platform(dir.path(), "20250208T110145Z"); }) == ExitCode::step_unverified);
  std::filesystem::create_directories(dir.file("20250208T110145Z"));
  const common::Json e = verify_platform(dir.path(), "20250208T110145Z");
  CHECK(e["exists"] == true);
  CHECK_THAT(e["next"].get<std::string>(), Catch::StartsWith("sdcadm platform assign 20250208T110145Z --all"));
  CHECK(code_of([&] { verify_platform(dir.path(), ""); }) == ExitCode::step_unverified);
}

TEST_CASE("recheck: from the recorded evidence alone; a damaged record is bad_data") {
  ScratchDir dir;
  const std::string file = dir.file("gz-tools.image");
  std::ofstream(file) << k_gz << "\n";
  CheckEnv env;
  env.gz_tools_image_file = file;
  env.usbkey_os = dir.path();
  const common::Json recorded = {{"check", "gz-tools"}, {"file", "/elsewhere"}, {"expected", k_gz}, {"image", k_old}};
  CHECK(rechecks(recorded));
  CHECK(recheck("update-gz-tools", recorded, env)["image"] == k_gz);  // read where env says, now
  CHECK(code_of([&] { recheck("platform-install", {{"check", "platform"}, {"stamp", "20990101T000000Z"}}, env); }) ==
        ExitCode::step_unverified);

  CHECK_FALSE(rechecks(nullptr));
  CHECK_FALSE(rechecks({{"check", "who-knows"}}));
  CHECK_FALSE(rechecks(common::Json::array()));
  CHECK(code_of([&] { recheck("x", {{"check", "gz-tools"}}, env); }) == ExitCode::bad_data);
  CHECK(code_of([&] { recheck("x", {{"check", "gz-tools"}, {"expected", 7}}, env); }) == ExitCode::bad_data);
  CHECK(code_of([&] { recheck("x", {{"check", "instances"}, {"instances", "many"}}, env); }) == ExitCode::bad_data);
  CHECK(code_of([&] { recheck("x", {{"check", "instances"}, {"instances", {{{"uuid", "a"}}}}}, env); }) ==
        ExitCode::bad_data);
  CHECK(code_of([&] { recheck("x", {{"check", "images"}, {"images", {{{"uuid", "a"}, {"size", -1}}}}}, env); }) ==
        ExitCode::bad_data);
  CHECK(code_of([&] { recheck("x", {{"check", "sdcadm"}, {"expected", "1.0"}}, env); }) == ExitCode::bad_data);
  CHECK(code_of([&] { recheck("x", {{"check", "nope"}}, env); }) == ExitCode::bad_data);
}

TEST_CASE("describe_evidence: one line per kind, whatever the record holds") {
  const common::Json inst = {
      {"check", "instances"},
      {"instances", {{{"uuid", "a"}, {"image", "1"}, {"target", "1"}}, {{"uuid", "b"}, {"image", "0"}, {"target", "1"}}}},
      {"services",
       {{"health", {{"healthy", {"vmapi0"}}, {"no_row", {"cnapi0"}}}},
        {"ping", {{{"service", "imgapi"}, {"status", 200}}}},
        {"no_address", {"cnapi", "vmapi"}}}}};
  CHECK(describe_evidence(inst) ==
        "1/2 instances on their targets (sdcadm insts -j); check-health: 1 healthy, no row for cnapi0; "
        "imgapi /ping 200; no address known for /ping: cnapi, vmapi");
  CHECK(describe_evidence({{"check", "images"}, {"images", {{{"sha1", "x"}, {"size", 1}, {"state", "active"},
                                                              {"seen_sha1", "x"}, {"seen_size", 1}}}}}) ==
        "1/1 image active with the bundle's sha1 and size (DC IMGAPI)");
  CHECK(describe_evidence({{"check", "images"}, {"images", 3}}) == "0/0 images active with the bundle's sha1 and size (DC IMGAPI)");
  CHECK(describe_evidence({{"check", "sdcadm"}, {"version", "1.40.0"}, {"expected", 5}}) ==
        "sdcadm --version: 1.40.0 ((none)), expected  ()");
  CHECK(describe_evidence(nullptr) == "no post-step check");
}
