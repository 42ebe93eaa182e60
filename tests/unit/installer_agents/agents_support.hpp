#pragma once
// Fixtures for the installer/agents unit tests: a valid agent set of the 11 agents, with
// each image's fields deterministic so tests can bend one of them.

#include <installer/agents/agent_set.hpp>

#include <tests/unit/support/error_capture.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace agents_test {

using sdcb_test::code_of;
using sdcb_test::message_of;

// A lower-case uuid whose last group is `n` (hex).
inline std::string uuid_n(unsigned n) {
  char buf[37];
  std::snprintf(buf, sizeof buf, "0a1b2c3d-0000-4000-8000-%012x", n);
  return buf;
}

inline installer::agents::AgentImage image_of(const std::string& name, unsigned n) {
  installer::agents::AgentImage a;
  a.name = name;
  a.uuid = uuid_n(n);
  a.version = "1.0." + std::to_string(n) + "-master-20250103T000000Z-g1234567";
  a.published_at = "2025-01-0" + std::to_string(1 + n % 9) + "T12:00:0" + std::to_string(n % 10) + ".123Z";
  a.size = 1000 + n;
  a.sha1 = std::string(39, 'a') + "0123456789abcdef"[n % 16];
  a.compression = "gzip";
  return a;
}

// The 11 agents, in reverse of install order (make_agent_set must sort them).
inline std::vector<installer::agents::AgentImage> eleven() {
  std::vector<installer::agents::AgentImage> out;
  const auto& names = installer::agents::known_agents();
  for (std::size_t i = names.size(); i-- > 0;) out.push_back(image_of(names[i], static_cast<unsigned>(i + 1)));
  return out;
}

}  // namespace agents_test
