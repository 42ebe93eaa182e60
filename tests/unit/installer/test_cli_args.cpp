// `sdcadm-install BUNDLE` means `sdcadm-install apply BUNDLE`.
#include "installer_support.hpp"

#include <installer/cli/cli_args.hpp>

#include <common/command_words.hpp>
#include <common/error.hpp>

#include <fstream>

using namespace installer;
using V = std::vector<std::string>;
using installer_test::TempDir;

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

TEST_CASE("an unknown word is a mistyped command, not a bundle; help stays a command", "[cli]") {
  const V commands{"verify", "apply", "history", "trust"};
  for (const char* word : {"histroy", "up", "aply"}) {
    try {
      with_default_command({"--root", "/hn", word, "x.sdc"}, commands, "apply");
      FAIL("no error for " << word);
    } catch (const common::Error& e) {
      CHECK(e.code() == common::ExitCode::usage);
      CHECK(std::string(e.what()).find(std::string("unknown command '") + word + "'") == 0);
    }
  }
  try {
    with_default_command({"histroy"}, commands, "apply");
  } catch (const common::Error& e) {
    CHECK(std::string(e.what()).find("did you mean 'history'?") != std::string::npos);
  }
  CHECK(with_default_command({"help", "history"}, commands, "apply") == V{"help", "history"});
  CHECK(with_default_command({"b.sdc.001"}, commands, "apply") == V{"apply", "b.sdc.001"});
  CHECK(with_default_command({"b.sdc.parts.json"}, commands, "apply") == V{"apply", "b.sdc.parts.json"});
  CHECK(with_default_command({"-", "-y"}, commands, "apply") == V{"apply", "-", "-y"});
  TempDir dir;
  const std::string file = dir.path() + "/update-2026";  // any existing file may be a bundle
  std::ofstream(file) << "x";
  CHECK(with_default_command({file}, commands, "apply") == V{"apply", file});
  CHECK_FALSE(names_a_bundle(dir.path()));  // a directory is not
  CHECK_FALSE(names_a_bundle("b.sdc.x1"));
}

TEST_CASE("closest_name: one or two typos, never a far word", "[cli]") {
  const V names{"build", "inspect", "changelog", "verify", "sign", "key", "trust", "serve", "receipt"};
  CHECK(common::closest_name("biuld", names) == "build");
  CHECK(common::closest_name("buidl", names) == "build");
  CHECK(common::closest_name("recipt", names) == "receipt");
  CHECK(common::closest_name("version", names).empty());
  CHECK(common::closest_name("up", names).empty());
  CHECK(common::closest_name("x", names).empty());
  CHECK(common::help_as_flag({"help"}, 0) == V{"--help"});
  CHECK(common::help_as_flag({"--root", "/", "help", "trust", "init"}, 2) == V{"--root", "/", "trust", "init", "--help"});
  CHECK(common::help_as_flag({"verify", "help"}, 0) == V{"verify", "help"});
}
