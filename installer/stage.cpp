#include <installer/stage.hpp>

#include <installer/free_space.hpp>

#include <bundles/part_source.hpp>
#include <bundles/stream_reader.hpp>
#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/hash.hpp>
#include <common/log.hpp>
#include <common/progress.hpp>
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

namespace {

std::string dir_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

void make_dirs(const std::string& dir) {
  if (dir.empty() || dir == "/" || dir == ".") return;
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return;
    throw Error(ExitCode::io, "cannot stage into " + dir + ": it exists and is not a directory");
  }
  make_dirs(dir_of(dir));
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    throw Error(ExitCode::io, "cannot create " + dir + ": " + std::strerror(errno));
  }
}

void fsync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: the renames are done, only durability is at stake
  ::fsync(fd);
  ::close(fd);
}

// Removes temp files a killed run left in the directories this plan writes to.
std::size_t remove_leftovers(const StagePlan& plan) {
  std::set<std::string> dirs;
  for (const auto& t : plan.targets) dirs.insert(dir_of(t.path));
  std::size_t removed = 0;
  for (const auto& dir : dirs) {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) continue;
    while (const dirent* e = ::readdir(d)) {
      if (is_temp_name(e->d_name) && ::unlink((dir + "/" + e->d_name).c_str()) == 0) ++removed;
    }
    ::closedir(d);
  }
  return removed;
}

// One target's temp file while its member streams.
class TempFile {
 public:
  explicit TempFile(const StageTarget& target)
      : m_final(target.path), m_temp(temp_path_for(target.path)) {
    make_dirs(dir_of(m_final));
    ::unlink(m_temp.c_str());
    m_fd = ::open(m_temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (m_fd < 0) throw Error(ExitCode::io, "cannot create " + m_temp + ": " + std::strerror(errno));
  }
  ~TempFile() { discard(); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  void write(const char* data, std::size_t size) {
    while (size > 0) {
      const ssize_t n = ::write(m_fd, data, size);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int err = errno;
        throw Error(err == ENOSPC || err == EDQUOT ? ExitCode::no_space : ExitCode::io,
                    "writing " + m_temp + ": " + std::strerror(err));
      }
      data += n;
      size -= static_cast<std::size_t>(n);
    }
  }
  // The member is complete: flush it to disk (the rename comes later).
  void finish() {
    if (::fsync(m_fd) != 0 || ::close(m_fd) != 0) {
      const int err = errno;
      m_fd = -1;
      throw Error(err == ENOSPC ? ExitCode::no_space : ExitCode::io,
                  "writing " + m_temp + ": " + std::strerror(err));
    }
    m_fd = -1;
  }
  void commit() {
    if (::rename(m_temp.c_str(), m_final.c_str()) != 0) {
      throw Error(ExitCode::io, "renaming " + m_temp + " to " + m_final + ": " + std::strerror(errno));
    }
    m_committed = true;
  }
  void discard() noexcept {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
    if (!m_committed) ::unlink(m_temp.c_str());
  }
  const std::string& final_path() const { return m_final; }

 private:
  std::string m_final, m_temp;
  int m_fd = -1;
  bool m_committed = false;
};

// What is known about a member once read (streamed or found in place).
struct MemberFacts {
  std::string sha1;      // files: SHA-1 of the content
  std::string text;      // manifests: the content
  bool known = false;
};

// Streams the needed members into temp files; keeps what the cross-check needs.
class Stager : public bundles::MemberHandler {
 public:
  Stager(const StagePlan& plan, const std::set<std::string>& needed_paths,
         const std::set<std::string>& manifest_members, std::map<std::string, MemberFacts>& facts)
      : m_manifest_members(manifest_members), m_facts(facts) {
    for (const auto& t : plan.targets) {
      if (needed_paths.count(t.path)) m_targets[t.member].push_back(&t);
    }
  }

  bundles::ByteSink begin(const manifest::BundleMember& member) override {
    const auto found = m_targets.find(member.name);
    if (found == m_targets.end()) return {};  // verified by the reader, then dropped
    m_open.clear();
    for (const StageTarget* t : found->second) m_open.push_back(std::make_unique<TempFile>(*t));
    m_is_manifest = m_manifest_members.count(member.name) > 0;
    m_text.clear();
    m_sha1.emplace(common::HashAlgorithm::sha1);
    return [this](const char* data, std::size_t size) {
      // A safe point (interrupt.hpp): throwing here discards the temp files, as any failure does.
      if (common::stop_count() > 0) common::throw_if_stopped("while staging; nothing was staged");
      for (auto& f : m_open) f->write(data, size);
      if (m_is_manifest) m_text.append(data, size);  // bounded: <= 1 MiB (stage_plan)
      else m_sha1->update(data, size);
    };
  }

  void commit(const manifest::BundleMember& member) override {
    if (m_targets.find(member.name) == m_targets.end()) return;
    for (auto& f : m_open) {
      f->finish();
      m_done.push_back(std::move(f));
    }
    m_open.clear();
    MemberFacts& facts = m_facts[member.name];
    facts.known = true;
    if (m_is_manifest) facts.text = std::move(m_text);
    else facts.sha1 = m_sha1->finish_hex();
  }

