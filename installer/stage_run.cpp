#include <installer/stage_run.hpp>

#include <installer/bundle_size.hpp>
#include <installer/import_plan.hpp>
#include <installer/verify_bundle.hpp>

#include <common/error.hpp>

#include <unistd.h>

namespace installer {

using common::Error;
using common::ExitCode;

namespace {

// Stage and import in one pass, then import what the pass left (a re-run: files in place).
StageRunResult stage_and_import_run(const StageRunOptions& options, const Paths& paths, RunObserver& observer) {
  StagedImport imported;
  imported.imgapi_url = imgapi_url(options.host, paths);
  const std::string& url = imported.imgapi_url;
  const VerifiedBundle trusted =
      check_bundle_to_install(paths, options.bundle, options.trust, trust_report_to(observer));
  ImportOptions import;
  import.concurrency = options.concurrency;
  import.attempts = options.attempts;
  ping_imgapi(url, import.client);
  check_space(plan_stage(trusted.index(), paths), paths, url, import.client);  // IMGAPI's share too
  StageOptions stage;
  stage.bases.imgapi_url = url;
  StageRunResult r;
  {
    const std::unique_ptr<PhaseProgress> bar = observer.phase(options.label, bundle_file_size(options.bundle));
    stage.progress = [&bar](std::uint64_t done, std::uint64_t) { bar->update(done); };
    StageImportReport both = stage_and_import(trusted, paths, stage, url, import);
    bar->finish();
    r.stage = std::move(both.stage);
    imported.during = std::move(both.during);
  }
  const std::vector<ImportItem> items = plan_import(trusted, paths);
  const std::unique_ptr<PhaseProgress> bar =
      observer.phase("import " + std::to_string(items.size()) + " image(s)", import_bytes(items));
  import.progress = [&bar](std::uint64_t done, std::uint64_t) { bar->update(done); };
  try {
    imported.after = import_images(url, items, import);
  } catch (const Error& e) {
    // The pass may have activated images already: say so, so "nothing was imported" of an
    // IMGAPI that stopped answering is read as this import's, not the whole run's.
    throw e.with_context("the bundle is staged and " + std::to_string(imported.during.images.size()) +
                         " image(s) imported while staging are active; importing the rest (run the same "
                         "command again to finish)");
  }
  bar->finish();
  r.import = std::move(imported);
  return r;
}

}  // namespace

StageRunResult run_stage(const StageRunOptions& options, RunObserver& observer) {
  const Paths paths = start_run(options.host, options.quiet);
  if (options.bundle == "-" && ::isatty(STDIN_FILENO)) {
    throw Error(ExitCode::usage, "stage -: standard input is a terminal; pipe a bundle in or name a file");
  }
  if (options.bundle == "-" && options.import) {
    throw Error(ExitCode::usage,
                "stage - --import: the import reads the bundle's signed manifests again after the pass; "
                "name the bundle file, or run `sdcadm-install import FILE` after `stage -`");
  }
  const RunLocks locks = take_locks(options.host, paths);
  if (options.import) return stage_and_import_run(options, paths, observer);
  const std::unique_ptr<PhaseProgress> bar = observer.phase(options.label, bundle_file_size(options.bundle));
  StageOptions stage;
  stage.bases.imgapi_url = imgapi_url_if_known(options.host, paths);  // delta bases missing from /usbkey
  stage.progress = [&bar](std::uint64_t done, std::uint64_t) { bar->update(done); };
  // Read once on a pipe: the trust check runs on the stream's index, before anything is
  // written, and the same reader goes on with the payload.
  StageRunResult r;
  r.stage = options.bundle == "-"
                ? stage_bundle(check_stream_to_install(paths, options.trust, trust_report_to(observer)), paths, stage)
                : stage_bundle(check_bundle_to_install(paths, options.bundle, options.trust,
                                                       trust_report_to(observer)),
                               paths, stage);
  bar->finish();
  return r;
}

}  // namespace installer
