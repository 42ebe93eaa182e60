// `sdcadm-install BUNDLE` means `sdcadm-install apply BUNDLE`.
#include "installer_support.hpp"

#include <installer/cli_args.hpp>

using namespace installer;
using V = std::vector<std::string>;

TEST_CASE("with_default_command inserts apply before the bundle", "[cli]") {
  const V commands{"verify", "stage", "import", "apply"};
  CHECK(with_default_command({"b.sdc", "-y"}, commands, "apply") == V{"apply", "b.sdc", "-y"});
  CHECK(with_default_command({"--root", "/hn", "b.sdc"}, commands, "apply") ==
        V{"--root", "/hn", "apply", "b.sdc"});
  CHECK(with_default_command({"--root", "verify", "b.sdc"}, commands, "apply") ==
        V{"--root", "verify", "apply", "b.sdc"});
  CHECK(with_default_command({"-y", "b.sdc"}, commands, "apply") == V{"-y", "apply", "b.sdc"});
  CHECK(with_default_command({"verify", "b.sdc"}, commands, "apply") == V{"verify", "b.sdc"});
  CHECK(with_default_command({"--help"}, commands, "apply") == V{"--help"});
  CHECK(with_default_command({}, commands, "apply").empty());
  CHECK(with_default_command({"--", "b.sdc"}, commands, "apply") == V{"--", "b.sdc"});
}

TEST_CASE("without an apply command nothing is inserted", "[cli]") {
  CHECK(with_default_command({"b.sdc"}, {"verify", "stage"}, "apply") == V{"b.sdc"});
}
