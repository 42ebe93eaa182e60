#include <installer/seed_agents_run.hpp>

#include <installer/agents/bootstrap_script.hpp>
#include <installer/bundle_size.hpp>
#include <installer/import.hpp>
#include <installer/import_plan.hpp>
#include <installer/stage.hpp>

#include <bundles/part_source.hpp>
#include <bundles/seekable_reader.hpp>
#include <common/error.hpp>

namespace installer {

using common::Error;
using common::ExitCode;

namespace {

agents::AgentSet require_set(std::optional<agents::AgentSet> set, const std::string& bundle) {
  if (!set) {
    throw Error(ExitCode::not_found, bundle + " carries no agent images (role agent); build it without "
                                     "--no-agent-images, or keep using the agentsshar");
  }
  if (const auto missing = agents::missing_agents(*set); !missing.empty()) {
    std::string names;
    for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
    throw Error(ExitCode::not_found, bundle + " lacks the agent images of " + names + ": a bootstrap for new "
                "nodes must install all " + std::to_string(agents::known_agents().size()) + " agents. Build the "
                "bundle with --all and without trimming by an inventory, or keep using the agentsshar");
  }
  return std::move(*set);
}

// Stage (the full pass: it keeps what is in place), then the agent images into IMGAPI.
void stage_and_import(const SeedAgentsOptions& options, RunObserver& observer, const Paths& paths,
                      const VerifiedBundle& trusted) {
  const std::string url = imgapi_url(options.host, paths);
  const std::unique_ptr<PhaseProgress> bar = observer.phase("stage " + options.bundle, bundle_file_size(trusted.path()));
  StageOptions stage;
  stage.progress = [&bar](std::uint64_t done, std::uint64_t) { bar->update(done); };
  stage.bases.imgapi_url = url;  // delta bases missing from /usbkey
  stage_bundle(trusted, paths, stage);
  bar->finish();
  std::vector<ImportItem> all = plan_import(trusted, paths), items;
  for (ImportItem item : all) {  // a copy: `all` stays whole for origin look-ups
    if (item.image.role != "agent") continue;
    if (item.origin) {  // agents have none; if one did, it must already be in IMGAPI
      item.external_origin = all[*item.origin].image.uuid;
      item.origin.reset();
    }
    items.push_back(std::move(item));
  }
  ImportOptions import;
  ping_imgapi(url, import.client);
  import_images(url, items, import);
}

}  // namespace

MediaSeed seed_agents_media(const SeedAgentsOptions& options, RunObserver& observer) {
  const Paths paths = start_run(options.host, options.quiet);
  const std::string bundle = bundles::bundle_path_argument(options.bundle);
  const VerifiedBundle trusted = check_bundle_to_install(paths, bundle, options.trust, trust_report_to(observer));
  const bundles::SeekableReader& reader = trusted.reader();  // the one the check used
  agents::AgentSet set =
      require_set(agents::agent_set_of_bundle(reader, agents_imgapi_domain(options.host, paths)), options.bundle);
  agents::MediaResult result = agents::write_media(reader, set, options.media);
  return MediaSeed{std::move(set), std::move(result)};
}

agents::SeedResult seed_agents(const SeedAgentsOptions& options, RunObserver& observer) {
  const Paths paths = start_run(options.host, options.quiet);
  const RunLocks locks = take_locks(options.host, paths);
  const std::string bundle = bundles::bundle_path_argument(options.bundle);
  const VerifiedBundle trusted = check_bundle_to_install(paths, bundle, options.trust, trust_report_to(observer));
  const std::string domain = agents_imgapi_domain(options.host, paths);
  if (!agents::is_safe_domain(domain)) {  // before anything is staged
    throw Error(ExitCode::config, "imgapi_domain '" + domain.substr(0, 80) + "' is not a host name or address "
                                  "with an optional :port; fix it in /usbkey/config");
  }
  // a bundle without (all) agent images is refused before anything is staged
  require_set(agents::agent_set_of_bundle(trusted.reader(), domain), options.bundle);
  stage_and_import(options, observer, paths, trusted);
  const agents::AgentSet set = require_set(agents::agent_set_of(trusted, paths, domain), options.bundle);
  return agents::write_seed(set, paths, options.no_latest ? agents::LatestLink::keep : agents::LatestLink::move);
}

}  // namespace installer
