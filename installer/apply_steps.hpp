#pragma once
// The steps of apply that are the installer's own rather than sdcadm's, as objects that fill
// apply's hooks (apply.hpp: ApplyHooks): stage, import, seed-agents, and the installer's
// self-update with the re-exec of the new binary. Stage, import and seed-agents take the
// sdcadm lock around their work (sdcadm takes it itself for its own commands).

#include <installer/apply_observer.hpp>
#include <installer/host_options.hpp>
#include <installer/lock.hpp>
#include <installer/paths.hpp>
#include <installer/verified_bundle.hpp>

#include <memory>
#include <optional>
#include <set>
#include <string>

namespace installer {

// What the steps work on; everything referred to outlives the run.
struct StepContext {
  const HostOptions& host;
  const Paths& paths;
  const VerifiedBundle& bundle;  // checked (verified_bundle.hpp): the types leave no other way
  ApplyObserver& observer;
};

// Stages the bundle under /usbkey (stage.hpp), with a "stage" phase of the bundle's bytes,
// and imports its images into the DC IMGAPI at `imgapi_url` in the same pass: each uploaded
// as soon as it has verified, activated once the whole bundle has (stream_import.hpp). The
// import step then finds them active and imports only what the pass left (a re-run).
class StageStep {
 public:
  StageStep(const StepContext& ctx, std::string imgapi_url, unsigned concurrency)
      : m_ctx(ctx), m_url(std::move(imgapi_url)), m_concurrency(concurrency) {}
  void operator()() const;

 private:
  StepContext m_ctx;
  std::string m_url;
  unsigned m_concurrency;
};

// The uuids of the plan's imports, set once the plan is made (nullopt before).
using PlannedImports = std::shared_ptr<std::optional<std::set<std::string>>>;

// Imports the staged images into the DC IMGAPI at `imgapi_url` (import.hpp). The phase says
// the count the plan said: the images already active are skipped, not imported.
class ImportStep {
 public:
  ImportStep(const StepContext& ctx, std::string imgapi_url, unsigned concurrency, PlannedImports planned)
      : m_ctx(ctx), m_url(std::move(imgapi_url)), m_concurrency(concurrency), m_planned(std::move(planned)) {}
  void operator()() const;

 private:
  StepContext m_ctx;
  std::string m_url;
  unsigned m_concurrency;
  PlannedImports m_planned;
};

// Writes the agents' bootstrap and agent set from the staged agent images (docs/agents.md)
// for nodes that download from `agents_domain`. `latest` stays: update-agents moves it once
// the nodes have the agents.
class SeedAgentsStep {
 public:
  SeedAgentsStep(const StepContext& ctx, std::string agents_domain) : m_ctx(ctx), m_domain(std::move(agents_domain)) {}
  void operator()() const;

 private:
  StepContext m_ctx;
  std::string m_domain;
};

// The bundle's installer, when it carries one (self_update.hpp). install() installs it over
// the running binary when it is newer and says whether it did; reexec() then replaces the
// process with it, handing over the installer lock (never a moment without it).
class InstallerSelfUpdate {
 public:
  InstallerSelfUpdate(const StepContext& ctx, FileLock& install_lock) : m_ctx(ctx), m_install_lock(install_lock) {}
  bool install();
  [[noreturn]] void reexec();

 private:
  StepContext m_ctx;
  FileLock& m_install_lock;
  std::string m_target;  // the binary install() replaced
};

}  // namespace installer
