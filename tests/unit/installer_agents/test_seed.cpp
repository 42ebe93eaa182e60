// write_seed on a scratch headnode root: the bootstrap (0755) and the set written, latest
// moved or kept, a re-run touches nothing, a bad staged image writes nothing.
#include "agents_support.hpp"

#include <installer/agents/bootstrap_script.hpp>
#include <installer/agents/seed.hpp>

#include <common/atomic_file.hpp>
#include <tests/unit/support/scratch_dir.hpp>
#include <tools/sample_catalog/tarball.hpp>

#include <catch2/catch.hpp>

#include <climits>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

using namespace installer::agents;
using namespace agents_test;
using common::ExitCode;

namespace {

// A headnode root with the 11 agent images staged (real tarballs) and their set.
struct StagedRoot {
  sdcb_test::ScratchDir dir;
  installer::Paths paths;
  AgentSet set;

  StagedRoot() : paths(installer::Paths::under(dir.path())) {
    std::filesystem::create_directories(paths.usbkey_images);
    std::vector<AgentImage> images;
    unsigned n = 0;
    for (const std::string& name : known_agents()) {
      AgentImage a = image_of(name, ++n);
      const std::string path = paths.usbkey_images + "/" + a.uuid + ".imgfile";
      sample_catalog::FileSink file(path);
      sample_catalog::Tarball tgz(file, sample_catalog::Tarball::Format::ustar, 6, 1700000000);
      tgz.add_directory(name + "/");
      tgz.add_file(name + "/image_uuid", a.uuid + "\n");
      tgz.finish();
      const sample_catalog::FileDigest d = file.commit();
      a.size = d.size;
      a.sha1 = d.sha1;
      images.push_back(a);
    }
    set = make_agent_set(images, "imgapi.sim-1.example.com");
  }
};

std::string link_of(const std::string& path) {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
  return n <= 0 ? std::string() : std::string(buf, static_cast<std::size_t>(n));
}

struct stat stat_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st;
}

}  // namespace

TEST_CASE("write_seed: bootstrap 0755 + set, latest moved, re-run touches nothing", "[agents]") {
  StagedRoot hn;
  const SeedResult r = write_seed(hn.set, hn.paths, LatestLink::move);
  CHECK(r.written);
  CHECK(r.latest_moved);
  CHECK(r.bootstrap_headnode_path == "/usbkey/extra/agents/agents-" + hn.set.stamp + ".sh");
  CHECK(r.bootstrap_path == hn.paths.usbkey_extra_agents + "/agents-" + hn.set.stamp + ".sh");
  CHECK((stat_of(r.bootstrap_path).st_mode & 0777) == 0755);
  CHECK(common::read_small_file(r.bootstrap_path) == bootstrap_script(hn.set));
  CHECK(agent_set_from_json(common::parse_json(common::read_small_file(r.set_path), "set"), "set").stamp == hn.set.stamp);
  CHECK(link_of(hn.paths.usbkey_extra_agents + "/latest") == "agents-" + hn.set.stamp + ".sh");

  const struct stat before = stat_of(r.bootstrap_path);
  const SeedResult again = write_seed(hn.set, hn.paths, LatestLink::move);
  CHECK(!again.written);
  CHECK(!again.latest_moved);
  const struct stat after = stat_of(r.bootstrap_path);
  CHECK(after.st_ino == before.st_ino);
  CHECK(after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
}

TEST_CASE("write_seed: LatestLink::keep leaves latest alone", "[agents]") {
  StagedRoot hn;
  std::filesystem::create_directories(hn.paths.usbkey_extra_agents);
  REQUIRE(::symlink("agents-old.sh", (hn.paths.usbkey_extra_agents + "/latest").c_str()) == 0);
  const SeedResult r = write_seed(hn.set, hn.paths, LatestLink::keep);
  CHECK(r.written);
  CHECK(!r.latest_moved);
  CHECK(link_of(hn.paths.usbkey_extra_agents + "/latest") == "agents-old.sh");
  CHECK(write_seed(hn.set, hn.paths, LatestLink::move).latest_moved);
}

TEST_CASE("write_seed: a bad staged agent image writes nothing", "[agents]") {
  StagedRoot hn;
  const AgentImage& cn = *hn.set.find("cn-agent");
  const std::string file = hn.paths.usbkey_images + "/" + cn.uuid + ".imgfile";
  std::filesystem::remove(file);
  CHECK(code_of([&] { write_seed(hn.set, hn.paths, LatestLink::move); }) == ExitCode::not_found);
  CHECK(!std::filesystem::exists(hn.paths.usbkey_extra_agents + "/agents-" + hn.set.stamp + ".sh"));
  CHECK(!std::filesystem::exists(hn.paths.usbkey_extra_agents + "/latest"));
  // Another agent's tarball under cn-agent's name: integrity.
  const AgentImage& vm = *hn.set.find("vm-agent");
  std::filesystem::copy_file(hn.paths.usbkey_images + "/" + vm.uuid + ".imgfile", file);
  CHECK(code_of([&] { write_seed(hn.set, hn.paths, LatestLink::move); }) == ExitCode::integrity);
  CHECK(!std::filesystem::exists(hn.paths.usbkey_extra_agents + "/agents-" + hn.set.stamp + ".sh"));
}

// Issue 12 item 10: the bootstrap is not written through a linked directory.
TEST_CASE("write_seed: /usbkey/extra/agents as a link is refused, its target untouched", "[agents]") {
  StagedRoot hn;
  sdcb_test::ScratchDir elsewhere;
  std::filesystem::create_directories(hn.paths.usbkey + "/extra");
  std::filesystem::remove_all(hn.paths.usbkey_extra_agents);
  REQUIRE(::symlink(elsewhere.path().c_str(), hn.paths.usbkey_extra_agents.c_str()) == 0);
  CHECK(code_of([&] { write_seed(hn.set, hn.paths, LatestLink::move); }) == ExitCode::unsafe_path);
  CHECK(std::filesystem::is_empty(elsewhere.path()));
}
