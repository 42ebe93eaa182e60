// `sdcadm-bundle changelog BUNDLE [SERVICE...]`: the bundle's changelog.json as text
// (manifest::render_text) or JSON. Reads only the index and the changelog member through
// the seek table; the member is checked against its hash in the index before it is shown.

#include <builder/cli/cli.hpp>
#include <builder/cli/cli_options.hpp>

#include <bundles/seekable_reader.hpp>
#include <common/error.hpp>
#include <manifest/changelog.hpp>

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace builder {
namespace {

using common::Error;
using common::ExitCode;

struct ChangelogArgs {
  std::string bundle;
  std::vector<std::string> names;
  bool json = false;
};

struct BundleChangelog {
  manifest::Changelog changelog;
  std::vector<manifest::BundleArtifact> artifacts;
};

BundleChangelog read_changelog(const std::string& path) {
  const auto reader = bundles::SeekableReader::open(path, bundles::PartCheck::sizes_only);
  if (!reader.index().find_member("changelog.json")) {
    throw Error(ExitCode::not_found, path + " has no changelog.json member");
  }
  return {manifest::Changelog::parse(
              reader.read_member("changelog.json", manifest::k_changelog_max_bytes)),
          reader.index().artifacts};
}

// Changelogs are per image name; a SAPI service name whose image has another name
// (binder -> manta-nameservice, manatee -> sdc-postgres) is mapped through the index.
std::vector<std::string> image_names(const BundleChangelog& bundle,
                                     const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& name : names) {
    std::string mapped = name;
    if (!bundle.changelog.find(name)) {
      for (const auto& a : bundle.artifacts) {
        if (std::find(a.services.begin(), a.services.end(), name) != a.services.end()) {
          mapped = a.name;
        }
      }
    }
    out.push_back(mapped);
  }
  return out;
}

// Names asked for that the changelog lacks: a warning each; none found at all is an error
// that lists what there is.
void check_names(const manifest::Changelog& changelog, const ChangelogArgs& args) {
  std::size_t found = 0;
  for (const auto& name : args.names) {
    if (changelog.find(name)) ++found;
    else std::cerr << "sdcadm-bundle: warning: no changelog for \"" << name << "\" in this bundle\n";
  }
  if (!args.names.empty() && found == 0) {
    std::string have;
    for (const auto& a : changelog.artifacts) have += (have.empty() ? "" : ", ") + a.name;
    throw Error(ExitCode::not_found, "none of the names asked for has a changelog in " +
                                         args.bundle + "; it has: " +
                                         (have.empty() ? std::string("none") : have));
  }
}

void run_changelog(const ChangelogArgs& given) {
  const BundleChangelog bundle = read_changelog(bundle_path_argument(given.bundle));
  const manifest::Changelog& changelog = bundle.changelog;
  ChangelogArgs args = given;
  args.names = image_names(bundle, given.names);
  check_names(changelog, args);
  if (!args.json) {
    std::cout << manifest::render_text(changelog, args.names) << std::flush;
    return;
  }
  common::Json j = common::parse_json(changelog.serialize(), "changelog");
  if (!args.names.empty()) {
    common::Json kept = common::Json::array();
    // Built from the parsed model, which has every name, rather than by probing the JSON.
    for (std::size_t i = 0; i < changelog.artifacts.size(); ++i) {
      for (const auto& name : args.names) {
        if (changelog.artifacts[i].name == name) kept.push_back(j["artifacts"][i]);
      }
    }
    j["artifacts"] = std::move(kept);
  }
  print_json(j);
}

}  // namespace

void register_changelog(CLI::App& app) {
  auto args = std::make_shared<ChangelogArgs>();
  CLI::App* cmd = app.add_subcommand(
      "changelog", "Show what changed: every image published between the DC's version (or "
                   "--since) and the bundled one, per artifact");
  cmd->add_option("BUNDLE", args->bundle, "NAME.sdc, or NAME.sdc.parts.json of a split bundle")
      ->required();
  cmd->add_option("SERVICE", args->names, "Only these artifacts: image names (imgapi, sdc-postgres) or SAPI service names (manatee)");
  cmd->add_flag("-j,--json", args->json, "The changelog as JSON (changelog.json's schema)");
  cmd->footer(common::exit_code_footer({{ExitCode::not_found, "no such bundle or none of the names found"}},
                                       {common::CodeFamily::bundle}));
  cmd->callback([args] { run_changelog(*args); });
}

}  // namespace builder
