#include <installer/applied_content.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/json.hpp>
#include <common/log.hpp>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <memory>

namespace installer {
namespace {

constexpr std::size_t k_journal_max_bytes = 1u << 20;  // as journal.cpp reads them

std::string str(const common::Json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::optional<common::Json> read_journal(const std::string& path) {
  try {
    return common::parse_json(common::read_small_file(path, k_journal_max_bytes), "journal " + path, 8,
                              k_journal_max_bytes);
  } catch (const common::Error& err) {
    common::log::debug(std::string("skipping ") + path + ": " + err.what());
    return std::nullopt;
  }
}

}  // namespace

std::optional<std::string> other_build_journal(const std::string& journal_dir, const std::string& bundle_id,
                                               const std::string& bundle_digest) {
  const std::optional<common::Json> doc = read_journal(journal_dir + "/" + bundle_id + ".json");
  if (!doc || !doc->is_object() || str(*doc, "bundle_id") != bundle_id) return std::nullopt;
  const std::string digest = str(*doc, "bundle_digest");
  if (digest.empty() || digest == bundle_digest) return std::nullopt;
  return digest;
}

std::string retire_other_build(const std::string& journal_dir, const std::string& bundle_id,
                               const std::string& bundle_digest) {
  const std::optional<std::string> digest = other_build_journal(journal_dir, bundle_id, bundle_digest);
  if (!digest) return {};
  std::string tag;  // the journal is hostile input: only hex reaches the new name
  for (char c : *digest) {
    if (tag.size() < 12 && std::isxdigit(static_cast<unsigned char>(c))) tag += c;
  }
  const std::string from = journal_dir + "/" + bundle_id + ".json";
  const std::string to = journal_dir + "/" + bundle_id + "." + (tag.empty() ? std::string("other") : tag) + ".json";
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    throw common::Error(common::ExitCode::io, "cannot move " + from + " (the journal of another build of bundle " +
                                                  bundle_id + ") to " + to + ": " + std::strerror(errno) +
                                                  "; move it away by hand and run again");
  }
  return to;
}

std::optional<AppliedBuild> find_applied_content(const std::string& journal_dir, const std::string& content_id,
                                                 const std::string& bundle_id) {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(journal_dir.c_str()), ::closedir);
  if (!dir || content_id.empty()) return std::nullopt;
  std::optional<AppliedBuild> best;
  while (const dirent* e = ::readdir(dir.get())) {
    const std::string name = e->d_name;
    if (name.empty() || name[0] == '.' || !ends_with(name, ".json")) continue;
    const std::string path = journal_dir + "/" + name;
    const std::optional<common::Json> doc = read_journal(path);
    if (!doc || !doc->is_object() || str(*doc, "state") != "finished") continue;
    const std::string id = str(*doc, "bundle_id");
    const std::string content = str(*doc, "content_id");
    if (id.empty() || id == bundle_id) continue;
    if (content.empty() ? id != content_id : content != content_id) continue;
    AppliedBuild found{id, str(*doc, "finished")};
    // RFC 3339 UTC with fixed width: text order is time order.
    if (!best || found.finished_at > best->finished_at) best = std::move(found);
  }
  return best;
}

}  // namespace installer
