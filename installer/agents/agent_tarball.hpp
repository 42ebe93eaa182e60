#pragma once
// The check cn-agent's agent_install makes on an agent image file before installing it
// (headnode.md §3.4), done by the installer on the staged file so a bad image is refused
// on the headnode before any node is told to install it.

#include <installer/agents/agent_set.hpp>

#include <string>

namespace installer::agents {

// The largest <name>/image_uuid read (a uuid and a newline; anything longer is wrong).
inline constexpr std::size_t k_max_image_uuid_file = 4096;

// Checks the file at `path` against `image`: a regular file of files[0].size bytes and
// SHA-1, compressed as files[0].compression says, holding the member <name>/image_uuid
// whose first line is the image's uuid. Streams the file (libarchive stops at the member).
// Throws Error(not_found) when the file is missing, Error(integrity) naming the agent, the
// file and what differs otherwise, Error(io) when it cannot be read.
void check_agent_file(const AgentImage& image, const std::string& path);

}  // namespace installer::agents
