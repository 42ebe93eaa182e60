// The staged-file check (cn-agent's agent_install check, done on the headnode): size,
// SHA-1, compression and <name>/image_uuid holding the uuid.
#include "agents_support.hpp"

#include <installer/agents/agent_tarball.hpp>

#include <tests/unit/support/scratch_dir.hpp>
#include <tools/sample_catalog/tarball.hpp>

#include <catch2/catch.hpp>

#include <unistd.h>

using namespace installer::agents;
using namespace agents_test;
using common::ExitCode;

namespace {

struct Written {
  std::string path;
  AgentImage image;
};

// An agent tarball at `path` holding `member` with `content`, and the image that vouches
// for its bytes.
Written agent_tgz(const std::string& path, const std::string& name, const std::string& member,
                  const std::string& content) {
  sample_catalog::FileSink file(path);
  sample_catalog::Tarball tgz(file, sample_catalog::Tarball::Format::ustar, 6, 1700000000);
  tgz.add_directory(name + "/");
  tgz.add_file(member, content);
  tgz.add_file(name + "/package.json", "{}\n");
  tgz.finish();
  const sample_catalog::FileDigest d = file.commit();
  AgentImage a = image_of(name, 3);
  a.uuid = uuid_n(3);
  a.size = d.size;
  a.sha1 = d.sha1;
  return {path, a};
}

}  // namespace

TEST_CASE("agent tarball: a good one passes", "[agents]") {
  sdcb_test::ScratchDir dir;
  const Written w = agent_tgz(dir.file("a.tgz"), "cn-agent", "cn-agent/image_uuid", uuid_n(3) + "\n");
  CHECK_NOTHROW(check_agent_file(w.image, w.path));
}

TEST_CASE("agent tarball: each defect is refused with integrity, naming the agent", "[agents]") {
  sdcb_test::ScratchDir dir;
  const Written other_uuid = agent_tgz(dir.file("b.tgz"), "cn-agent", "cn-agent/image_uuid", uuid_n(4) + "\n");
  CHECK(code_of([&] { check_agent_file(other_uuid.image, other_uuid.path); }) == ExitCode::integrity);
  CHECK(message_of([&] { check_agent_file(other_uuid.image, other_uuid.path); }).find("holds image_uuid '" + uuid_n(4)) !=
        std::string::npos);

  const Written no_member = agent_tgz(dir.file("c.tgz"), "cn-agent", "cn-agent/other", uuid_n(3) + "\n");
  CHECK(message_of([&] { check_agent_file(no_member.image, no_member.path); }).find("does not hold cn-agent/image_uuid") !=
        std::string::npos);

  const Written other_name = agent_tgz(dir.file("d.tgz"), "vm-agent", "vm-agent/image_uuid", uuid_n(3) + "\n");
  AgentImage as_cn = other_name.image;
  as_cn.name = "cn-agent";  // a vm-agent tarball published as cn-agent
  CHECK(code_of([&] { check_agent_file(as_cn, other_name.path); }) == ExitCode::integrity);

  const Written good = agent_tgz(dir.file("e.tgz"), "cn-agent", "cn-agent/image_uuid", uuid_n(3) + "\n");
  AgentImage wrong_size = good.image;
  wrong_size.size += 1;
  CHECK(message_of([&] { check_agent_file(wrong_size, good.path); }).find("bytes") != std::string::npos);
  AgentImage wrong_sha1 = good.image;
  wrong_sha1.sha1 = std::string(40, '0');
  CHECK(message_of([&] { check_agent_file(wrong_sha1, good.path); }).find("SHA-1") != std::string::npos);
  AgentImage bzip2 = good.image;
  bzip2.compression = "bzip2";
  CHECK(message_of([&] { check_agent_file(bzip2, good.path); }).find("not compressed with bzip2") != std::string::npos);
  for (const AgentImage* a : {&wrong_size, &wrong_sha1, &bzip2}) {
    CHECK(code_of([&] { check_agent_file(*a, good.path); }) == ExitCode::integrity);
  }
}

TEST_CASE("agent tarball: missing file, link, not a tarball", "[agents]") {
  sdcb_test::ScratchDir dir;
  const Written good = agent_tgz(dir.file("a.tgz"), "cn-agent", "cn-agent/image_uuid", uuid_n(3) + "\n");
  CHECK(code_of([&] { check_agent_file(good.image, dir.file("missing.tgz")); }) == ExitCode::not_found);
  REQUIRE(::symlink(good.path.c_str(), dir.file("link.tgz").c_str()) == 0);
  CHECK(code_of([&] { check_agent_file(good.image, dir.file("link.tgz")); }) == ExitCode::integrity);
  {
    sample_catalog::FileSink file(dir.file("plain"));
    file.write("not a tarball at all", 20);
    const sample_catalog::FileDigest d = file.commit();
    AgentImage a = good.image;
    a.size = d.size;
    a.sha1 = d.sha1;
    CHECK(code_of([&] { check_agent_file(a, dir.file("plain")); }) == ExitCode::integrity);
  }
}
