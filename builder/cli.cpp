#include <builder/cli.hpp>

#include <common/error.hpp>
#include <common/exit_code.hpp>

#include <exception>
#include <iostream>

namespace builder {

int run(int argc, char** argv) {
  CLI::App app{"sdcadm-bundle: build, sign, inspect and serve offline update bundles for Triton DataCenter",
               "sdcadm-bundle"};
  app.set_version_flag("--version", std::string("sdcadm-bundle ") + SDCB_VERSION);
  app.require_subcommand(1);
  app.footer("Exit codes: see docs/exit-codes.md. Run 'sdcadm-bundle COMMAND --help' for details.");

  register_build(app);
  register_inspect(app);
  register_changelog(app);
  register_verify(app);
  register_sign(app);
  register_key(app);
  register_trust(app);
  register_serve(app);
  register_receipt(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints help/version itself; usage errors get exit code 2.
    int rc = app.exit(e);
    return rc == 0 ? 0 : common::to_int(common::ExitCode::usage);
  } catch (const common::Error& e) {
    std::cerr << "sdcadm-bundle: error: " << e.what() << "\n";
    return common::to_int(e.code());
  } catch (const std::exception& e) {
    std::cerr << "sdcadm-bundle: internal error: " << e.what() << "\n";
    return common::to_int(common::ExitCode::internal);
  }
  return 0;
}

}  // namespace builder
