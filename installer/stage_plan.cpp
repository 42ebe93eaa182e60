#include <installer/stage_plan.hpp>

#include <common/error.hpp>
#include <common/path.hpp>
#include <common/hash.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <set>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace installer {

using common::Error;
using common::ExitCode;

namespace {

const char* const k_image_roles[] = {"service-image", "origin", "agent",  "agentsshar",
                                     "gz-tools",      "platform", "sdcadm"};
const std::string k_temp_suffix = ".sdcadm-install-tmp";

bool is_image_role(const std::string& role) {
  for (const char* r : k_image_roles) {
    if (role == r) return true;
  }
  return false;
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

std::string describe(const manifest::BundleArtifact& a) {
  std::string d = a.uuid.empty() ? a.name : "image " + a.uuid;
  if (!a.name.empty() && !a.uuid.empty()) d += " (" + a.name + "@" + a.version + ")";
  return d + " [" + a.role + "]";
}

// The file's headnode path, checked against the rules in the header.
std::string file_target(const manifest::BundleArtifact& a) {
  const std::string images_path = "/usbkey/images/" + a.uuid + ".imgfile";
  if (a.stage_as.empty() || a.stage_as == images_path) return images_path;
  if (starts_with(a.stage_as, "/usbkey/extra/") && a.stage_as.size() > 14) return a.stage_as;
  throw Error(ExitCode::bundle_unsafe,
              "bundle index: " + describe(a) + ": stage_as \"" + a.stage_as +
                  "\" is neither " + images_path + " nor under /usbkey/extra/; this installer "
                  "writes nowhere else. The bundle was not made by sdcadm-bundle or was altered");
}

StageTarget& add_target(StagePlan& plan, std::map<std::string, std::string>& by_path,
                const manifest::BundleMember& member, const std::string& headnode_path,
                const Paths& paths) {
  const auto found = by_path.find(headnode_path);
  if (found != by_path.end()) {
    if (found->second == member.name) {
      for (auto& t : plan.targets) {
        if (t.headnode_path == headnode_path) return t;
      }
    }
    throw Error(ExitCode::bundle_corrupt, "bundle index: members " + found->second + " and " +
                                              member.name + " are both staged to " + headnode_path);
  }
  by_path.emplace(headnode_path, member.name);
  plan.targets.push_back({member.name, headnode_path, paths.local(headnode_path), member.size, member.sha256,
                          std::nullopt, ""});
  return plan.targets.back();
}

}  // namespace

StagePlan plan_stage(const manifest::BundleIndex& index, const Paths& paths) {
  StagePlan plan;
  std::map<std::string, std::string> by_path;               // headnode path -> member
  std::map<std::string, const manifest::BundleArtifact*> by_uuid;
  std::set<std::string> patch_members;
  for (const auto& a : index.artifacts) {
    if (!is_image_role(a.role)) {
      plan.not_staged.push_back(describe(a));
      continue;
    }
    if (a.file_member.empty() && !a.delta) {
      throw Error(ExitCode::bundle_corrupt, "bundle index: " + describe(a) +
                                                " has no file member; it cannot be staged or imported");
    }
    if (const auto seen = by_uuid.find(a.uuid); seen != by_uuid.end()) {
      if (seen->second->manifest_member == a.manifest_member &&
          seen->second->file_member == a.file_member && seen->second->delta == a.delta &&
          seen->second->stage_as == a.stage_as) {
        continue;  // listed twice (e.g. for two roles): staged once
      }
      throw Error(ExitCode::bundle_corrupt, "bundle index: image " + a.uuid +
                                                " is listed twice with different members");
    }
    by_uuid.emplace(a.uuid, &a);
    const manifest::BundleMember* manifest_member = index.find_member(a.manifest_member);
    // A delta's file comes from its patch member (rebuilt while it streams, stage.cpp).
    const std::string& source_member = a.delta ? a.delta->patch_member : a.file_member;
    const manifest::BundleMember* file_member = index.find_member(source_member);
    if (a.delta && patch_members.count(source_member)) {
      throw Error(ExitCode::bundle_corrupt, "bundle index: patch member " + source_member +
                                                " rebuilds more than one image");
    }
    if (a.delta) patch_members.insert(source_member);
    if (manifest_member->size > k_max_manifest_member) {
      throw Error(ExitCode::bundle_too_large, "bundle index: manifest member " + a.manifest_member +
                                                  " declares " + std::to_string(manifest_member->size) +
                                                  " bytes; manifests are at most 1 MiB");
    }
    StagedImage image{a.uuid, a.name, a.version, a.role, a.published_at,
                      a.manifest_member, source_member, "", "", "",
                      a.delta ? a.delta->file_size : file_member->size,
                      a.delta ? a.delta->file_sha256 : file_member->sha256, a.delta,
                      a.delta ? file_member->size : 0};
    image.file_headnode_path = file_target(a);
    const bool in_images = image.file_headnode_path == "/usbkey/images/" + a.uuid + ".imgfile";
    const std::string manifest_headnode_path =
        in_images ? "/usbkey/images/" + a.uuid + ".imgmanifest"
                  : "/var/sdcadm/install/manifests/" + a.uuid + ".imgmanifest";
    image.file_path = paths.local(image.file_headnode_path);
    image.manifest_path = paths.local(manifest_headnode_path);
    add_target(plan, by_path, *manifest_member, manifest_headnode_path, paths);
    StageTarget& file = add_target(plan, by_path, *file_member, image.file_headnode_path, paths);
    if (a.delta) {
      file.size = a.delta->file_size;
      file.sha256 = a.delta->file_sha256;
      file.delta = a.delta;
      file.image_uuid = a.uuid;
    }
    plan.images.push_back(std::move(image));
  }
  // Member order: the stream delivers members in index order.
  std::map<std::string, std::size_t> order;
  for (std::size_t i = 0; i < index.members.size(); ++i) order.emplace(index.members[i].name, i);
  std::stable_sort(plan.targets.begin(), plan.targets.end(),
                   [&](const StageTarget& x, const StageTarget& y) {
                     return order.at(x.member) < order.at(y.member);
                   });
  return plan;
}

ExistingFile check_existing(const std::string& path, const manifest::BundleMember& member,
                            std::uint64_t chunk_size) {
  ExistingFile out;
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
      static_cast<std::uint64_t>(st.st_size) != member.size) {
    return out;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) throw Error(ExitCode::io, "reading staged file " + path + ": " + std::strerror(errno));
  std::vector<char> buf(1u << 20);
  common::Hasher sha1(common::HashAlgorithm::sha1);
  std::uint64_t left = member.size;
  bool same = true;
  for (std::size_t chunk = 0; same && left > 0; ++chunk) {
    common::Hasher sha256(common::HashAlgorithm::sha256);
    std::uint64_t in_chunk = std::min<std::uint64_t>(left, chunk_size);
    while (in_chunk > 0) {
      const ssize_t n = ::read(fd, buf.data(), std::min<std::uint64_t>(buf.size(), in_chunk));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int err = errno;
        ::close(fd);
        if (n == 0) return out;  // shrank while reading: not staged
        throw Error(ExitCode::io, "reading staged file " + path + ": " + std::strerror(err));
      }
      sha256.update(buf.data(), static_cast<std::size_t>(n));
      sha1.update(buf.data(), static_cast<std::size_t>(n));
      in_chunk -= static_cast<std::uint64_t>(n);
      left -= static_cast<std::uint64_t>(n);
    }
    same = chunk < member.sha256.size() && sha256.finish_hex() == member.sha256[chunk];
  }
  ::close(fd);
  if (!same) return out;
  out.matches = true;
  out.sha1 = sha1.finish_hex();
  return out;
}

manifest::BundleMember expected_file(const StageTarget& target) {
  return manifest::BundleMember{target.member, target.size, target.sha256};
}

std::string temp_path_for(const std::string& path) {
  const std::string dir = common::dir_of(path);
  return (dir == "/" ? std::string() : dir) + "/." + common::base_name(path) + k_temp_suffix;
}

bool is_temp_name(const std::string& file_name) {
  return file_name.size() > k_temp_suffix.size() + 1 && file_name[0] == '.' &&
         file_name.compare(file_name.size() - k_temp_suffix.size(), k_temp_suffix.size(),
                           k_temp_suffix) == 0;
}

std::string describe(const StagedImage& image) {
  return "image " + image.uuid + " (" + image.name + "@" + image.version + ")";
}

}  // namespace installer
