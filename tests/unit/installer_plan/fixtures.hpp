#pragma once
// Hand-made DC states and bundle indexes for the installer's unit tests.

#include <installer/plan.hpp>

#include <manifest/bundle_index.hpp>

#include <map>
#include <string>
#include <vector>

namespace test_fixtures {

// Image uuids: U(1) = "00000000-0000-4000-8000-000000000001", ...
std::string U(int n);

// An index with one service-image artifact per entry {service, image n, published_at}.
struct Art {
  std::string role, service;
  int image;
  std::string published_at;
  std::string version;
};
manifest::BundleIndex make_index(const std::vector<Art>& arts);

// svcs -j / insts -j: each instance {service, image n, type}.
struct Inst {
  std::string service;
  int image;
  std::string type = "vm";
};
common::Json svcs_json(const std::vector<Inst>& insts, const std::vector<std::string>& extra_services = {});
common::Json insts_json(const std::vector<Inst>& insts);
// The headnode as CNAPI lists it (every instance above lives on it).
installer::DcServer headnode_server();
// A compute node n (uuid U(n)) as CNAPI lists it: set up, with this status.
installer::DcServer compute_node(int n, const std::string& hostname, const std::string& status = "running");
// The plan's service called `name`; throws std::runtime_error when there is none.
const installer::ServicePlan& service_of(const installer::Plan& plan, const std::string& name);
// parse_dc_state of both, with the headnode as the DC's one server.
installer::DcState dc_state(const std::vector<Inst>& insts);

// Plan options with only --force set.
installer::PlanOptions with_force(installer::Force force);

// A DC IMGAPI that has image n published at the given time (active).
installer::ImageLookup lookup(const std::map<int, std::string>& published);

// A scratch directory, removed by the destructor.
struct TempDir {
  TempDir();
  ~TempDir();
  std::string path;
};

// Writes an executable shell script.
void write_script(const std::string& path, const std::string& body);
std::string read_file(const std::string& path);

}  // namespace test_fixtures
