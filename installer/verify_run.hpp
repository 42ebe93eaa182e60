#pragma once
// `sdcadm-install verify` as a workflow: is the bundle intact, and does it fit on this
// headnode? The bundle is first checked against the DC's trust root (docs/trust.md): a file
// before its payload is read, standard input as soon as its index and signatures arrive.
// Then every member against the index and the free space (verify_bundle.hpp). Writes
// nothing and takes no lock.

#include <installer/host_options.hpp>
#include <installer/run_observer.hpp>
#include <installer/verified_bundle.hpp>
#include <installer/verify_bundle.hpp>

#include <string>

namespace installer {

struct VerifyRunOptions {
  HostOptions host;
  std::string bundle;  // "-" = standard input; bundles::bundle_path_argument applied
  std::string label;   // what the verify phase is called: "verify NAME.sdc"
  unsigned threads = 0;  // workers for a file (0 = one per core)
  TrustOverrides trust;
  bool quiet = false;  // only warnings on stderr (the front end prints JSON)
};

// The result with signatures_checked and the signers' key ids filled in. Errors: Error(usage)
// for "-" when standard input is a terminal, the trust check's, verify_bundle's,
// Error(trust_mismatch) when the bundle changed while it was read. The bytes go to
// observer.phase.
VerifyResult run_verify(const VerifyRunOptions& options, RunObserver& observer);

}  // namespace installer
