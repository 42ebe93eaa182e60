#pragma once
// The agent set (issue 6): which image of each Triton agent a node should run, as the
// bundle delivers them (role "agent", headnode.md §3.4), plus the DC IMGAPI a compute node
// downloads them from. It is what the bootstrap script bakes in and what
// /usbkey/extra/agents/agents-<stamp>.json records.
//
// Every field is checked here (headnode.md §3.5 item 1) so that nothing hostile reaches
// the generated shell script: names come from the fixed list of the 11 agents, uuids
// and sha1s are lower-case hex, sizes are numbers, compression is gzip or bzip2 (cn-agent
// refuses "none"), the imgapi_domain is a host[:port].

#include <manifest/image_manifest.hpp>

#include <common/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace installer::agents {

// The agents of a Triton compute node (the agentsshar's agents.json), in the order the
// bootstrap installs them: agents_core first (its bootstrap installs apm), then the rest.
const std::vector<std::string>& known_agents();
bool is_known_agent(std::string_view name);

// One agent image.
struct AgentImage {
  std::string name;          // one of known_agents()
  std::string uuid;          // the image uuid, also <name>/image_uuid inside the tarball
  std::string version;       // informational; refused when it holds control bytes
  std::string published_at;  // RFC 3339 (YYYY-MM-DDTHH:MM:SS[.fff]Z)
  std::uint64_t size = 0;    // files[0].size
  std::string sha1;          // files[0].sha1
  std::string compression;   // "gzip" or "bzip2"
};

struct AgentSet {
  std::string imgapi_domain;       // host, IPv4 or [IPv6], optional :port
  std::vector<AgentImage> agents;  // known_agents() order, each name once
  std::string stamp;               // make_stamp(): YYYYMMDDTHHMMSSZ-<8 hex>

  const AgentImage* find(std::string_view name) const;
};

// Validates one agent manifest (role "agent" in the bundle): name known, type "other",
// files[0] with compression gzip or bzip2, a size > 0 and a 40-hex sha1, a published_at.
// Throws common::Error(bad_data) naming `what`, the field and the value (shortened).
AgentImage agent_image_of(const manifest::ImageManifest& manifest, const std::string& what);

// Builds the set from the agent images: validates the domain (Error(config)), refuses two
// images of one agent (Error(bad_data)) and a set without agents_core (Error(bad_data)
// naming it: without it no node can bootstrap apm), sorts them and computes the stamp.
AgentSet make_agent_set(std::vector<AgentImage> images, const std::string& imgapi_domain);

// The shar agents the set lacks (known_agents() order). A bootstrap that `latest` names must
// install every agent a new node needs, so seeding refuses a set with any missing (a
// trimmed bundle drops agents the DC already runs); apply falls back to the agentsshar.
std::vector<std::string> missing_agents(const AgentSet& set);

// The stamp of a set: its newest published_at as YYYYMMDDTHHMMSSZ, '-', and the first 8
// hex digits of SHA-256 over the canonical set (name uuid sha1 size compression
// published_at, one line each, then the domain): everything the bootstrap bakes in. Same
// set => same stamp; any change => another stamp.
std::string make_stamp(const AgentSet& set);

// True for a host name, an IPv4 address or a bracketed IPv6 address with an optional
// :port: the only characters [A-Za-z0-9.:[]-], so it is safe inside a shell word.
bool is_safe_domain(std::string_view domain);

// JSON: {"v": 1, "stamp", "imgapi_domain", "agents": [{name, uuid, version, published_at,
// size, sha1, compression}...]}. from_json re-validates everything (Error(bad_data)).
common::Json to_json(const AgentSet& set);
AgentSet agent_set_from_json(const common::Json& json, const std::string& what);

}  // namespace installer::agents
