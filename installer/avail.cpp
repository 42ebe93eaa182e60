#include <installer/avail.hpp>

#include <installer/install_trust.hpp>
#include <installer/plan_inputs.hpp>

namespace installer {

namespace {

std::optional<manifest::Changelog> read_changelog(const OpenBundle& b) {
  if (!b.index().find_member("changelog.json")) return std::nullopt;
  return manifest::Changelog::parse(b.reader->read_member("changelog.json", manifest::k_changelog_max_bytes));
}

std::string compare_label(const ServicePlan& sp) {
  if (sp.changes()) return "newer";
  if (!sp.dropped.empty()) return "older";
  return sp.groups.empty() ? "" : "same";
}

}  // namespace

AvailResult run_avail(const AvailOptions& options, RunObserver& observer) {
  const HostOptions& host = options.host;
  const Paths paths = start_run(host, options.quiet);
  const std::string url = imgapi_url(host, paths);
  const SdcadmRunner runner(host.sdcadm);
  check_bundle_to_install(paths, options.bundle, options.trust, trust_report_to(observer));
  const OpenBundle bundle = open_bundle(options.bundle);
  PlanOptions plan_options;
  if (!options.services.empty()) {
    SpecLimit limit;
    for (const auto& s : options.services) limit.entries.push_back({s, std::nullopt, std::nullopt});
    plan_options.limit = limit;
  }
  const Plan plan =
      make_plan(gather_plan_inputs(bundle, runner, url, paths, agents_imgapi_domain(host, paths), host.sdc_server),
                plan_options);
  const auto changelog = options.changes ? read_changelog(bundle) : std::nullopt;
  AvailResult r;
  r.bundle_id = plan.bundle_id;
  r.not_deployed = plan.not_deployed;
  for (const auto& sp : plan.services) {
    AvailService row;
    row.service = sp.service;
    row.image = sp.target.uuid;
    row.version = sp.target.version;
    row.published_at = sp.target.published_at;
    for (const auto& g : sp.groups) row.current.push_back({g.from_image, g.from_version, g.instances.size()});
    for (const auto& d : sp.dropped) row.current.push_back({d.from_image, d.from_version, d.count});
    row.offer = compare_label(sp);
    const manifest::ChangelogArtifact* log = changelog ? changelog->find(sp.target.name) : nullptr;
    if (log) row.changes = log->entries;
    r.services.push_back(std::move(row));
  }
  return r;
}

}  // namespace installer
