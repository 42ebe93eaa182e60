#include <installer/apply_steps.hpp>

#include <installer/agents/seed.hpp>
#include <installer/bundle_size.hpp>
#include <installer/import.hpp>
#include <installer/import_plan.hpp>
#include <installer/installer_version.hpp>
#include <installer/self_update.hpp>
#include <installer/stage.hpp>
#include <installer/stream_import.hpp>

#include <common/error.hpp>

#include <algorithm>

namespace installer {

using common::Error;
using common::ExitCode;

void StageStep::operator()() const {
  const FileLock lock = take_lock(m_ctx.host, m_ctx.paths.sdcadm_lock, "sdcadm lock");
  const std::unique_ptr<PhaseProgress> bar = m_ctx.observer.phase("stage", bundle_file_size(m_ctx.bundle.path()));
  StageOptions options;
  options.progress = [&bar](std::uint64_t done, std::uint64_t) { bar->update(done); };
  options.bases.imgapi_url = m_url;  // delta bases missing from /usbkey
  ImportOptions import;
  import.concurrency = m_concurrency;
  stage_and_import(m_ctx.bundle, m_ctx.paths, options, m_url, import);
  bar->finish();
}

void ImportStep::operator()() const {
  const FileLock lock = take_lock(m_ctx.host, m_ctx.paths.sdcadm_lock, "sdcadm lock");
  const std::vector<ImportItem> items = plan_import(m_ctx.bundle, m_ctx.paths);
  ImportOptions options;
  options.concurrency = m_concurrency;
  ping_imgapi(m_url, options.client);
  const std::optional<std::set<std::string>>& planned = *m_planned;
  const std::size_t count =
      !planned ? items.size()
               : static_cast<std::size_t>(std::count_if(items.begin(), items.end(), [&](const ImportItem& i) {
                   return planned->count(i.image.uuid) != 0;
                 }));
  const std::unique_ptr<PhaseProgress> bar =
      m_ctx.observer.phase("import " + std::to_string(count) + " image(s)", import_bytes(items));
  options.progress = [&bar](std::uint64_t done, std::uint64_t) { bar->update(done); };
  import_images(m_url, items, options);
  bar->finish();
}

void SeedAgentsStep::operator()() const {
  const FileLock lock = take_lock(m_ctx.host, m_ctx.paths.sdcadm_lock, "sdcadm lock");
  const std::optional<agents::AgentSet> set = agents::agent_set_of(m_ctx.bundle, m_ctx.paths, m_domain);
  if (!set) throw Error(ExitCode::internal, "seed-agents: the staged bundle has no agent images");
  agents::write_seed(*set, m_ctx.paths, agents::LatestLink::keep);
}

bool InstallerSelfUpdate::install() {
  const manifest::BundleArtifact* newer = installer_to_install(m_ctx.bundle.index(), running_version());
  if (newer == nullptr) {
    m_ctx.observer.say("sdcadm-install " + std::string(running_version()) + " is not older than the bundle's; kept");
    return false;
  }
  m_target = running_binary_path();
  install_installer(m_ctx.bundle, *newer, m_target);
  m_ctx.observer.say("sdcadm-install " + newer->version + " installed at " + m_target + " (the previous " +
                     running_version() + " kept as " + m_target + ".prev); restarting it");
  return true;
}

void InstallerSelfUpdate::reexec() {
  m_ctx.observer.before_exec();  // exec drops what the streams still buffer
  m_install_lock.keep_across_exec(k_install_lock_fd_env);  // no moment without the lock
  installer::reexec(m_target, invocation(), m_ctx.bundle.index().bundle_id);
}

}  // namespace installer
