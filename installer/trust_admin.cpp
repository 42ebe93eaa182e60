#include <installer/trust_admin.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>

#include <ctime>
#include <sys/stat.h>

namespace installer {

namespace {

std::int64_t now() { return static_cast<std::int64_t>(std::time(nullptr)); }

}  // namespace

TrustInit init_trust(const HostOptions& host, const std::string& root_file, bool replace) {
  const Paths paths = Paths::under(host.root);
  TrustStore store(paths);
  signing::TrustRoot root = store.init(root_file, replace, now());
  return TrustInit{store.root_path(), std::move(root), ensure_dc_key(paths)};
}

TrustAdd add_trust_roots(const HostOptions& host, const std::vector<std::string>& root_files) {
  TrustStore store(Paths::under(host.root));
  const std::optional<signing::TrustRoot> before = store.root();
  signing::TrustRoot root = store.add(root_files, now());
  const bool changed = !before || root.version() != before->version();
  return TrustAdd{store.root_path(), std::move(root), changed};
}

TrustShow show_trust(const HostOptions& host) {
  const Paths paths = Paths::under(host.root);
  TrustStore store(paths);
  std::optional<signing::PrivateKey> dc_key = load_dc_key(paths);
  std::optional<signing::TrustRoot> root = store.root();
  if (!root) {
    throw common::Error(common::ExitCode::trust_no_root,
                        "no trust root at " + store.root_path() + "; " + no_root_hint());
  }
  const bool expired = root->expired(now());
  return TrustShow{store.root_path(), std::move(*root), expired, store.rollback(), std::move(dc_key)};
}

signing::PrivateKey export_dc_key(const HostOptions& host, const std::string& output, bool force) {
  const Paths paths = Paths::under(host.root);
  std::optional<signing::PrivateKey> key = load_dc_key(paths);
  if (!key) {
    throw common::Error(common::ExitCode::not_found,
                        "this DC has no key yet (" + dc_key_files(paths).private_path +
                            "); sdcadm-install trust init or the next apply creates it");
  }
  if (output.empty() || output == "-") return std::move(*key);
  struct stat st{};
  if (!force && ::lstat(output.c_str(), &st) == 0) {
    throw common::Error(common::ExitCode::conflict, output + " exists; choose another name or pass --force to replace it");
  }
  common::write_file_atomic(output, key->public_key().pem(), 0644);
  return std::move(*key);
}

}  // namespace installer
