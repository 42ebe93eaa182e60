#pragma once
// Install media (issue 6 item 3): the agent images and their bootstrap written into a
// headnode USB-key tree, so a fresh headnode's first boot (headnode.sh runs
// /mnt/usbkey/ur-scripts/agents-*.sh) installs the agents from the images:
//   DIR/agent-images/<uuid>.imgmanifest + <uuid>.imgfile   (the bundle's bytes)
//   DIR/ur-scripts/agents-<stamp, lower-case>.sh            (bootstrap_script.hpp)
// Not DIR/images/: the first boot runs `imgadm install` on every images/*.imgmanifest under
// errexit (sdc-headnode scripts/headnode.sh:46,790-803), and imgadm installs every image that
// is not a docker one through `zfs receive` (smartos-live src/img/lib/imgadm.js:2856-2861,
// 2626-2703), which an agent image's tarball fails: the setup would stop there. Not under
// extra/agents/ either: headnode.sh creates /usbkey/extra/agents and its `latest` link only
// when that directory is missing (scripts/headnode.sh:450-454).
// The key is FAT, mounted foldcase: every name is lower-case and nothing is a link.
// Works from the bundle alone (no headnode, no DC IMGAPI).

#include <installer/agents/agent_set.hpp>

#include <bundles/seekable_reader.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace installer::agents {

// The agent set of a bundle from its own manifest members (each read verified).
// nullopt: no agent images. Errors as agent_set_of (seed.hpp) and the reader's.
std::optional<AgentSet> agent_set_of_bundle(const bundles::SeekableReader& reader,
                                            const std::string& imgapi_domain);

struct MediaResult {
  std::string script_path;          // DIR/ur-scripts/agents-<stamp>.sh
  std::size_t images_written = 0;   // image files extracted by this run
  std::size_t images_already = 0;   // image files already there with the right bytes
  std::uint64_t bytes_written = 0;
  bool script_written = false;
  std::size_t stale_removed = 0;    // this set's files an earlier run left in DIR/images/
};

// Writes the media tree under `dir` (created if missing). Free space for what is still
// missing is checked first (Error(no_space)); each image file is extracted into a hidden
// temp file, checked (agent_tarball.hpp) and renamed; files already right are kept, so a
// re-run writes nothing. This set's agent images found in DIR/images/ (where earlier
// versions wrote them) are removed first. Error(io) when `dir` or a name in it is a symlink.
MediaResult write_media(const bundles::SeekableReader& reader, const AgentSet& set, const std::string& dir);

// The key's directory for agent images (the bootstrap looks in /usbkey/agent-images and
// /mnt/usbkey/agent-images).
inline constexpr const char* k_media_images_dir = "agent-images";

// "agents-<stamp>.sh" in lower case (foldcase FAT reads every name back lower-case).
std::string media_script_name(const AgentSet& set);

}  // namespace installer::agents
