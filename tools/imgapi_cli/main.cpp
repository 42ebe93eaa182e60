// imgapi-cli: a small IMGAPI command line (in the spirit of sdc-imgadm / updates-imgadm)
// over imgapi::Client, for labs, the demo and the integration tests.
//
//   imgapi-cli -S URL [-C CHANNEL] [-j] COMMAND ...
//     ping | channels | list [FIELD=VALUE...] | get UUID | get-file UUID -o FILE
//     import -m MANIFEST [-f FILE] [-c COMPRESSION] [-s SHA1] [--skip-owner-check]
//     activate UUID | delete UUID [--force-all-channels]
//
// Errors print "imgapi-cli: error: <message>" and exit with the code of docs/exit-codes.md.
#include "commands.hpp"
#include "interrupt.hpp"

#include <common/error.hpp>
#include <common/log.hpp>

#include <CLI/CLI.hpp>

#include <fstream>
#include <functional>
#include <iostream>
#include <sys/resource.h>

namespace {

using imgapi_cli::Globals;

// Peak resident set size in KiB: VmHWM where /proc exists (Linux), else getrusage
// (ru_maxrss is KiB on Linux and the BSDs; 0 where the system does not track it).
long peak_rss_kib() {
  std::ifstream status("/proc/self/status");  // portable: getrusage below where it is absent
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  struct rusage usage {};
  return ::getrusage(RUSAGE_SELF, &usage) == 0 ? usage.ru_maxrss : 0;
}

// Values of the subcommands' arguments (the parsed command's are read by its action).
struct Args {
  std::vector<std::string> filters;
  std::string uuid;
  std::string out_path;
  imgapi_cli::ImportArgs import_args;
  bool force_all = false;
};

void add_commands(CLI::App& app, Globals& g, Args& a, std::function<void()>& action) {
  app.add_subcommand("ping", "check that the server is an IMGAPI")
      ->callback([&] { action = [&] { imgapi_cli::cmd_ping(g); }; });
  app.add_subcommand("channels", "list the server's channels (none on a DC IMGAPI)")
      ->callback([&] { action = [&] { imgapi_cli::cmd_channels(g); }; });

  auto* list = app.add_subcommand("list", "list images (every page, each image once)");
  list->add_option("filters", a.filters, "FIELD=VALUE filters: name, version (~substr), owner, os, "
                                       "type (!type), state, public, tag.KEY, billing_tag, "
                                       "account, channel, limit, marker, inclAdminFields");
  list->callback([&] { action = [&] { imgapi_cli::cmd_list(g, a.filters); }; });

  app.add_subcommand("get", "print an image's manifest")
      ->callback([&] { action = [&] { imgapi_cli::cmd_get(g, a.uuid); }; })
      ->add_option("uuid", a.uuid, "image UUID")->required();

  auto* get_file = app.add_subcommand("get-file", "download an image file (size, SHA-1, MD5 checked)");
  get_file->add_option("uuid", a.uuid, "image UUID")->required();
  get_file->add_option("-o,--output", a.out_path, "output file (written only once verified)")->required();
  get_file->callback([&] { action = [&] { imgapi_cli::cmd_get_file(g, a.uuid, a.out_path); }; });

  auto* import = app.add_subcommand("import", "import a manifest, add its file and activate it");
  import->add_option("-m,--manifest", a.import_args.manifest_path, "manifest file")->required();
  import->add_option("-f,--file", a.import_args.file_path, "image file (omit: import only)");
  import->add_option("-c,--compression", a.import_args.compression, "gzip, bzip2, xz or none");
  import->add_option("-s,--sha1", a.import_args.sha1, "expected SHA-1 of the file");
  import->add_flag("--skip-owner-check", a.import_args.skip_owner_check, "skip the owner check");
  import->callback([&] { action = [&] { imgapi_cli::cmd_import(g, a.import_args); }; });

  app.add_subcommand("activate", "activate an imported image")
      ->callback([&] { action = [&] { imgapi_cli::cmd_activate(g, a.uuid); }; })
      ->add_option("uuid", a.uuid, "image UUID")->required();

  auto* del = app.add_subcommand("delete", "delete an image");
  del->add_option("uuid", a.uuid, "image UUID")->required();
  del->add_flag("--force-all-channels", a.force_all, "remove it from every channel");
  del->callback([&] { action = [&] { imgapi_cli::cmd_delete(g, a.uuid, a.force_all); }; });
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"imgapi-cli: talk to an IMGAPI (updates server or DC)", "imgapi-cli"};
  app.set_version_flag("--version", std::string("imgapi-cli ") + SDCB_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // global options also after the command: "list name=x -j"
  Globals g;
  bool verbose = false;
  bool no_progress = false;
  bool report_rss = false;
  app.add_option("-S,--source", g.url, "IMGAPI URL (may end in ?channel=NAME)")
      ->envname("IMGAPI_URL")->required();
  app.add_option("-C,--channel", g.channel, "channel (\"*\" = all channels, reads only)");
  app.add_flag("-j,--json", g.json, "JSON output on stdout");
  app.add_flag("-v,--verbose", verbose, "debug messages on stderr");
  app.add_flag("--no-progress", no_progress, "no progress display");
  app.add_flag("--report-rss", report_rss)->group("");  // hidden: for memory measurements
  Args args;
  std::function<void()> action;
  add_commands(app, g, args, action);

  int rc = 0;
  try {
    app.parse(argc, argv);
    common::log::configure({"imgapi-cli", "", common::log::Level::debug,
                            verbose ? common::log::Level::debug : common::log::Level::info});
    if (no_progress) g.progress = common::ProgressMode::never;
    imgapi_cli::install_interrupt_handler();
    action();
  } catch (const CLI::ParseError& e) {
    rc = app.exit(e) == 0 ? 0 : common::to_int(common::ExitCode::usage);
  } catch (const common::Error& e) {
    std::cerr << "imgapi-cli: error: " << e.what() << "\n";
    rc = common::to_int(e.code());
  } catch (const std::exception& e) {
    std::cerr << "imgapi-cli: internal error: " << e.what() << "\n";
    rc = common::to_int(common::ExitCode::internal);
  }
  if (report_rss) std::cerr << "imgapi-cli: peak RSS " << peak_rss_kib() << " KiB\n";
  return rc;
}
