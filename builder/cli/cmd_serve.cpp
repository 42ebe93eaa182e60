// `sdcadm-bundle serve`: runs the IMGAPI server (imgapi/server) on a catalog directory or a
// bundle (private mode, read-only with channels) or a data directory (DC mode, writable).
// This file only turns the command line into imgapi::server::Options, handles signals,
// the port file and the one "listening on" line; the server lives in the library.

#include <builder/bundle_store.hpp>
#include <builder/cli/cli.hpp>

#include <common/atomic_file.hpp>
#include <common/cli_flags.hpp>
#include <common/exit_code_text.hpp>
#include <common/error.hpp>
#include <common/log.hpp>
#include <imgapi/server/fault.hpp>
#include <imgapi/server/server.hpp>

#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace builder {
namespace {

struct ServeArgs {
  std::string dir;
  std::string listen;
  std::string mode = "private";
  std::string data_dir;
  std::string port_file;
  std::string admin_uuid = imgapi::server::k_default_admin_uuid;
  std::vector<std::string> faults;
  std::string log_file;
};

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A bundle is a file (NAME.sdc or NAME.sdc.parts.json), or NAME.sdc whose parts lie
// beside it; a catalog is a directory. A missing path named like a bundle is a bundle, so
// the error says "no such bundle" rather than "no such catalog directory".
bool is_bundle_path(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return !S_ISDIR(st.st_mode);
  return ends_with(path, ".sdc") || ends_with(path, ".parts.json");
}

imgapi::server::Options to_options(const ServeArgs& args) {
  imgapi::server::Options options;
  if (args.mode == "dc") {
    options.mode = imgapi::server::Mode::dc;
    if (args.data_dir.empty()) {
      throw common::Error(common::ExitCode::usage,
                          "serve --mode dc needs --data DIR (the writable data directory)");
    }
    if (!args.dir.empty()) {
      throw common::Error(common::ExitCode::usage,
                          "serve --mode dc takes no catalog DIR (\"" + args.dir +
                              "\"); give the data directory with --data DIR");
    }
    options.data_dir = args.data_dir;
  } else {
    if (args.dir.empty()) {
      throw common::Error(common::ExitCode::usage,
                          "serve needs a catalog DIR or a BUNDLE (private mode), or --mode dc "
                          "--data DIR");
    }
    if (!args.data_dir.empty()) {
      throw common::Error(common::ExitCode::usage,
                          "--data is only for --mode dc; private mode serves DIR read-only");
    }
    if (is_bundle_path(args.dir)) {
      auto store = std::make_shared<BundleStore>(args.dir);
      options.source = imgapi::server::PrivateSource{store, store->channels(),
                                                     store->description()};
    } else {
      options.catalog_dir = args.dir;
    }
  }
  options.admin_uuid = args.admin_uuid;
  for (const std::string& spec : args.faults) {
    options.faults.push_back(imgapi::server::parse_fault_spec(spec));
  }
  return options;
}

// Blocks SIGINT/SIGTERM in every thread (the server's workers inherit the mask) and
// waits for them on one thread, which stops the server: a clean stop, exit code 0.
class SignalStopper {
 public:
  explicit SignalStopper(imgapi::server::Server& server) {
    sigemptyset(&m_set);
    sigaddset(&m_set, SIGINT);
    sigaddset(&m_set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &m_set, &m_old);
    m_thread = std::thread([this, &server] {
      int sig = 0;
      sigwait(&m_set, &sig);
      if (!m_quit) common::log::info("stopping on signal " + std::to_string(sig));
      server.stop();
    });
  }
  ~SignalStopper() {
    m_quit = true;
    pthread_kill(m_thread.native_handle(), SIGTERM);
    m_thread.join();
    pthread_sigmask(SIG_SETMASK, &m_old, nullptr);
  }
  SignalStopper(const SignalStopper&) = delete;
  SignalStopper& operator=(const SignalStopper&) = delete;

 private:
  sigset_t m_set{};
  sigset_t m_old{};
  std::atomic<bool> m_quit{false};
  std::thread m_thread;
};

void run_serve(const ServeArgs& args) {
  imgapi::server::Options options = to_options(args);
  std::string host;
  int port = 0;
  imgapi::server::parse_listen(args.listen, host, port);

  common::log::Config log_config;
  log_config.file = args.log_file;
  log_config.file_level = common::log::Level::info;
  common::log::configure(log_config);

  imgapi::server::Server server(std::move(options));
  int bound = server.bind(host, port);
  SignalStopper stopper(server);
  if (!args.port_file.empty()) {
    common::write_file_atomic(args.port_file, std::to_string(bound) + "\n");
  }
  std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (!common::quiet()) {
    std::cerr << "listening on http://" << shown_host << ":" << bound << " (" << server.summary() << ")"
              << std::endl;
  }
  server.run();
}

}  // namespace

void register_serve(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "Serve images over the IMGAPI protocol: a catalog DIR or a BUNDLE read-only "
               "with channels (private mode, like the updates server: point sdcadm's "
               "updatesServerUrl at it), or a writable DC-mode IMGAPI");
  cmd->add_option("DIR|BUNDLE", args->dir,
                  "Private mode: a catalog directory (<uuid>.imgmanifest + <uuid>.imgfile "
                  "pairs and an optional channels.json), or a bundle (NAME.sdc, or "
                  "NAME.sdc.parts.json for split parts) whose images are served with their "
                  "channels, the bundle's channel being the default")
      ->type_name("DIR|BUNDLE");
  cmd->add_option("--listen", args->listen, "Address to listen on, HOST:PORT (port 0 = any free port)")
      ->type_name("HOST:PORT")
      ->required();
  cmd->add_option("--mode", args->mode,
                  "private: read-only mirror of DIR with channels; dc: writable DC IMGAPI "
                  "without channels, stored in --data")
      ->option_text("MODE")
      ->check(CLI::IsMember({"private", "dc"}))
      ->capture_default_str();
  cmd->add_option("--data", args->data_dir,
                  "DC mode: data directory (created if missing; state survives restarts)")
      ->type_name("DIR");
  cmd->add_option("--port-file", args->port_file,
                  "Write the bound port to this file (atomically) once listening")
      ->type_name("FILE");
  cmd->add_option("--admin-uuid", args->admin_uuid,
                  "DC mode: owner given to imported images whose owner is all zeros")
      ->type_name("UUID")
      ->capture_default_str();
  cmd->add_option("--fault", args->faults,
                  "TEST ONLY: inject a fault, repeatable. SPEC = one of status=NNN, "
                  "latency=MS, cut=BYTES, corrupt=OFFSET, plus filters method=M, path=GLOB, "
                  "nth=N, count=K (e.g. status=503,nth=3 or cut=65536,path=/images/*/file). "
                  "See docs/imgapi-server.md")
      ->type_name("SPEC")
      ->allow_extra_args(false)
      ->take_all();
  cmd->add_option("--log-file", args->log_file,
                  "Append one bunyan JSON line per request (and server events) to FILE")
      ->type_name("FILE");
  using common::ExitCode;
  cmd->footer("Stops cleanly (exit 0) on SIGINT or SIGTERM. Files served from a bundle are checked "
              "frame by frame while they are sent; a damaged one cuts the download. See "
              "docs/imgapi-server.md. " +
              common::exit_code_footer({{ExitCode::config, "bad configuration (missing directory, address in use)"},
                                        {ExitCode::bad_data, "invalid catalog or data directory content"}},
                                       {common::CodeFamily::bundle}));
  cmd->callback([args] { run_serve(*args); });
}

}  // namespace builder
