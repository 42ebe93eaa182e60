// sdcadm self-update IMAGE_UUID | --latest (sdcadm.md §5): the image comes from the IMGAPI
// given with -S (the DC IMGAPI in an offline DC) on channel -C; "newer" is semver, then the
// buildstamp time, never published_at. Holds the sdcadm lock like selfUpdate.
#include <tools/fake_sdcadm/commands.hpp>
#include <tools/fake_sdcadm/fault.hpp>
#include <tools/fake_sdcadm/state.hpp>

#include <common/error.hpp>
#include <imgapi/client.hpp>
#include <manifest/version_order.hpp>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;

namespace {

manifest::SdcadmVersion version_of(const manifest::ImageManifest& image) {
  const std::string stamp = image.tag_string("buildstamp");
  if (image.name() != "sdcadm") {
    throw Error(ExitCode::bad_data, "image " + image.uuid() + " (" + image.name() + "@" + image.version() +
                                        ") is not an sdcadm image (name must be \"sdcadm\")");
  }
  if (!manifest::parse_semver(image.version()) || !manifest::buildstamp_time(stamp)) {
    throw Error(ExitCode::bad_data, "sdcadm image " + image.uuid() + " has no semver version or no "
                                    "tags.buildstamp of the form <branch>-<YYYYMMDDTHHMMSSZ>-g<sha>");
  }
  return {image.version(), stamp};
}

std::uint64_t major_of(const std::string& version) { return manifest::parse_semver(version)->major; }

// The candidate to install, or nullopt when already up to date.
std::optional<manifest::ImageManifest> pick(const Context& ctx, imgapi::Client& client,
                                            const SelfUpdateOptions& o, const manifest::SdcadmVersion& cur) {
  std::vector<manifest::ImageManifest> candidates;
  if (o.latest) {
    imgapi::ListFilter filter;
    filter.name = "sdcadm";
    candidates = client.list_images(filter);
  } else {
    candidates.push_back(client.get_image(o.image));
  }
  std::vector<manifest::ImageManifest> newer;
  std::string skipped_major;
  for (const auto& c : candidates) {
    const manifest::SdcadmVersion v = version_of(c);
    if (!o.allow_major && major_of(v.version) != major_of(cur.version)) {
      skipped_major = v.version;
      continue;
    }
    if (manifest::compare_sdcadm(v, cur) > 0) newer.push_back(c);
  }
  if (!skipped_major.empty()) {
    ctx.out << "Skipping available major sdcadm update, version " << skipped_major
            << " (use --allow-major-update to allow)\n";
  }
  if (newer.empty()) return std::nullopt;
  std::stable_sort(newer.begin(), newer.end(), [](const auto& a, const auto& b) {
    return manifest::compare_sdcadm(version_of(a), version_of(b)) < 0;
  });
  return newer.back();
}

}  // namespace

void cmd_self_update(const Context& ctx, const SelfUpdateOptions& o) {
  if (o.latest == !o.image.empty()) {
    throw Error(ExitCode::usage, "must specify exactly one of an image UUID or --latest");
  }
  if (!o.image.empty() && !manifest::is_uuid(o.image)) {
    throw Error(ExitCode::usage, "invalid image UUID: \"" + o.image + "\"");
  }
  if (o.source.empty()) {
    throw Error(ExitCode::network, "self-update without -S needs the updates server "
                                   "(https://updates.tritondatacenter.com), which this offline DC "
                                   "cannot reach: pass -S <DC IMGAPI URL> -C <channel>");
  }
  std::optional<FileLock> lock;
  if (!o.dry_run) lock.emplace(take_sdcadm_lock(ctx));
  const StateLock state_lock(ctx.root);
  State state = State::load(ctx.root);
  if (!o.dry_run) {
    fire_fault(active_fault(state), "self-update", "",
               "error running sdcadm installer: simulated failure (fake-sdcadm fault knob)", state, ctx.root);
  }
  imgapi::ClientOptions copts;
  imgapi::Client probe(o.source);
  // getDefaultChannel is fatal here: a DC IMGAPI has no /channels, so -C is required there.
  copts.channel = o.channel.empty() ? probe.get_default_channel() : std::optional<std::string>(o.channel);
  if (!copts.channel) {
    throw Error(ExitCode::config, "could not determine the update channel: " + o.source +
                                      " has no default channel; pass -C CHANNEL");
  }
  imgapi::Client client(o.source, copts);
  const common::Json& cur_json = state.json()["sdcadm"];
  const manifest::SdcadmVersion cur{cur_json["version"].get<std::string>(), cur_json["buildstamp"].get<std::string>()};
  const auto image = pick(ctx, client, o, cur);
  if (!image) {
    ctx.out << "Already up-to-date (using \"" << *copts.channel << "\" update channel).\n";
    if (!o.dry_run) {
      state.append_log(ctx.argv);
      state.save(ctx.root);
    }
    return;
  }
  const std::string prefix = o.dry_run ? "[dry-run] " : "";
  const std::string stamp = image->tag_string("buildstamp");
  ctx.out << prefix << "Update to sdcadm " << image->version() << " (" << stamp << ")\n"
          << prefix << "Download update from " << o.source << "\n";
  if (o.dry_run) return;
  ctx.out << "Run sdcadm installer (log at /var/sdcadm/self-updates/" << now_iso8601().substr(0, 10)
          << "/install.log)\n";
  state.json()["sdcadm"] = {{"version", image->version()}, {"buildstamp", stamp}, {"image", image->uuid()}};
  state.append_log(ctx.argv);
  state.save(ctx.root);
  ctx.out << "Updated to sdcadm " << image->version() << " (" << stamp << ", elapsed 0s)\n";
}

}  // namespace fake_sdcadm
