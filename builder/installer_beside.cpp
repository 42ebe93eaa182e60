#include <builder/installer_beside.hpp>

#include <bundles/writer.hpp>
#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/path.hpp>

#include <signing/signature_set.hpp>

#include <algorithm>
#include <dirent.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace builder {
namespace {

using common::Error;
using common::ExitCode;

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// The carried installer's index member, or nullptr when the bundle carries none.
const manifest::BundleMember* carried_member(const manifest::BundleIndex& index) {
  for (const auto& a : index.artifacts) {
    if (a.role == "installer" && !a.file_member.empty()) return index.find_member(a.file_member);
  }
  return nullptr;
}

// The names in `dir` of the form "<installer>.<12 hex>.sig", sorted.
std::vector<std::string> signature_files(const std::string& installer_path) {
  const std::string dir = common::dir_of(installer_path), prefix = common::base_name(installer_path) + ".";
  std::vector<std::string> out;
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
  if (!d) throw Error(ExitCode::io, "listing " + dir + ": cannot open the directory");
  while (const dirent* e = ::readdir(d.get())) {
    const std::string name = e->d_name;
    if (name.size() == prefix.size() + 12 + 4 && name.compare(0, prefix.size(), prefix) == 0 &&
        name.compare(name.size() - 4, 4, ".sig") == 0) {
      out.push_back((dir == "/" ? std::string() : dir) + "/" + name);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::string beside_installer_path(const std::string& bundle_path) {
  const std::string dir = common::dir_of(bundle_path);
  return (dir == "/" ? std::string() : dir) + "/" + k_beside_installer;
}

std::string beside_signature_path(const std::string& installer_path, const std::string& keyid) {
  return installer_path + "." + keyid.substr(0, 12) + ".sig";
}

std::vector<std::string> beside_files(const std::string& bundle_path, const std::vector<std::string>& keyids) {
  const std::string installer = beside_installer_path(bundle_path);
  std::vector<std::string> files{installer};
  for (const auto& id : keyids) files.push_back(beside_signature_path(installer, id));
  return files;
}

void check_beside_files(const std::vector<std::string>& files, bool replace) {
  if (replace) return;
  for (const auto& path : files) {
    if (exists(path)) {
      throw Error(ExitCode::conflict, path + " already exists (the installer and its signatures are written "
                                             "beside the bundle); build into another directory with -o, "
                                             "or pass --force to replace it");
    }
  }
}

std::string read_carried_installer(const std::string& source, std::uint64_t size,
                                   const std::vector<std::string>& sha256, std::uint64_t chunk_size) {
  if (size > k_max_beside_installer_bytes) {
    throw Error(ExitCode::bundle_too_large,
                "--installer " + source + ": " + std::to_string(size) + " bytes; an installer written beside the "
                "bundle is signed whole and may take at most " + std::to_string(k_max_beside_installer_bytes) + " bytes");
  }
  std::string bytes = common::read_small_file(source, static_cast<std::size_t>(k_max_beside_installer_bytes));
  if (bytes.size() != size || bundles::chunk_hashes_of(bytes, chunk_size) != sha256) {
    throw Error(ExitCode::integrity, "--installer " + source + " changed while the bundle was built (its size or "
                                     "SHA-256 differs from what the bundle carries); build again");
  }
  return bytes;
}

std::vector<std::string> write_beside(const std::string& bundle_path, const std::string& installer,
                                      const std::vector<signing::PrivateKey>& keys) {
  const std::string path = beside_installer_path(bundle_path);
  common::write_file_atomic(path, installer, 0755);
  std::vector<std::string> written{path};
  for (const auto& key : keys) {
    const std::string sig = beside_signature_path(path, key.id());
    common::write_file_atomic(sig, key.sign(installer), 0644);
    written.push_back(sig);
  }
  // A replaced installer (--force) keeps no signature file of an earlier build: each would be
  // a signature of other bytes, which the operator's check reports as bad.
  for (const std::string& old : signature_files(path)) {
    if (std::find(written.begin(), written.end(), old) == written.end()) ::unlink(old.c_str());
  }
  return written;
}

BesideInstaller beside_installer_to_sign(const std::string& bundle_path, const manifest::BundleIndex& index) {
  BesideInstaller out;
  const manifest::BundleMember* member = carried_member(index);
  const std::string path = beside_installer_path(bundle_path);
  if (member == nullptr) {
    if (exists(path)) out.why_not = path + " is not signed: this bundle carries no installer";
    return out;
  }
  if (!exists(path)) {
    out.why_not = "the bundle carries an installer but there is no " + path +
                  " beside it: nothing to sign beside the bundle";
    return out;
  }
  try {
    out.bytes = read_carried_installer(path, member->size, member->sha256, index.chunk_size);
  } catch (const Error& e) {
    if (e.code() == ExitCode::not_found || e.code() == ExitCode::io) throw;
    throw Error(ExitCode::trust_mismatch,
                path + " is not the installer this bundle carries (its size or SHA-256 differs from the "
                "bundle's member " + member->name + "); nothing was signed. Put the bundle's own installer "
                "beside it (the one build --installer wrote), or move the other file away");
  }
  out.path = path;
  return out;
}

std::vector<std::string> sign_beside(const BesideInstaller& beside, const std::vector<signing::PrivateKey>& keys) {
  std::vector<std::string> written;
  if (beside.path.empty()) return written;
  for (const auto& key : keys) {
    const std::string sig = beside_signature_path(beside.path, key.id());
    common::write_file_atomic(sig, key.sign(beside.bytes), 0644);
    written.push_back(sig);
  }
  return written;
}

std::optional<BesideVerdict> check_beside(const std::string& bundle_path, const manifest::BundleIndex& index,
                                          const signing::TrustRoot& root) {
  const manifest::BundleMember* member = carried_member(index);
  const std::string path = beside_installer_path(bundle_path);
  if (member == nullptr || !exists(path)) return std::nullopt;
  BesideVerdict out;
  out.installer = path;
  out.threshold = root.threshold();
  std::string bytes;
  try {
    bytes = read_carried_installer(path, member->size, member->sha256, index.chunk_size);
  } catch (const Error& e) {
    if (e.code() == ExitCode::not_found || e.code() == ExitCode::io) throw;
    throw Error(ExitCode::trust_mismatch, path + " is not the installer this bundle carries (its size or SHA-256 "
                                                 "differs from the bundle's member " + member->name +
                                                 "); put the one build --installer wrote beside the bundle");
  }
  for (const std::string& sig_path : signature_files(path)) {
    const std::string id12 = sig_path.substr(sig_path.size() - 4 - 12, 12);
    const signing::NamedKey* key = nullptr;
    for (const auto& k : root.keys()) {
      if (k.key.id().compare(0, 12, id12) == 0) key = &k;
    }
    if (key == nullptr) {
      out.ignored.push_back(sig_path);
      continue;
    }
    const std::string sig = common::read_small_file(sig_path, 4096);
    const std::string who = (key->name.empty() ? std::string() : key->name + " ") + "(" + id12 + ")";
    if (!key->key.verify(bytes, sig)) {
      throw Error(ExitCode::trust_mismatch, sig_path + " is not " + who + "'s signature of " + path +
                                                " (openssl pkeyutl -verify fails on it too); sign the installer "
                                                "again (sdcadm-bundle sign) or remove the file");
    }
    out.signers.push_back(who);
  }
  if (static_cast<std::int64_t>(out.signers.size()) < out.threshold) {
    throw Error(ExitCode::trust_threshold,
                path + ": " + std::to_string(out.signers.size()) + " good signature file(s) of the " +
                    std::to_string(out.threshold) + " the trust root requires; more key holders must sign "
                    "(sdcadm-bundle sign " + bundle_path + " --key K.pem writes theirs beside it)");
  }
  return out;
}

}  // namespace builder
