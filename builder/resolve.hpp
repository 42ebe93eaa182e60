#pragma once
// builder::resolve: what `sdcadm-bundle build` puts in a bundle. Picks, for every
// requested service and artifact, the image sdcadm would call "latest" on the updates
// server's channel (or the pinned one), adds the origin chains the DC lacks, trims by the
// DC inventory, and writes the changelogs. Pure logic over an imgapi::Client: it reads
// manifests only, never image files.
//
// Rules (reference/sdcadm.md §2.4, §3, §5; imgapi.md §4.4):
//  - service: image names from sdcadm's imgNamesFromSvcName (builder/service_map.hpp); the
//    newest is the greatest published_at across all its names, never the version string.
//    Agents likewise by their names; agentsshar, gz-tools and platform by published_at;
//    sdcadm by semver, then the tags.buildstamp time.
//  - SERVICE@UUID and SERVICE@VERSION pin: the image must carry one of the service's names
//    and be on the channel; a version matching several images is an error listing them.
//  - every chosen image brings its whole origin chain (fetched with channel "*"), stopping
//    at images the DC already has active (inventory); loops and chains deeper than
//    IMGAPI's MAX_ORIGIN_DEPTH (100) are refused.
//  - with an inventory: images the DC has active, services the DC does not run (unless
//    named) and targets not newer than what the DC runs (unless pinned) are left out, each
//    with a TrimNote saying why.
//
// Errors (common::Error): usage (bad selection, nothing selected, a service named twice,
// pin of an image of another service), unknown_channel (the channel does not exist, or the
// server has no channels and no -C was given, or no default channel), not_found (a named
// service has no image on the channel, pinned uuid/version not found, an origin the server
// does not have), origin_loop, bad_data (malformed manifests: no file, bad published_at,
// chain too deep), plus whatever the client throws (network, remote_error, ...).

#include <imgapi/client.hpp>
#include <manifest/changelog.hpp>
#include <manifest/image_manifest.hpp>
#include <manifest/inventory.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace builder {

// One command-line selection: SERVICE, SERVICE@UUID or SERVICE@VERSION. SERVICE is a
// service or agent name of sdcadm's map, or agentsshar, gz-tools, platform, sdcadm.
struct Selection {
  std::string service;
  std::optional<std::string> uuid;     // SERVICE@UUID (a lower-case IMGAPI uuid)
  std::optional<std::string> version;  // SERVICE@VERSION (anything after '@' that is no uuid)

  // The selection as the user would write it ("imgapi@1.2.3").
  std::string text() const;
};

// Parses one selection. Throws Error(usage) for an empty argument, an empty part around
// '@', a version with characters IMGAPI does not allow, or an unknown service (the message
// lists the known names, and says "did you mean manatee?" for an image name such as
// sdc-postgres).
Selection parse_selection(std::string_view arg);

struct ResolveRequest {
  // -C: the channel to resolve in. nullopt: the server's default channel (GET /channels).
  // A server without channels (a DC IMGAPI) is accepted only with an explicit channel,
  // which is then recorded but cannot be enforced (the server ignores it).
  std::optional<std::string> channel;
  // SERVICE[@PIN]... Each service at most once. With `all` they override (pin) single
  // entries and count as "named explicitly" for the trim.
  std::vector<Selection> selections;
  // Every service and agent of the map, agentsshar, gz-tools, platform and sdcadm. Entries
  // without any image on the channel are skipped with a note instead of failing.
  bool all = false;
  // --inventory: the trim basis and the changelogs' "from". Not owned; may be null.
  const manifest::Inventory* inventory = nullptr;
  // --since VERSION|DATE: the changelogs' start when given (wins over the inventory for the
  // changelog only). DATE: YYYY-MM-DD or an IMGAPI published_at; VERSION: an image version.
  std::optional<std::string> since;
  // With `all`: include the agentsshar / the individual agent images (role "agent", used by
  // `sdcadm-install seed-agents`). Explicitly named ones are always included.
  bool include_agentsshar = true;
  bool include_agent_images = true;
};

struct ResolvedArtifact {
  // service-image | origin | agent | agentsshar | gz-tools | platform | sdcadm
  std::string role;
  // service-image: the SAPI service(s) the image serves; empty for other roles.
  std::vector<std::string> services;
  manifest::ImageManifest image;  // exactly as the updates server sent it
  bool pinned = false;            // chosen by SERVICE@UUID / SERVICE@VERSION
  // Identical files are stored once: the uuid of an EARLIER artifact of this resolution
  // whose files[0] has the same sha1 and size, "" when none. The packer may point both
  // artifacts at that one file member (bundle-format.md §3); resolve() only detects it.
  std::string same_file_as;
  // The delta base (trimmed builds, builder/delta_members.hpp): the image of the same name
  // the DC runs now (trim.hpp's dc_baseline), as the updates server has it. nullopt without
  // an inventory, or with `no_delta_base` saying why there is none.
  std::optional<manifest::ImageManifest> delta_base{};
  std::string no_delta_base{};
};

// Something left out, and why: {"service docker", "not run by the DC"}.
struct TrimNote {
  std::string what;
  std::string reason;
};

struct Resolution {
  std::string source_url;  // the client's base URL
  std::string channel;     // the channel resolved in (given or the server's default)
  // Targets and the origins they need, each image once, in import order: every origin
  // comes before the images built on it. Targets are ordered by ArtifactKind (services,
  // agents, agentsshar, gz-tools, platform, sdcadm), then by name; each target's missing
  // origins come right before it, oldest first. Deterministic for a given catalog.
  std::vector<ResolvedArtifact> artifacts;
  std::vector<TrimNote> trimmed;  // left out by the inventory trim
  std::vector<TrimNote> skipped;  // --all entries with nothing to offer (no image on the
                                  // channel) and unusable candidates (sdcadm images with
                                  // no semver version or buildstamp)
  // One changelog artifact per target (not per origin), in the targets' order.
  manifest::Changelog changelog;
};

// Resolves `request` against the updates server behind `updates` (see the rules above).
// The client's own channel setting is not used: every call passes the resolved channel
// (or "*" for origins).
Resolution resolve(imgapi::Client& updates, const ResolveRequest& request);

}  // namespace builder
