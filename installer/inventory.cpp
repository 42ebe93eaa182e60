#include <installer/inventory.hpp>

#include <signing/policy.hpp>

#include <installer/plan.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/hash.hpp>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <ctime>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

namespace installer {
namespace {

using common::Error;
using common::ExitCode;

bool is_stamp(const std::string& s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return false;
  for (std::size_t i = 0; i < 15; ++i) {
    if (i != 8 && (s[i] < '0' || s[i] > '9')) return false;
  }
  return true;
}

std::vector<std::string> platform_dirs(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    struct stat st {};
    if (is_stamp(name) && ::stat((dir + "/" + name).c_str(), &st) == 0 && S_ISDIR(st.st_mode)) out.push_back(name);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

std::string link_target_name(const std::string& link) {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
  if (n <= 0) return {};
  std::string target(buf, static_cast<std::size_t>(n));
  const std::size_t slash = target.rfind('/');
  return slash == std::string::npos ? target : target.substr(slash + 1);
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

bool is_uuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < 36; ++i) {
    const char c = s[i];
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Is `image` the shar the latest link points at? (see build_inventory's contract)
bool is_latest_shar(const manifest::ImageManifest& image, const HeadnodeFiles& files) {
  const std::string& name = files.agents_latest;
  if (name.empty()) return false;
  if (name == "agents-" + image.uuid() + ".sh" || name == "agent-" + image.uuid() + ".sh") return true;
  const auto file = image.file();
  return !files.agents_latest_sha1.empty() && file && file->sha1 == files.agents_latest_sha1;
}

manifest::ServiceType service_type(const std::string& type) {
  return type == "agent" ? manifest::ServiceType::agent : manifest::ServiceType::vm;
}

}  // namespace

std::string utc_now_seconds() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

HeadnodeFiles read_headnode_files(const HeadnodeLocations& where) {
  HeadnodeFiles f;
  f.platforms = platform_dirs(where.usbkey_os);
  f.agents_latest = link_target_name(where.agents_latest);
  if (where.shar_digest == SharDigest::compute && !f.agents_latest.empty()) {
    const std::string dir = where.agents_latest.substr(0, where.agents_latest.rfind('/') + 1);
    struct stat st {};
    if (::stat((dir + f.agents_latest).c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      f.agents_latest_sha1 = common::file_hex_digest(common::HashAlgorithm::sha1, dir + f.agents_latest);
    }
  }
  try {
    f.gz_tools_image = trim(common::read_small_file(where.gz_tools_image, 4096));
    if (!is_uuid(f.gz_tools_image)) {
      throw Error(ExitCode::bad_data, where.gz_tools_image + ": \"" + f.gz_tools_image.substr(0, 80) +
                                          "\" is not an image uuid");
    }
  } catch (const Error& e) {
    if (e.code() != ExitCode::not_found) throw;
    f.gz_tools_image.clear();
  }
  // The DC's trust root (docs/trust.md), checked as the installer checks it; none yet = absent.
  if (const auto root = signing::load_trusted_root(where.trust_root)) {
    f.trust_root_version = root->version();
  }
  return f;
}

manifest::Inventory build_inventory(const InventoryInputs& in) {
  const DcState dc = parse_dc_state(in.svcs, in.insts);
  manifest::Inventory inv;
  inv.datacenter = in.datacenter;
  inv.created = in.created;
  inv.update_channel = in.update_channel;
  inv.sdcadm = {in.sdcadm.version, in.sdcadm.buildstamp};
  inv.trust_root_version = in.files.trust_root_version;
  for (const auto& s : dc.services) {
    manifest::InventoryService svc;
    svc.name = s.name;
    svc.type = service_type(s.type);
    svc.params_image = s.params_image;
    inv.services.push_back(std::move(svc));
  }
  for (const auto& i : dc.instances) {
    auto it = std::find_if(inv.services.begin(), inv.services.end(),
                           [&](const manifest::InventoryService& s) { return s.name == i.service; });
    if (it == inv.services.end()) {
      throw Error(ExitCode::bad_data, "sdcadm insts -j: instance " + i.instance + " of service \"" + i.service +
                                          "\", which sdcadm svcs -j does not list");
    }
    if (i.image.empty()) continue;  // an agent without a known image: nothing to trim by
    it->instances.push_back({i.instance, i.alias, i.server, i.image});
    if (it->type == manifest::ServiceType::agent) {
      auto agent = std::find_if(inv.agents.begin(), inv.agents.end(),
                                [&](const manifest::InventoryAgent& a) { return a.name == i.service; });
      if (agent == inv.agents.end()) agent = inv.agents.insert(inv.agents.end(), {i.service, {}});
      if (std::find(agent->images.begin(), agent->images.end(), i.image) == agent->images.end()) {
        agent->images.push_back(i.image);
      }
    }
  }
  for (const auto& m : in.active_images) {
    inv.images.push_back({m.uuid(), m.name(), m.version(), m.published_at()});
    if (m.name() == "agentsshar" && is_latest_shar(m, in.files)) {
      const auto file = m.file();
      inv.agentsshar = manifest::InventoryAgentsshar{m.uuid(), m.version(), file ? file->sha1 : ""};
    }
  }
  for (const auto& p : in.files.platforms) {
    inv.platforms.push_back({p, p == in.files.platforms.back(), false, 0});
  }
  if (!in.files.gz_tools_image.empty()) {
    manifest::InventoryGzTools gz{in.files.gz_tools_image, ""};
    for (const auto& m : in.active_images) if (m.uuid() == gz.uuid) gz.version = m.version();
    inv.gz_tools = gz;
  }
  // The schema's own checks (uuids, stamps, uniqueness): what we write must read back.
  return manifest::Inventory::parse(inv.serialize());
}

}  // namespace installer
