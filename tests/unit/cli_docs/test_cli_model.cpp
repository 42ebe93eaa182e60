#include "cli_model.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

using cli_docs::CommandDoc;
using cli_docs::kind_of_value;
using cli_docs::read_app;
using cli_docs::ValueKind;

namespace {

// A program shaped like the real ones: global options falling through, a command with
// its own commands, positionals, a checked option, a hidden option.
std::unique_ptr<CLI::App> sample_app(std::string& text, std::vector<std::string>& many, bool& flag) {
  auto app = std::make_unique<CLI::App>("prog: does things", "prog");
  app->require_subcommand(1);
  app->fallthrough();
  app->add_option("--root", text, "The root")->option_text("DIR");
  app->add_flag("-q,--quiet", flag, "Less output");
  CLI::App* trust = app->add_subcommand("trust", "The trust root");
  trust->require_subcommand(1);
  CLI::App* init = trust->add_subcommand("init", "Start one");
  init->add_option("ROOT", text, "root.json")->required();
  init->add_option("-o,--output", text, "Where")->type_name("OUT.json");
  init->add_option("--mode", text, "How")->option_text("MODE")->check(CLI::IsMember({"a", "b"}))->capture_default_str();
  init->add_option("--key", many, "Keys")->type_name("PRIV.pem");
  init->add_flag("--secret", flag, "Not shown")->group("");
  app->add_subcommand("list", "List them")->add_option("ITEMS", many, "Items");
  return app;
}

const CommandDoc& command(const CommandDoc& parent, const std::string& name) {
  for (const CommandDoc& c : parent.commands) {
    if (c.name == name) return c;
  }
  FAIL("no command " << name);
  return parent;
}

}  // namespace

TEST_CASE("read_app copies the tree --help shows") {
  std::string text;
  std::vector<std::string> many;
  bool flag = false;
  const auto app = sample_app(text, many, flag);
  const CommandDoc prog = read_app(*app);
  CHECK(prog.name == "prog");
  CHECK(prog.needs_command);
  CHECK(prog.falls_through);
  REQUIRE(prog.commands.size() == 2);
  // The program keeps -h/--help (GLOBAL OPTIONS); --root's value is its option_text.
  REQUIRE(prog.options.size() == 3);
  CHECK(prog.options[0].longs == std::vector<std::string>{"--help"});
  CHECK(prog.options[1].value == "DIR");
  CHECK(prog.options[1].kind == ValueKind::dir);
  CHECK(prog.options[2].shorts == std::vector<std::string>{"-q"});
  CHECK_FALSE(prog.options[2].takes_value());

  const CommandDoc& init = command(command(prog, "trust"), "init");
  CHECK(init.path_text() == "trust init");
  CHECK(init.falls_through);  // inherited from the program, as CLI11 does
  REQUIRE(init.positionals.size() == 1);
  CHECK(init.positionals[0].positional == "ROOT");
  CHECK(init.positionals[0].required);
  // No -h/--help (said once), no hidden --secret.
  std::vector<std::string> names;
  for (const auto& o : init.options) names.push_back(o.names().back());
  CHECK(names == std::vector<std::string>{"--output", "--mode", "--key"});
  CHECK(init.options[0].kind == ValueKind::file);
  CHECK(init.options[1].allowed == std::vector<std::string>{"a", "b"});
  CHECK(init.options[1].kind == ValueKind::words);
  CHECK(init.options[2].repeatable);

  const CommandDoc& list = command(prog, "list");
  CHECK_FALSE(list.needs_command);
  REQUIRE(list.positionals.size() == 1);
  CHECK(list.positionals[0].repeatable);
}

TEST_CASE("kind_of_value reads the value's name") {
  CHECK(kind_of_value("DIR") == ValueKind::dir);
  CHECK(kind_of_value("FILE") == ValueKind::file);
  CHECK(kind_of_value("ROOT.json") == ValueKind::file);
  CHECK(kind_of_value("[NAME=]KEY.pub") == ValueKind::file);
  CHECK(kind_of_value("DIR|BUNDLE") == ValueKind::file);  // a file or a directory: files cover both
  CHECK(kind_of_value("N") == ValueKind::none);
  CHECK(kind_of_value("X.Y.Z") == ValueKind::none);
  CHECK(kind_of_value("URL") == ValueKind::none);
}
