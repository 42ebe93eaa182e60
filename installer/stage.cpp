#include <installer/stage.hpp>

#include <installer/background_seal.hpp>
#include <installer/delta_rebuild.hpp>
#include <installer/free_space.hpp>

#include <bundles/part_source.hpp>
#include <bundles/stream_reader.hpp>
#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/hash.hpp>
#include <common/log.hpp>
#include <common/path.hpp>
#include <common/progress.hpp>
#include <common/safe_dir.hpp>
#include <common/stop_signal.hpp>
#include <manifest/image_manifest.hpp>

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace installer {

using common::Error;
using common::ExitCode;
using common::base_name;
using common::dir_of;

namespace {

// Every directory the plan writes into, opened without following links from the root
// (common/safe_dir.hpp): a planted /usbkey/images -> /elsewhere is refused before anything
// is written, and the files below are created and renamed through these descriptors.
using SafeDirs = std::map<std::string, std::shared_ptr<const common::SafeDir>>;

SafeDirs open_target_dirs(const StagePlan& plan, const Paths& paths) {
  SafeDirs dirs;
  for (const auto& t : plan.targets) {
    const std::string dir = dir_of(t.path);
    if (dirs.count(dir)) continue;
    try {
      dirs.emplace(dir, std::make_shared<const common::SafeDir>(
                            common::SafeDir::open(paths.root, dir, common::SafeDir::Create::yes)));
    } catch (const Error& e) {
      throw e.with_context("cannot stage into " + dir);
    }
  }
  return dirs;
}

// Removes temp files a killed run left in the directories this plan writes to.
std::size_t remove_leftovers(const SafeDirs& dirs) {
  std::size_t removed = 0;
  for (const auto& [path, dir] : dirs) {
    const int fd = ::dup(dir->fd());
    if (fd < 0) continue;
    DIR* d = ::fdopendir(fd);
    if (d == nullptr) {
      ::close(fd);
      continue;
    }
    std::vector<std::string> names;
    while (const dirent* e = ::readdir(d)) {
      if (is_temp_name(e->d_name)) names.emplace_back(e->d_name);
    }
    ::closedir(d);
    for (const auto& name : names) {
      if (::unlinkat(dir->fd(), name.c_str(), 0) == 0) ++removed;
    }
  }
  return removed;
}

// The file system filled up (or refused a file this large) while a member streamed in:
// how far it got, what is free there now, and what to do. Checked before writing, this
// happens only when something else writes to the same file system meanwhile (or a
// file-size limit applies).
Error out_of_room(int err, const std::string& temp, std::uint64_t written, std::uint64_t size) {
  const std::string dir = dir_of(temp);
  std::string free_now;
  try {
    free_now = "; " + common::format_bytes(available_space(dir).available) + " is free there now";
  } catch (const Error&) {
  }
  std::string message = "ran out of room staging into " + dir + ": writing " + base_name(temp) + " failed after " +
                        common::format_bytes(written) + " of " + common::format_bytes(size) + " (" +
                        std::strerror(err) + ")" + free_now + ". Nothing was staged: the temp files are removed. ";
  message += err == EFBIG ? "Raise the file-size limit (ulimit -f) or free space there"
                          : "Free space there (old platforms: sdcadm platform remove --cleanup-cache; unused "
                            "images in /usbkey/images and IMGAPI)";
  return Error(ExitCode::no_space, message + ", then run the same command again");
}

// One target's temp file while its member streams: hidden under the name temp_path_for
// gives (a later run removes leftovers), made and renamed in the directory opened without
// links. The file is fsync'd when its member is complete; the directories once, after
// every rename.
std::unique_ptr<common::AtomicFile> staged_temp_file(const StageTarget& target,
                                                     std::shared_ptr<const common::SafeDir> dir) {
  common::AtomicFile::Options options;
  options.sync = common::AtomicFile::Sync::file_only;
  options.dir = std::move(dir);
  options.temp_path = temp_path_for(target.path);
  return std::make_unique<common::AtomicFile>(target.path, std::move(options));
}

// What is known about a member once read (streamed or found in place).
struct MemberFacts {
  std::string sha1;      // files: SHA-1 of the content
  std::string text;      // manifests: the content
  bool known = false;
};

// The manifest of an image must describe its file: same uuid, files[0] size and SHA-1.
void check_image(const StagedImage& image, const std::string& manifest_text, const std::string& file_sha1) {
  const auto manifest = manifest::ImageManifest::parse(manifest_text, "bundle member " + image.manifest_member);
  const std::string what = "image " + image.uuid + " (" + image.name + "@" + image.version + ")";
  if (manifest.uuid() != image.uuid) {
    throw Error(ExitCode::bundle_corrupt,
                what + ": its manifest member is for image " + manifest.uuid() + "; nothing was staged");
  }
  const auto file = manifest.file();
  if (!file || file->size != image.file_size || file->sha1 != file_sha1) {
    throw Error(ExitCode::integrity,
                what + ": the manifest says files[0] is " +
                    (file ? std::to_string(file->size) + " bytes with SHA-1 " + file->sha1 : std::string("absent")) +
                    ", but the bundle's file is " + std::to_string(image.file_size) + " bytes with SHA-1 " +
                    file_sha1 + "; nothing was staged. " +
                    (image.delta ? std::string("The file was rebuilt from a base image and a patch: ") +
                                       k_full_bundle_advice
                                 : std::string("The bundle was built from inconsistent data: "
                                               "report it to whoever built it")));
  }
}

// Every image, once the whole bundle is read (manifests found in place are read here).
void cross_check(const StagePlan& plan, std::map<std::string, MemberFacts>& facts) {
  for (const auto& image : plan.images) {
    MemberFacts& m = facts[image.manifest_member];
    if (!m.known) {
      m.text = common::read_small_file(image.manifest_path, k_max_manifest_member);
      m.known = true;
    }
    check_image(image, m.text, facts[image.file_member].sha1);
  }
}

// Streams the needed members into temp files; keeps what the cross-check needs.
class Stager : public bundles::MemberHandler {
 public:
  Stager(const StagePlan& plan, const SafeDirs& dirs, const std::set<std::string>& needed_paths,
         const std::set<std::string>& manifest_members, std::map<std::string, MemberFacts>& facts,
         const UnpackedBases& bases, std::uint64_t chunk_size, StageListener* listener, StageReport& report)
      : m_dirs(dirs), m_manifest_members(manifest_members), m_facts(facts), m_bases(bases),
        m_chunk_size(chunk_size), m_listener(listener), m_report(report) {
    for (const auto& image : plan.images) {
      m_names[image.file_member] = describe(image);
      m_image_of[image.file_member] = &image;
    }
    for (const auto& t : plan.targets) {
      if (needed_paths.count(t.path)) m_targets[t.member].push_back(&t);
    }
  }

  bundles::ByteSink begin(const manifest::BundleMember& member) override {
    const auto found = m_targets.find(member.name);
    if (found == m_targets.end()) return {};  // verified by the reader, then dropped
    m_open.clear();
    m_written = 0;
    m_size = found->second.front()->size;
    if (found->second.front()->delta) return begin_patch(member, *found->second.front());
    for (const StageTarget* t : found->second) {
      m_open.push_back(staged_temp_file(*t, m_dirs.at(dir_of(t->path))));
    }
    m_is_manifest = m_manifest_members.count(member.name) > 0;
    m_text.clear();
    m_sha1.emplace(common::HashAlgorithm::sha1);
    return [this](const char* data, std::size_t size) {
      // A safe point (interrupt.hpp): throwing here discards the temp files, as any failure does.
      if (common::stop_count() > 0) common::throw_if_stopped("while staging; nothing was staged");
      for (auto& f : m_open) write_or_explain(*f, data, size);
      m_written += size;
      if (m_is_manifest) m_text.append(data, size);  // bounded: <= 1 MiB (stage_plan)
      else m_sha1->update(data, size);
    };
  }

  void commit(const manifest::BundleMember& member) override {
    const auto found = m_targets.find(member.name);
    if (found == m_targets.end()) return;
    if (found->second.front()->delta) return commit_patch(member, *found->second.front());
    // The member is complete: flushed to disk on the seal thread while the pass reads on
    // (the rename comes later, after finish()).
    for (auto& f : m_open) seal_in_background(std::move(f));
    m_open.clear();
    MemberFacts& facts = m_facts[member.name];
    facts.known = true;
    if (m_is_manifest) facts.text = std::move(m_text);
    else facts.sha1 = m_sha1->finish_hex();
    if (!m_is_manifest) tell_verified(member.name, facts.sha1);
  }

  void abort(const manifest::BundleMember&) noexcept override {
    m_open.clear();
    m_patch.reset();
  }

  // The verified temp files, in member order, once all are sealed (rethrows a failed seal).
  std::vector<std::unique_ptr<common::AtomicFile>> finish() { return m_seal.finish(); }

 private:
  // A delta's patch member: into its own temp file, rebuilt from when it is complete.
  bundles::ByteSink begin_patch(const manifest::BundleMember& member, const StageTarget& target) {
    common::AtomicFile::Options options;
    options.sync = common::AtomicFile::Sync::none;  // read back at once, never kept
    options.dir = m_dirs.at(dir_of(target.path));
    options.temp_path = patch_temp_path(target);
    m_patch = std::make_unique<common::AtomicFile>(dir_of(target.path) + "/." + target.image_uuid + ".imgpatch",
                                                   std::move(options));
    m_size = member.size;
    return [this](const char* data, std::size_t size) {
      if (common::stop_count() > 0) common::throw_if_stopped("while staging; nothing was staged");
      write_or_explain(*m_patch, data, size);
      m_written += size;
    };
  }

  // The patch is complete and its chunks verified: rebuild the image file into the target's
  // temp file, checked against the signed index (delta_rebuild.hpp), then kept like a member.
  void commit_patch(const manifest::BundleMember& member, const StageTarget& target) {
    seal_or_explain(*m_patch);
    auto file = staged_temp_file(target, m_dirs.at(dir_of(target.path)));
    m_written = 0;
    m_size = target.size;
    const RebuiltFile rebuilt = rebuild_staged_file(
        target, m_names[member.name], m_bases.path_of(target.delta->base_uuid), m_patch->temp_path(), m_chunk_size,
        [&](const char* data, std::size_t size) {
          if (common::stop_count() > 0) common::throw_if_stopped("while staging; nothing was staged");
          write_or_explain(*file, data, size);
          m_written += size;
        });
    m_patch.reset();  // the patch temp file is removed
    seal_in_background(std::move(file));
    MemberFacts& facts = m_facts[member.name];
    facts.known = true;
    facts.sha1 = rebuilt.sha1;
    tell_verified(member.name, rebuilt.sha1);
    ++m_report.rebuilt;
    m_report.rebuilt_bytes += rebuilt.size;
    m_report.rebuild_seconds += rebuilt.seconds;
    common::log::info(m_names[member.name] + ": rebuilt from base image " + target.delta->base_uuid + " (" +
                      common::format_bytes(rebuilt.size) + " in " + std::to_string(rebuilt.seconds) + " s)");
  }

  // An image file is complete and verified: when its manifest streamed in this pass too, the
  // listener may import the image now (stream_import.hpp). A manifest found in place (or a
  // bundle listing it after its file) leaves the image to the import after the pass.
  void tell_verified(const std::string& file_member, const std::string& sha1) {
    if (m_listener == nullptr) return;
    const auto image = m_image_of.find(file_member);
    if (image == m_image_of.end()) return;
    const auto manifest = m_facts.find(image->second->manifest_member);
    if (manifest == m_facts.end() || !manifest->second.known) return;
    check_image(*image->second, manifest->second.text, sha1);
    m_listener->image_verified(*image->second, manifest->second.text, temp_path_for(image->second->file_path));
  }

  // A full file system (or a file-size limit) says how far staging got and what to do.
  static bool out_of_room_errno(int err) {
    return err == ENOSPC || err == EFBIG
#ifdef EDQUOT
           || err == EDQUOT
#endif
        ;
  }
  // How far the temp file got: what is on disk (a write may stop part-way), else what was given.
  std::uint64_t written_to(const common::AtomicFile& f) const {
    struct stat st {};
    return ::stat(f.temp_path().c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : m_written;
  }
  void write_or_explain(common::AtomicFile& f, const char* data, std::size_t size) {
    try {
      f.write(data, size);
    } catch (const Error& e) {
      if (!out_of_room_errno(e.details().system_error)) throw;
      throw out_of_room(e.details().system_error, f.temp_path(), written_to(f), m_size);
    }
  }
  void seal_in_background(std::unique_ptr<common::AtomicFile> file) {
    const std::uint64_t size = m_size;
    const std::string temp = file->temp_path();
    m_seal.add(std::move(file), [size, temp](const Error& e) {
      if (!out_of_room_errno(e.details().system_error)) return e;
      struct stat st {};
      const std::uint64_t written = ::stat(temp.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
      return out_of_room(e.details().system_error, temp, written, size);
    });
  }
  void seal_or_explain(common::AtomicFile& f) {
    try {
      f.seal();
    } catch (const Error& e) {
      if (!out_of_room_errno(e.details().system_error)) throw;
      throw out_of_room(e.details().system_error, f.temp_path(), written_to(f), m_size);
    }
  }

  const SafeDirs& m_dirs;
  const std::set<std::string>& m_manifest_members;
  std::map<std::string, MemberFacts>& m_facts;
  const UnpackedBases& m_bases;
  const std::uint64_t m_chunk_size;
  StageListener* const m_listener;
  StageReport& m_report;
  std::map<std::string, const StagedImage*> m_image_of;  // file member -> its image
  std::map<std::string, std::string> m_names;  // file member -> "image U (name@version)"
  std::map<std::string, std::vector<const StageTarget*>> m_targets;
  std::vector<std::unique_ptr<common::AtomicFile>> m_open;
  BackgroundSeal m_seal;  // the completed members; on a failure their temp files go with it
  std::unique_ptr<common::AtomicFile> m_patch;  // the delta patch streaming now
  std::uint64_t m_written = 0, m_size = 0;  // of the member streaming now
  bool m_is_manifest = false;
  std::string m_text;
  std::optional<common::Hasher> m_sha1;
};

}  // namespace

namespace {

// The pass itself, on a reader whose index is the checked one (both public forms).
StageReport stage_from(bundles::StreamReader& reader, std::uint64_t total, const Paths& paths,
                       const StageOptions& options);

}  // namespace

StageReport stage_bundle(const VerifiedBundle& bundle, const Paths& paths, const StageOptions& options) {
  std::unique_ptr<bundles::ByteSource> source = bundles::open_bundle_source(bundle.path());
  const std::uint64_t total = source->seekable() ? source->size() : 0;
  bundles::StreamReader reader(std::move(source));
  reader.expect_index(bundle.index_bytes());  // the file may have changed since the check
  return stage_from(reader, total, paths, options);
}

StageReport stage_bundle(VerifiedStream&& bundle, const Paths& paths, const StageOptions& options) {
  return stage_from(bundle.reader(), 0, paths, options);
}

namespace {

StageReport stage_from(bundles::StreamReader& reader, std::uint64_t total, const Paths& paths,
                       const StageOptions& options) {
  const manifest::BundleIndex& index = reader.index();
  StageReport report;
  report.bundle_id = index.bundle_id;
  report.plan = plan_stage(index, paths);
  const StagePlan& plan = report.plan;
  report.files = plan.targets.size();

  const SafeDirs safe_dirs = open_target_dirs(plan, paths);
  if (const std::size_t removed = remove_leftovers(safe_dirs); removed > 0) {
    common::log::info("removed " + std::to_string(removed) + " temp file(s) left by an interrupted run");
  }
  // What is in place already; the rest needs writing.
  std::map<std::string, MemberFacts> facts;
  std::set<std::string> needed, manifest_members;
  std::map<std::string, std::uint64_t> need_by_dir;
  for (const auto& image : plan.images) manifest_members.insert(image.manifest_member);
  for (const auto& t : plan.targets) {
    const auto existing = check_existing(t.path, expected_file(t), index.chunk_size);
    if (existing.matches) {
      ++report.already;
      report.bytes_already += t.size;
      if (!manifest_members.count(t.member)) facts[t.member] = {existing.sha1, "", true};
    } else {
      needed.insert(t.path);
      need_by_dir[dir_of(t.path)] += t.size;
      // A delta's patch waits in a temp file beside it until its rebuild.
      if (t.delta) need_by_dir[dir_of(t.path)] += index.find_member(t.member)->size;
    }
  }
  // Deltas still to rebuild: their bases are found (or the bundle refused) before anything
  // is written, then uncompressed beside the targets (delta_bases.hpp, delta_rebuild.hpp).
  std::vector<const StagedImage*> rebuild;
  for (const auto& image : plan.images) {
    if (image.delta && needed.count(image.file_path)) rebuild.push_back(&image);
  }
  UnpackedBases bases;
  if (!rebuild.empty()) {
    const std::vector<DeltaBase> found = find_delta_bases(rebuild, paths, options.bases);
    bases = UnpackedBases(found, dir_of(rebuild.front()->file_path), options.bases);
    report.base_bytes = bases.bytes();
  }
  if (options.space == SpaceCheck::check) {
    std::vector<SpaceNeed> needs;
    for (const auto& [dir, bytes] : need_by_dir) needs.push_back({dir, bytes, "staging into " + dir});
    require_space(needs);
  }
  if (options.listener != nullptr) {
    std::vector<const StagedImage*> streamed;
    for (const auto& image : plan.images) {
      if (needed.count(image.manifest_path) && needed.count(image.file_path)) streamed.push_back(&image);
    }
    options.listener->pass_starts(plan, streamed);
  }
  std::vector<std::unique_ptr<common::AtomicFile>> temps;
  if (!needed.empty()) {
    Stager stager(plan, safe_dirs, needed, manifest_members, facts, bases, index.chunk_size, options.listener,
                  report);
    if (options.progress) {
      reader.on_progress([&](std::uint64_t done) { options.progress(done, total); });
    }
    reader.read_members(stager);  // on failure the Stager's temp files are removed
    temps = stager.finish();
    report.payload_read = true;
    report.bundle_bytes_read = reader.bytes_read();
  }
  cross_check(plan, facts);  // throws => `temps` are discarded
  if (options.listener != nullptr) options.listener->bundle_verified();
  std::set<const common::SafeDir*> dirs;
  for (auto& t : temps) {
    t->commit();
    dirs.insert(safe_dirs.at(dir_of(t->path())).get());
    ++report.written;
  }
  for (const common::SafeDir* dir : dirs) dir->sync();
  for (const auto& t : plan.targets) {
    if (needed.count(t.path)) report.bytes_written += t.size;
  }
  if (options.on_staged) {
    for (const auto& image : plan.images) options.on_staged(image);
  }
  return report;
}

}  // namespace

}  // namespace installer
