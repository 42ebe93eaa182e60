#include <installer/agents/agent_set.hpp>

#include <manifest/triton_agents.hpp>

#include <common/error.hpp>
#include <common/hash.hpp>

#include <algorithm>
#include <cctype>

namespace installer::agents {

using common::Error;
using common::ExitCode;
using common::Json;

namespace {

constexpr std::size_t k_max_version = 256;
constexpr std::size_t k_max_domain = 255;
constexpr std::size_t k_stamp_digest_hex = 8;

bool is_lower_hex(std::string_view s, std::size_t length) {
  return s.size() == length &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f'); });
}

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// YYYY-MM-DDTHH:MM:SS[.fraction]Z, the shape IMGAPI gives published_at.
bool is_timestamp(std::string_view s) {
  if (s.size() < 20 || s.size() > 40 || s.back() != 'Z') return false;
  const std::string_view shape = "dddd-dd-ddTdd:dd:dd";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 'd' ? !std::isdigit(static_cast<unsigned char>(s[i])) : s[i] != shape[i]) return false;
  }
  const std::string_view rest = s.substr(shape.size(), s.size() - shape.size() - 1);
  return rest.empty() || (rest[0] == '.' && is_digits(rest.substr(1)));
}

// "2025-01-03T12:34:56.789Z" -> "20250103T123456Z".
std::string compact_time(const std::string& published_at) {
  std::string out;
  for (std::size_t i = 0; i < 19; ++i) {
    const char c = published_at[i];
    if (c != '-' && c != ':') out += c;
  }
  return out + "Z";
}

std::string shorten(const std::string& s) {
  std::string out;
  for (char c : s.substr(0, 60)) out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  return s.size() > 60 ? out + "..." : out;
}

[[noreturn]] void refuse(const std::string& what, const std::string& field, const std::string& value,
                         const std::string& expected) {
  throw Error(ExitCode::bad_data, what + ": " + field + " '" + shorten(value) + "' is not " + expected +
                                      "; the bundle's agent images cannot be seeded");
}

// Checks every field of an image; shared by the manifest path and the JSON path so a
// set read back from disk is as safe to bake into a script as a fresh one.
void check_image(const AgentImage& a, const std::string& what) {
  if (!is_known_agent(a.name)) refuse(what, "name", a.name, "one of the 11 Triton agents");
  if (!manifest::is_uuid(a.uuid)) refuse(what, "uuid", a.uuid, "a lower-case uuid");
  if (a.version.size() > k_max_version ||
      std::any_of(a.version.begin(), a.version.end(), [](char c) { return std::iscntrl(static_cast<unsigned char>(c)); })) {
    refuse(what, "version", a.version, "printable text of at most 256 bytes");
  }
  if (!is_timestamp(a.published_at)) refuse(what, "published_at", a.published_at, "an RFC 3339 UTC time");
  if (a.size == 0) refuse(what, "files[0].size", "0", "a size above 0");
  if (!is_lower_hex(a.sha1, 40)) refuse(what, "files[0].sha1", a.sha1, "40 lower-case hex digits");
  if (a.compression != "gzip" && a.compression != "bzip2") {
    refuse(what, "files[0].compression", a.compression, "gzip or bzip2 (cn-agent refuses anything else)");
  }
}

}  // namespace

const std::vector<std::string>& known_agents() { return manifest::shar_agents(); }

bool is_known_agent(std::string_view name) { return manifest::is_shar_agent(name); }

std::vector<std::string> missing_agents(const AgentSet& set) {
  std::vector<std::string> missing;
  for (const auto& name : known_agents()) {
    if (set.find(name) == nullptr) missing.push_back(name);
  }
  return missing;
}

const AgentImage* AgentSet::find(std::string_view name) const {
  for (const auto& a : agents) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

bool is_safe_domain(std::string_view domain) {
  if (domain.empty() || domain.size() > k_max_domain || domain.front() == '-' || domain.front() == ':') return false;
  return std::all_of(domain.begin(), domain.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
  });
}

