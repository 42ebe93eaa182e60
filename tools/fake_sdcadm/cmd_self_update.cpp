// sdcadm self-update IMAGE_UUID | --latest -S URL [-C CH] [-n] [--allow-major-update]
// (sdcadm 1.39.0 lib/cli/do_self_update.js, lib/sdcadm.js selfUpdate 2874-3152 and
// _selfAvailable 2778-2857; sdcadm.md §5). The image comes from the IMGAPI given with -S
// (the DC IMGAPI in an offline DC) on the channel getDefaultChannel picks. --latest takes
// the newest candidate (semver at least the current, build time after the current one);
// a UUID is installed whatever its version, even the current or an older one (the real one
// does not compare it), unless it is another major version. Holds the sdcadm lock.
#include <tools/fake_sdcadm/commands.hpp>
#include <tools/fake_sdcadm/fault.hpp>
#include <tools/fake_sdcadm/state.hpp>

#include <common/error.hpp>
#include <imgapi/client.hpp>
#include <manifest/version_order.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <optional>

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

// semver.satisfies(version, "<current major>.x"): same major, and no pre-release (a range
// without one never matches a pre-release).
bool same_major(const std::string& version, const std::string& current) {
  const auto v = manifest::parse_semver(version);
  return v->major == manifest::parse_semver(current)->major && v->prerelease.empty();
}

// getDefaultChannel (lib/sdcadm.js:1310-1345): -C (do_self_update.js:54-57), else the sdc
// application's update_channel (which also becomes the updates client's channel,
// lib/sdcadm.js:262-264), else the source's GET /channels default. `named` is that client
// channel ("" when the channel came from /channels), which "Already up-to-date" names.
std::string pick_channel(const SelfUpdateOptions& o, const State& state, std::string& named) {
  named = o.channel.empty() ? state.update_channel() : o.channel;
  if (!named.empty()) return named;
  imgapi::Client probe(o.source);
  if (!probe.list_channels()) {
    // A DC IMGAPI without channels answers restify's 404; SDCClientError's text
    // (lib/errors.js:154-178).
    throw Error(ExitCode::config, "imgapi client error (ResourceNotFound): /channels does not exist");
  }
  const auto channel = probe.get_default_channel();
  if (!channel) {
    throw Error(ExitCode::config, o.source + " lists no default channel (the real sdcadm fails reading it); pass -C");
  }
  return *channel;
}

// findLatestSdcAdm (lib/sdcadm.js:2952-2992) over _selfAvailable's candidates: not below the
// current semver, built after the current build, sorted by (semver, build time); the other
// majors dropped unless allowed. nullopt when up to date.
std::optional<manifest::ImageManifest> pick_latest(const Context& ctx, imgapi::Client& client,
                                                   const SelfUpdateOptions& o, const manifest::SdcadmVersion& cur) {
  imgapi::ListFilter filter;
  filter.name = "sdcadm";
  const std::string cur_time = *manifest::buildstamp_time(cur.buildstamp);
  std::vector<manifest::ImageManifest> candidates;
  std::vector<std::string> dropped;
  for (const auto& c : client.list_images(filter)) {
    const manifest::SdcadmVersion v = version_of(c);
    if (manifest::compare_semver(v.version, cur.version) < 0) continue;     // dropLowerVer
    if (*manifest::buildstamp_time(v.buildstamp) <= cur_time) continue;      // dropLowerStamp
    if (!o.allow_major && !same_major(v.version, cur.version)) {
      dropped.push_back(v.version);
      continue;
    }
    candidates.push_back(c);
  }
  if (!dropped.empty()) {
    std::sort(dropped.begin(), dropped.end(),
              [](const std::string& a, const std::string& b) { return manifest::compare_semver(a, b) < 0; });
    ctx.out << "Skipping available major sdcadm update, version " << dropped.back()
            << " (use --allow-major-update to allow)\n";
  }
  if (candidates.empty()) return std::nullopt;
  std::stable_sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
    return manifest::compare_sdcadm(version_of(a), version_of(b)) < 0;
  });
  return candidates.back();
}

// findSdcadmByUUID (lib/sdcadm.js:2996-3030): any version of the same major, no comparison.
manifest::ImageManifest pick_uuid(const Context& ctx, imgapi::Client& client, const SelfUpdateOptions& o,
                                  const manifest::SdcadmVersion& cur) {
  manifest::ImageManifest image = client.get_image(o.image);
  const manifest::SdcadmVersion v = version_of(image);
  if (!o.allow_major && !same_major(v.version, cur.version)) {
    ctx.out << "Skipping sdcadm self-update to version " << v.version << "(use --allow-major-update to allow)\n";
    throw Error(ExitCode::usage, "Major sdcadm version update requires --allow-major-update option");
  }
  return image;
}

// common.utcTimestamp (lib/common.js:1899-1913), the self-update work dir's name.
std::string utc_stamp() {
  const std::time_t now = std::time(nullptr);
  std::tm tm {};
  ::gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
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
                                   "cannot reach: pass -S <DC IMGAPI URL>");
  }
  std::optional<FileLock> lock;
  if (!o.dry_run) lock.emplace(take_sdcadm_lock(ctx));
  const auto start = std::chrono::steady_clock::now();
  const std::string stamp_dir = "/var/sdcadm/self-updates/" + utc_stamp();
  const StateLock state_lock(ctx.root);
  State state = State::load(ctx.root);
  std::string named;
  const std::string channel = pick_channel(o, state, named);
  ctx.out << "Using channel " << channel << "\n";
  if (!o.dry_run) {
    fire_fault(active_fault(state), "self-update", "",
               "error running sdcadm installer: simulated failure (fake-sdcadm fault knob)", state, ctx.root);
  }
  if (!o.dry_run && noop_requested("self-update")) {  // FAKE_SDCADM_NOOP (fault.hpp): nothing installed
    ctx.out << "Already up-to-date (using " << (named.empty() ? "default" : "\"" + named + "\"")
            << " update channel).\n";
    return;
  }
  imgapi::ClientOptions copts;
  copts.channel = channel;
  imgapi::Client client(o.source, copts);
  const common::Json& cur_json = state.json()["sdcadm"];
  const manifest::SdcadmVersion cur{cur_json["version"].get<std::string>(), cur_json["buildstamp"].get<std::string>()};
  const std::string prefix = o.dry_run ? "[dry-run] " : "";
  std::optional<manifest::ImageManifest> image;
  if (o.latest) {
    image = pick_latest(ctx, client, o, cur);
    if (!image) {
      ctx.out << "Already up-to-date (using " << (named.empty() ? "default" : "\"" + named + "\"")
              << " update channel).\n";
      if (!o.dry_run) {
        state.append_log(ctx.argv);
        state.save(ctx.root);
      }
      return;
    }
  } else {
    image = pick_uuid(ctx, client, o, cur);
  }
  const std::string stamp = image->tag_string("buildstamp");
  ctx.out << prefix << "Update to sdcadm " << image->version() << " (" << stamp << ")\n"
          << prefix << "Download update from " << o.source << "\n"
          << prefix << "Run sdcadm installer (log at " << stamp_dir << "/install.log)\n";
  if (!o.dry_run) {
    state.json()["sdcadm"] = {{"version", image->version()}, {"buildstamp", stamp}, {"image", image->uuid()}};
    state.append_log(ctx.argv);
    state.save(ctx.root);
  }
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start);
  ctx.out << prefix << "Updated to sdcadm " << image->version() << " (" << stamp << ", elapsed " << secs.count()
          << "s)\n";
}

}  // namespace fake_sdcadm
