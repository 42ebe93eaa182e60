#include <installer/trust_store.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <signing/root_chain.hpp>

#include <ctime>
#include <filesystem>
#include <sys/stat.h>

namespace installer {
namespace {

using common::Error;
using common::ExitCode;

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

void make_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error(ExitCode::io, "cannot create " + dir + ": " + ec.message());
}

// A root file given on the command line, fully checked on its own.
signing::TrustRoot load_given_root(const std::string& file) {
  signing::TrustRoot root = signing::load_root(file);
  if (!root.self_valid()) {
    const signing::Tally t = root.self_tally();
    throw Error(ExitCode::trust_root,
                file + " (root version " + std::to_string(root.version()) + ") is signed by " +
                    std::to_string(t.valid.size()) + " of its own keys; its threshold is " +
                    std::to_string(root.threshold()) +
                    ": more key holders must sign it (sdcadm-bundle trust sign)");
  }
  return root;
}

}  // namespace

std::string no_root_hint() {
  return "create one with `sdcadm-install trust init ROOT.json`, ROOT.json being the release "
         "team's root (check its key ids with them over a trusted channel first: "
         "`sdcadm-bundle trust show ROOT.json`)";
}

TrustStore::TrustStore(const Paths& paths)
    : m_dir(std::filesystem::path(paths.trust_root).parent_path().string()),
      m_root_path(paths.trust_root),
      m_state_path(paths.trust_state) {}

std::optional<signing::TrustRoot> TrustStore::root() const {
  return signing::load_trusted_root(m_root_path);
}

signing::RollbackState TrustStore::rollback() const {
  if (!exists(m_state_path)) return {};
  return signing::RollbackState::parse(common::read_small_file(m_state_path, 1u << 20),
                                       m_state_path);
}

void TrustStore::write_root(const signing::TrustRoot& root) {
  make_dir(m_dir);
  common::write_file_atomic(m_root_path, root.serialize(), 0644);
}

signing::TrustRoot TrustStore::init(const std::string& file, bool replace, std::int64_t now) {
  if (!replace && exists(m_root_path)) {
    const std::optional<signing::TrustRoot> current = root();
    throw Error(ExitCode::conflict,
                "this DC already has a trust root (" + m_root_path + ", version " +
                    std::to_string(current ? current->version() : 0) +
                    "); move it forward with `sdcadm-install trust add NEXT.json`, or replace "
                    "it with `trust init --replace` only to recover from a lost root key "
                    "(docs/trust.md)");
  }
  signing::TrustRoot given = load_given_root(file);
  if (given.expired(now)) {
    throw Error(ExitCode::trust_expired, file + " (root version " +
                                             std::to_string(given.version()) + ") expired on " +
                                             given.expires() +
                                             "; ask the release team for a current root");
  }
  write_root(given);
  return given;
}

signing::TrustRoot TrustStore::add(const std::vector<std::string>& files, std::int64_t now) {
  const std::optional<signing::TrustRoot> current = root();
  if (!current) {
    throw Error(ExitCode::trust_no_root, "no trust root at " + m_root_path + "; " + no_root_hint());
  }
  std::vector<signing::TrustRoot> candidates;
  for (const std::string& file : files) candidates.push_back(signing::load_root(file));
  signing::TrustRoot next = signing::walk_root_chain(*current, std::move(candidates));
  if (next.version() == current->version()) return next;
  if (next.expired(now)) {
    throw Error(ExitCode::trust_expired, "root version " + std::to_string(next.version()) +
                                             " expired on " + next.expires() +
                                             "; ask the release team for a current root");
  }
  write_root(next);
  return next;
}

signing::TrustVerdict TrustStore::check(std::string_view index_bytes,
                                        const manifest::BundleIndex& index,
                                        const signing::ChosenSignatures& signatures,
                                        const TrustOverrides& overrides, std::int64_t now) const {
  const signing::RollbackState state = rollback();
  signing::TrustCheckInput input;
  input.trusted = root();
  input.trusted_path = m_root_path;
  input.no_root_hint = no_root_hint();
  input.index_bytes = index_bytes;
  input.index = &index;
  if (signatures.detached) {
    input.detached_json = signatures.text;
    input.detached_name = signatures.source;
  } else {
    input.slot_json = signatures.text;
  }
  input.now = now;
  input.rollback = &state;
  input.allow_expired = overrides.allow_expired;
  input.allow_rollback = overrides.allow_rollback;
  return signing::check_bundle_trust(input);
}

void TrustStore::accept(const signing::TrustVerdict& verdict, const manifest::BundleIndex& index) {
  if (verdict.root_is_newer) write_root(verdict.root);
  signing::RollbackState state = rollback();
  state.record(index);
  make_dir(m_dir);
  common::write_file_atomic(m_state_path, state.serialize(), 0644);
}

std::string signers_text(const signing::TrustVerdict& verdict) {
  std::string out;
  for (const signing::Signer& s : verdict.signers) {
    if (!out.empty()) out += ", ";
    out += s.name.empty() ? s.keyid.substr(0, 12) : s.name + " (" + s.keyid.substr(0, 12) + ")";
  }
  return out;
}

}  // namespace installer
