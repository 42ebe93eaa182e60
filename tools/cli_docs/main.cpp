// cli-docs: writes the man pages and bash completion scripts of sdcadm-bundle and
// sdcadm-install from the programs' own command-line definitions (builder::make_app,
// installer::make_app), at build time (tools/cli_docs/CMakeLists.txt). A build tool, never
// installed: nothing about documentation is hidden in the shipped binaries.
//
//   cli-docs --prose DIR --man DIR --completion DIR
//
// --prose holds the hand-written sections (docs/man/PROGRAM.roff); the pages go to
// --man/PROGRAM.1 and the scripts to --completion/PROGRAM.

#include "bash_completion.hpp"
#include "cli_model.hpp"
#include "man_page.hpp"

#include <builder/cli/cli.hpp>
#include <installer/cli/cli.hpp>

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Written whole or not at all: a half-written page must not look up to date to make.
void write_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot rename " + tmp + " to " + path);
}

void write_program(const CLI::App& app, const std::string& see_also, const std::string& default_command,
                   const std::string& prose_dir, const std::string& man_dir, const std::string& completion_dir) {
  const cli_docs::CommandDoc tree = cli_docs::read_app(app);
  const std::string prose_file = prose_dir + "/" + tree.name + ".roff";
  cli_docs::ManPage page;
  page.program = tree.name;
  page.version = SDCB_VERSION;
  page.see_also = see_also;
  page.prose = cli_docs::read_prose(read_file(prose_file), prose_file);
  write_file(man_dir + "/" + tree.name + ".1", cli_docs::man_page(tree, page));
  write_file(completion_dir + "/" + tree.name, cli_docs::bash_completion(tree, default_command));
}

}  // namespace

int main(int argc, char** argv) {
  std::string prose_dir, man_dir, completion_dir;
  CLI::App app{"Write the man pages and bash completion of sdcadm-bundle and sdcadm-install", "cli-docs"};
  app.add_option("--prose", prose_dir, "The hand-written sections (docs/man)")->required();
  app.add_option("--man", man_dir, "Where PROGRAM.1 goes")->required();
  app.add_option("--completion", completion_dir, "Where the completion scripts go")->required();
  CLI11_PARSE(app, argc, argv);
  try {
    const std::unique_ptr<CLI::App> bundle = builder::make_app(std::make_shared<std::string>());
    write_program(*bundle, "sdcadm-install", "", prose_dir, man_dir, completion_dir);
    const std::unique_ptr<CLI::App> install = installer::make_app(std::make_shared<installer::GlobalOptions>());
    write_program(*install, "sdcadm-bundle", installer::k_default_command, prose_dir, man_dir, completion_dir);
  } catch (const std::exception& e) {
    std::cerr << "cli-docs: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
