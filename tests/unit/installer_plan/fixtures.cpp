#include "fixtures.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <sstream>
#include <sys/stat.h>

namespace test_fixtures {

std::string U(int n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

manifest::BundleIndex make_index(const std::vector<Art>& arts) {
  manifest::BundleIndex index;
  index.bundle_id = "b0000000-0000-4000-8000-000000000001";
  index.channel = "release";
  for (const auto& a : arts) {
    manifest::BundleArtifact art;
    art.role = a.role;
    if (a.role == "service-image") art.services = {a.service};
    art.uuid = U(a.image);
    art.name = a.service;
    art.version = a.version.empty() ? "master-20250101T000000Z-g" + std::to_string(a.image) : a.version;
    art.published_at = a.published_at;
    art.manifest_member = "images/" + art.uuid + ".imgmanifest";
    art.file_member = "images/" + art.uuid + ".imgfile";
    if (a.role == "agentsshar") art.stage_as = "/usbkey/extra/agents/agents-" + art.version + ".sh";
    else if (a.role == "gz-tools") art.stage_as = "/usbkey/extra/gz-tools-" + art.version + ".tgz";
    else if (a.role == "platform") art.stage_as = "/usbkey/extra/platform-" + art.version + ".tgz";
    else art.stage_as = "/usbkey/images/" + art.uuid + ".imgfile";
    index.members.push_back({art.file_member, 1024u * static_cast<unsigned>(a.image), {}});
    index.artifacts.push_back(art);
  }
  return index;
}

common::Json svcs_json(const std::vector<Inst>& insts, const std::vector<std::string>& extra) {
  common::Json out = common::Json::array();
  auto add = [&](const std::string& name, const std::string& type, int image) {
    for (const auto& s : out) if (s["name"] == name) return;
    common::Json s = {{"uuid", U(9000 + static_cast<int>(out.size()))}, {"name", name}, {"type", type}};
    s["params"] = type == "vm" ? common::Json{{"image_uuid", U(image)}} : common::Json::object();
    out.push_back(s);
  };
  for (const auto& i : insts) add(i.service, i.type, i.image);
  for (const auto& e : extra) add(e, "vm", 1);
  return out;
}

common::Json insts_json(const std::vector<Inst>& insts) {
  common::Json out = common::Json::array();
  int n = 0;
  for (const auto& i : insts) {
    const std::string uuid = U(5000 + n++);
    out.push_back({{"type", i.type}, {"service", i.service}, {"alias", i.service + std::to_string(n)},
                   {"instance", uuid}, {"zonename", uuid}, {"image", U(i.image)},
                   {"version", "master-2024-g" + std::to_string(i.image)}, {"server", U(7000)},
                   {"hostname", "headnode"}});
  }
  return out;
}

installer::DcServer headnode_server() {
  installer::DcServer s;
  s.uuid = U(7000);
  s.hostname = "headnode";
  s.headnode = true;
  s.setup = true;
  s.status = "running";
  return s;
}

installer::DcServer compute_node(int n, const std::string& hostname, const std::string& status) {
  installer::DcServer s = headnode_server();
  s.uuid = U(n);
  s.hostname = hostname;
  s.headnode = false;
  s.status = status;
  return s;
}

const installer::ServicePlan& service_of(const installer::Plan& plan, const std::string& name) {
  for (const auto& s : plan.services) {
    if (s.service == name) return s;
  }
  throw std::runtime_error("the plan has no service " + name);
}

installer::DcState dc_state(const std::vector<Inst>& insts) {
  installer::DcState dc = installer::parse_dc_state(svcs_json(insts), insts_json(insts));
  dc.servers = {headnode_server()};
  return dc;
}

installer::PlanOptions with_force(installer::Force force) {
  installer::PlanOptions o;
  o.force = force;
  return o;
}

installer::ImageLookup lookup(const std::map<int, std::string>& published) {
  return [published](const std::string& uuid) -> std::optional<installer::ImageFacts> {
    for (const auto& [n, at] : published) {
      if (U(n) == uuid) return installer::ImageFacts{uuid, "x", "v" + std::to_string(n), at, "active"};
    }
    return std::nullopt;
  };
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/sdcb-inst-test.XXXXXX";
  path = ::mkdtemp(tmpl);
}

TempDir::~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }

void write_script(const std::string& path, const std::string& body) {
  std::ofstream(path) << "#!/bin/sh\n" << body;
  ::chmod(path.c_str(), 0755);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace test_fixtures
