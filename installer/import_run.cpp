#include <installer/import_run.hpp>

#include <installer/import_plan.hpp>
#include <installer/verify_bundle.hpp>

namespace installer {

ImportRunResult run_import(const ImportRunOptions& options, RunObserver& observer) {
  const Paths paths = start_run(options.host, options.quiet);
  ImportRunResult r;
  r.imgapi_url = imgapi_url(options.host, paths);
  const std::string& url = r.imgapi_url;
  const RunLocks locks = take_locks(options.host, paths);
  const VerifiedBundle trusted =
      check_bundle_to_install(paths, options.bundle, options.trust, trust_report_to(observer));
  const StagePlan plan = plan_stage(trusted.index(), paths);
  const std::vector<ImportItem> items = plan_import(trusted, paths);
  ImportOptions import;
  import.concurrency = options.concurrency;
  import.attempts = options.attempts;
  ping_imgapi(url, import.client);
  check_space(plan, paths, url, import.client);  // IMGAPI's share, before any upload
  const std::unique_ptr<PhaseProgress> bar =
      observer.phase("import " + std::to_string(items.size()) + " image(s)", import_bytes(items));
  import.progress = [&bar](std::uint64_t done, std::uint64_t) { bar->update(done); };
  r.report = import_images(url, items, import);
  bar->finish();
  return r;
}

}  // namespace installer
