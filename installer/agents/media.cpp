#include <installer/agents/media.hpp>

#include <installer/agents/agent_tarball.hpp>
#include <installer/agents/bootstrap_script.hpp>
#include <installer/agents/files.hpp>
#include <installer/free_space.hpp>
#include <installer/stage_plan.hpp>

#include <common/error.hpp>
#include <common/hash.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace installer::agents {

using common::Error;
using common::ExitCode;

namespace {

const manifest::BundleArtifact* artifact_of(const manifest::BundleIndex& index, const std::string& uuid) {
  for (const auto& a : index.artifacts) {
    if (a.role == "agent" && a.uuid == uuid) return &a;
  }
  return nullptr;
}

// FAT has no links: a link in the tree would be a build mistake (and a write through it
// could land anywhere).
void refuse_link(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    throw Error(ExitCode::io, path + " is a symbolic link; install media (FAT) has none: remove it");
  }
}

bool image_file_present(const AgentImage& image, const std::string& path) {
  try {
    check_agent_file(image, path);
    return true;
  } catch (const Error& e) {
    if (e.code() == ExitCode::io) throw;
    return false;
  }
}

// Extracts the member into a hidden temp file beside `path`, checks it, renames it.
std::uint64_t extract_image(const bundles::SeekableReader& reader, const std::string& member,
                            const AgentImage& image, const std::string& path) {
  const std::string temp = temp_path_for(path);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(ExitCode::io, "cannot create " + temp + ": " + std::strerror(errno));
  std::uint64_t written = 0;
  try {
    reader.extract_member(member, [&](const char* data, std::size_t size) {
      for (std::size_t done = 0; done < size;) {
        const ssize_t n = ::write(fd, data + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(errno == ENOSPC ? ExitCode::no_space : ExitCode::io, "writing " + temp + ": " + std::strerror(errno));
        done += static_cast<std::size_t>(n);
      }
      written += size;
    });
    if (::fsync(fd) != 0 || ::close(fd) != 0) throw Error(ExitCode::io, "writing " + temp + ": " + std::strerror(errno));
    check_agent_file(image, temp);
  } catch (...) {
    ::close(fd);
    ::unlink(temp.c_str());
    throw;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    throw Error(ExitCode::io, "cannot rename " + temp + " to " + path + ": " + std::strerror(errno));
  }
  return written;
}

// Agent images an earlier sdcadm-install wrote into DIR/images/: headnode.sh would
// `imgadm install` them at first boot and stop (media.hpp). Only this set's uuids.
std::size_t remove_stale(const AgentSet& set, const std::string& images_dir) {
  std::size_t removed = 0;
  for (const AgentImage& a : set.agents) {
    for (const char* ext : {".imgmanifest", ".imgfile"}) {
      const std::string path = images_dir + "/" + a.uuid + ext;
      refuse_link(path);
      if (::unlink(path.c_str()) == 0) {
        ++removed;
      } else if (errno != ENOENT) {
        throw Error(ExitCode::io, "cannot remove " + path + ": " + std::strerror(errno));
      }
    }
  }
  return removed;
}

}  // namespace

std::string media_script_name(const AgentSet& set) {
  std::string name = bootstrap_file_name(set);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  return name;
}

std::optional<AgentSet> agent_set_of_bundle(const bundles::SeekableReader& reader, const std::string& imgapi_domain) {
  std::vector<AgentImage> images;
  for (const auto& a : reader.index().artifacts) {
    if (a.role != "agent" || !is_known_agent(a.name)) continue;  // as agent_set_of
    const std::string what = "agent image " + a.uuid + " (" + a.manifest_member + ")";
    const manifest::ImageManifest m =
        manifest::ImageManifest::parse(reader.read_member(a.manifest_member, k_max_manifest_member), what);
    if (m.uuid() != a.uuid) throw Error(ExitCode::bad_data, what + " has uuid " + m.uuid());
    images.push_back(agent_image_of(m, what));
  }
  if (images.empty()) return std::nullopt;
  return make_agent_set(std::move(images), imgapi_domain);
}

MediaResult write_media(const bundles::SeekableReader& reader, const AgentSet& set, const std::string& dir) {
  const std::string images_dir = dir + "/" + k_media_images_dir, scripts_dir = dir + "/ur-scripts";
  for (const std::string& d : {dir, images_dir, scripts_dir, dir + "/images"}) refuse_link(d);
  make_dirs(images_dir);
  make_dirs(scripts_dir);
  MediaResult r;
  // Install media carry whole agent files; a delta bundle has only patches for some, which
  // need this DC's images to rebuild (docs/bundle-format.md §3a): refused before writing.
  for (const AgentImage& a : set.agents) {
    const manifest::BundleArtifact* artifact = artifact_of(reader.index(), a.uuid);
    if (artifact != nullptr && artifact->delta) {
      throw Error(ExitCode::delta_base_missing,
                  "agent image " + a.uuid + " is a delta in this bundle (against image " + artifact->delta->base_uuid +
                      "); install media need whole image files: ask for a full bundle (sdcadm-bundle build --no-delta)");
    }
  }
  r.stale_removed = remove_stale(set, dir + "/images");
  std::vector<const AgentImage*> missing;
  std::uint64_t need = 0;
  for (const AgentImage& a : set.agents) {
    const std::string file = images_dir + "/" + a.uuid + ".imgfile";
    refuse_link(file);
    refuse_link(images_dir + "/" + a.uuid + ".imgmanifest");
    if (image_file_present(a, file)) continue;
    missing.push_back(&a);
    need += a.size + k_max_manifest_member;
  }
  if (!missing.empty()) require_space({SpaceNeed{images_dir, need, "agent images for the install media"}});
  r.images_already = set.agents.size() - missing.size();
  for (const AgentImage* a : missing) {
    r.bytes_written += extract_image(reader, artifact_of(reader.index(), a->uuid)->file_member, *a,
                                     images_dir + "/" + a->uuid + ".imgfile");
    ++r.images_written;
  }
  for (const AgentImage& a : set.agents) {
    const std::string manifest = reader.read_member(artifact_of(reader.index(), a.uuid)->manifest_member, k_max_manifest_member);
    write_if_changed(images_dir + "/" + a.uuid + ".imgmanifest", manifest, 0644);
  }
  r.script_path = scripts_dir + "/" + media_script_name(set);
  refuse_link(r.script_path);
  r.script_written = write_if_changed(r.script_path, bootstrap_script(set), 0755);
  return r;
}

}  // namespace installer::agents
