#include <installer/stage_run.hpp>

#include <installer/bundle_size.hpp>

#include <common/error.hpp>

#include <unistd.h>

namespace installer {

StageReport run_stage(const StageRunOptions& options, RunObserver& observer) {
  const Paths paths = start_run(options.host, options.quiet);
  if (options.bundle == "-" && ::isatty(STDIN_FILENO)) {
    throw common::Error(common::ExitCode::usage,
                        "stage -: standard input is a terminal; pipe a bundle in or name a file");
  }
  const RunLocks locks = take_locks(options.host, paths);
  const std::unique_ptr<PhaseProgress> bar = observer.phase(options.label, bundle_file_size(options.bundle));
  StageOptions stage;
  stage.bases.imgapi_url = imgapi_url_if_known(options.host, paths);  // delta bases missing from /usbkey
  stage.progress = [&bar](std::uint64_t done, std::uint64_t) { bar->update(done); };
  // Read once on a pipe: the trust check runs on the stream's index, before anything is
  // written, and the same reader goes on with the payload.
  const StageReport r =
      options.bundle == "-"
          ? stage_bundle(check_stream_to_install(paths, options.trust, trust_report_to(observer)), paths, stage)
          : stage_bundle(check_bundle_to_install(paths, options.bundle, options.trust, trust_report_to(observer)),
                         paths, stage);
  bar->finish();
  return r;
}

}  // namespace installer