  void abort(const manifest::BundleMember&) noexcept override { m_open.clear(); }

  // The verified temp files, in member order.
  std::vector<std::unique_ptr<TempFile>>& done() { return m_done; }

 private:
  const std::set<std::string>& m_manifest_members;
  std::map<std::string, MemberFacts>& m_facts;
  std::map<std::string, std::vector<const StageTarget*>> m_targets;
  std::vector<std::unique_ptr<TempFile>> m_open, m_done;
  bool m_is_manifest = false;
  std::string m_text;
  std::optional<common::Hasher> m_sha1;
};

// The manifest of each image must describe its file: same uuid, files[0] size and SHA-1.
void cross_check(const StagePlan& plan, std::map<std::string, MemberFacts>& facts) {
  for (const auto& image : plan.images) {
    MemberFacts& m = facts[image.manifest_member];
    if (!m.known) {
      m.text = common::read_small_file(image.manifest_path, k_max_manifest_member);
      m.known = true;
    }
    const auto manifest = manifest::ImageManifest::parse(m.text, "bundle member " + image.manifest_member);
    const std::string what = "image " + image.uuid + " (" + image.name + "@" + image.version + ")";
    if (manifest.uuid() != image.uuid) {
      throw Error(ExitCode::bundle_corrupt, what + ": its manifest member is for image " +
                                                manifest.uuid() + "; nothing was staged");
    }
    const auto file = manifest.file();
    const MemberFacts& f = facts[image.file_member];
    if (!file || file->size != image.file_size || file->sha1 != f.sha1) {
      throw Error(ExitCode::integrity,
                  what + ": the manifest says files[0] is " +
                      (file ? std::to_string(file->size) + " bytes with SHA-1 " + file->sha1
                            : std::string("absent")) +
                      ", but the bundle's file is " + std::to_string(image.file_size) +
                      " bytes with SHA-1 " + f.sha1 +
                      "; nothing was staged. The bundle was built from inconsistent data: "
                      "report it to whoever built it");
    }
  }
}

}  // namespace

StageReport stage_bundle(const std::string& bundle, const Paths& paths, const StageOptions& options) {
  return stage_bundle(bundles::open_bundle_source(bundle), paths, options);
}

StageReport stage_bundle(std::unique_ptr<bundles::ByteSource> source, const Paths& paths,
                         const StageOptions& options) {
  const std::uint64_t total = source->seekable() ? source->size() : 0;
  bundles::StreamReader reader(std::move(source));
  if (options.expected_index) reader.expect_index(*options.expected_index);
  const manifest::BundleIndex& index = reader.index();
  if (options.check_index) options.check_index(reader.index_bytes(), index, reader.signature_slot());
  StageReport report;
  report.bundle_id = index.bundle_id;
  report.plan = plan_stage(index, paths);
  const StagePlan& plan = report.plan;
  report.files = plan.targets.size();

  if (const std::size_t removed = remove_leftovers(plan); removed > 0) {
    common::log::info("removed " + std::to_string(removed) + " temp file(s) left by an interrupted run");
  }
  // What is in place already; the rest needs writing.
  std::map<std::string, MemberFacts> facts;
  std::set<std::string> needed, manifest_members;
  std::map<std::string, std::uint64_t> need_by_dir;
  for (const auto& image : plan.images) manifest_members.insert(image.manifest_member);
  for (const auto& t : plan.targets) {
    const auto existing = check_existing(t.path, *index.find_member(t.member), index.chunk_size);
    if (existing.matches) {
      ++report.already;
      report.bytes_already += t.size;
      if (!manifest_members.count(t.member)) facts[t.member] = {existing.sha1, "", true};
    } else {
      needed.insert(t.path);
      need_by_dir[dir_of(t.path)] += t.size;
    }
  }
  if (options.space == SpaceCheck::check) {
    std::vector<SpaceNeed> needs;
    for (const auto& [dir, bytes] : need_by_dir) needs.push_back({dir, bytes, "staging into " + dir});
    require_space(needs);
  }
  std::vector<std::unique_ptr<TempFile>> temps;
  if (!needed.empty()) {
    Stager stager(plan, needed, manifest_members, facts);
    if (options.progress) {
      reader.on_progress([&](std::uint64_t done) { options.progress(done, total); });
    }
    reader.read_members(stager);  // on failure the Stager's temp files are removed
    temps = std::move(stager.done());
    report.payload_read = true;
    report.bundle_bytes_read = reader.bytes_read();
  }
  cross_check(plan, facts);  // throws => `temps` are discarded
  std::set<std::string> dirs;
  for (auto& t : temps) {
    t->commit();
    dirs.insert(dir_of(t->final_path()));
    ++report.written;
  }
  for (const auto& dir : dirs) fsync_dir(dir);
  for (const auto& t : plan.targets) {
    if (needed.count(t.path)) report.bytes_written += t.size;
  }
  if (options.on_staged) {
    for (const auto& image : plan.images) options.on_staged(image);
  }
  return report;
}

}  // namespace installer