AgentImage agent_image_of(const manifest::ImageManifest& m, const std::string& what) {
  AgentImage a;
  a.name = m.name();
  a.uuid = m.uuid();
  a.version = m.version();
  a.published_at = m.published_at();
  if (!is_known_agent(a.name)) refuse(what, "name", a.name, "one of the 11 Triton agents");
  if (m.type() != "other") refuse(what, "type", m.type(), "\"other\" (an agent image)");
  std::optional<manifest::ImageFile> file;
  try {
    file = m.file();
  } catch (const Error& e) {
    throw e.with_context(what);
  }
  if (!file) throw Error(ExitCode::bad_data, what + ": the manifest has no files[0]; the bundle's agent images cannot be seeded");
  a.size = file->size;
  a.sha1 = file->sha1;
  a.compression = file->compression;
  check_image(a, what);
  return a;
}

AgentSet make_agent_set(std::vector<AgentImage> images, const std::string& imgapi_domain) {
  if (!is_safe_domain(imgapi_domain)) {
    throw Error(ExitCode::config, "imgapi_domain '" + shorten(imgapi_domain) +
                                      "' is not a host name or address with an optional :port; "
                                      "fix imgapi_domain in /usbkey/config");
  }
  AgentSet set;
  set.imgapi_domain = imgapi_domain;
  for (const std::string& name : known_agents()) {
    for (auto& image : images) {
      if (image.name != name) continue;
      if (set.find(name)) {
        throw Error(ExitCode::bad_data, "two images of agent " + name + " (" + set.find(name)->uuid + " and " +
                                            image.uuid + "); a bundle carries one image per agent");
      }
      check_image(image, "agent " + name);
      set.agents.push_back(std::move(image));
    }
  }
  if (set.agents.size() != images.size()) {
    throw Error(ExitCode::bad_data, "an agent image with a name outside the 11 Triton agents");
  }
  if (!set.find("agents_core")) {
    throw Error(ExitCode::bad_data, "the bundle's agent images lack agents_core, which every node needs first "
                                    "(its bootstrap installs apm); rebuild the bundle with every agent image");
  }
  set.stamp = make_stamp(set);
  return set;
}

std::string make_stamp(const AgentSet& set) {
  std::string newest;
  std::string canonical;
  for (const auto& a : set.agents) {
    newest = std::max(newest, compact_time(a.published_at));
    // Every value the bootstrap bakes in (published_at too, issue 11), so one name is one script.
    canonical += a.name + " " + a.uuid + " " + a.sha1 + " " + std::to_string(a.size) + " " + a.compression + " " +
                 a.published_at + "\n";
  }
  canonical += set.imgapi_domain + "\n";
  return newest + "-" +
         common::hex_digest(common::HashAlgorithm::sha256, canonical).substr(0, k_stamp_digest_hex);
}

Json to_json(const AgentSet& set) {
  Json agents = Json::array();
  for (const auto& a : set.agents) {
    agents.push_back({{"name", a.name}, {"uuid", a.uuid}, {"version", a.version},
                      {"published_at", a.published_at}, {"size", a.size}, {"sha1", a.sha1},
                      {"compression", a.compression}});
  }
  return {{"v", 1}, {"stamp", set.stamp}, {"imgapi_domain", set.imgapi_domain}, {"agents", agents}};
}

AgentSet agent_set_from_json(const Json& json, const std::string& what) {
  try {
    if (json.at("v").get<int>() != 1) throw Error(ExitCode::bad_data, what + ": unsupported agent set version");
    std::vector<AgentImage> images;
    for (const Json& j : json.at("agents")) {
      AgentImage a;
      a.name = j.at("name").get<std::string>();
      a.uuid = j.at("uuid").get<std::string>();
      a.version = j.at("version").get<std::string>();
      a.published_at = j.at("published_at").get<std::string>();
      a.size = j.at("size").get<std::uint64_t>();
      a.sha1 = j.at("sha1").get<std::string>();
      a.compression = j.at("compression").get<std::string>();
      check_image(a, what + ": agent " + shorten(a.name));
      images.push_back(std::move(a));
    }
    AgentSet set = make_agent_set(std::move(images), json.at("imgapi_domain").get<std::string>());
    if (set.stamp != json.at("stamp").get<std::string>()) {
      throw Error(ExitCode::bad_data, what + ": stamp " + shorten(json.at("stamp").get<std::string>()) +
                                          " does not match its agents (" + set.stamp + ")");
    }
    return set;
  } catch (const Json::exception& e) {
    throw Error(ExitCode::bad_data, what + ": not an agent set: " + e.what());
  }
}

}  // namespace installer::agents
