#pragma once
// Install media (issue 6 item 3): the agent images and their bootstrap written into a
// headnode USB-key tree, so a fresh headnode's first boot (headnode.sh runs
// /mnt/usbkey/ur-scripts/agents-*.sh) installs the agents from the images:
//   DIR/images/<uuid>.imgmanifest + <uuid>.imgfile   (the bundle's bytes)
//   DIR/ur-scripts/agents-<stamp, lower-case>.sh      (bootstrap_script.hpp)
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
};

// Writes the media tree under `dir` (created if missing). Free space for what is still
// missing is checked first (Error(no_space)); each image file is extracted into a hidden
// temp file, checked (agent_tarball.hpp) and renamed; files already right are kept, so a
// re-run writes nothing. Error(io) when `dir` or a name in it is a symlink.
MediaResult write_media(const bundles::SeekableReader& reader, const AgentSet& set, const std::string& dir);

// "agents-<stamp>.sh" in lower case (foldcase FAT reads every name back lower-case).
std::string media_script_name(const AgentSet& set);

}  // namespace installer::agents
