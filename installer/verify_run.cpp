#include <installer/verify_run.hpp>

#include <installer/bundle_size.hpp>
#include <installer/install_trust.hpp>
#include <installer/installer_version.hpp>

#include <common/error.hpp>

#include <unistd.h>

namespace installer {

using common::Error;

VerifyResult run_verify(const VerifyRunOptions& options, RunObserver& observer) {
  const Paths paths = start_run(options.host, options.quiet);
  if (options.bundle == "-" && ::isatty(STDIN_FILENO)) {
    throw Error(common::ExitCode::usage, "verify -: standard input is a terminal; pipe a bundle in "
                                         "or name a file");
  }
  VerifyOptions verify;
  verify.threads = options.threads;
  verify.imgapi_url = imgapi_url_if_known(options.host, paths);
  verify.client.http.max_attempts = 2;  // only an estimate: do not wait long for a DC
  const std::string& bundle = options.bundle;
  // Trust first: a file before its payload is read; standard input inside the one pass.
  // verify only reports, so on a pipe it checks the unverified index it read and keeps the
  // verdict; nothing here can stage (that needs a VerifiedBundle / VerifiedStream).
  std::optional<std::string> trusted_index_bytes;
  std::optional<signing::TrustVerdict> verdict;
  if (bundle != "-") {
    const VerifiedBundle checked = check_bundle_to_install(paths, bundle, options.trust, trust_report_to(observer));
    trusted_index_bytes = checked.index_bytes();
    verdict = checked.verdict();
  } else {
    verify.check_index = [&](const std::string& unverified_index_bytes, const manifest::BundleIndex& unverified_index,
                             const std::string& unverified_slot) {
      verdict = check_unverified_index(paths, bundle, unverified_index_bytes, unverified_index, unverified_slot,
                                       options.trust);
      trusted_index_bytes = unverified_index_bytes;
      observer.trusted(unverified_index, *verdict);
      check_installer_version(unverified_index, running_version());
    };
  }
  const std::unique_ptr<PhaseProgress> bar = observer.phase(options.label, bundle_file_size(bundle));
  verify.progress = [&bar](std::uint64_t done, std::uint64_t) { bar->update(done); };
  VerifyResult result = verify_bundle(bundle, paths, verify);
  bar->finish();
  if (trusted_index_bytes && result.index_bytes != *trusted_index_bytes) {
    throw Error(common::ExitCode::trust_mismatch, "the bundle changed while it was being checked");
  }
  if (!verdict) throw Error(common::ExitCode::internal, "verify: the trust check did not run");
  result.signatures_checked = true;
  for (const auto& s : verdict->signers) result.signers.push_back(s.keyid);
  return result;
}

}  // namespace installer
