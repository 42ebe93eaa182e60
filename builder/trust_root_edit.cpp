#include <builder/trust_root_edit.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/path.hpp>
#include <signing/key.hpp>
#include <signing/root_chain.hpp>
#include <signing/utc_time.hpp>

#include <sys/stat.h>

namespace builder {
namespace {

using common::Error;
using common::ExitCode;

// "NAME=PATH" or "PATH" (the name is then the file name without its extension).
signing::NamedKey named_key(const std::string& arg) {
  const auto eq = arg.find('=');
  std::string path = eq == std::string::npos ? arg : arg.substr(eq + 1);
  std::string name = eq == std::string::npos ? "" : arg.substr(0, eq);
  if (name.empty()) {
    name = common::base_name(path);
    name = name.substr(0, name.find('.'));
  }
  return {name, signing::load_public_key(path)};
}

std::vector<signing::PrivateKey> load_keys(const std::vector<std::string>& paths) {
  std::vector<signing::PrivateKey> keys;
  for (const auto& p : paths) keys.push_back(signing::load_private_key(p));
  return keys;
}

void write_root(const signing::TrustRoot& root, const std::string& path, bool force) {
  struct stat st {};
  if (!force && ::stat(path.c_str(), &st) == 0) {
    throw Error(ExitCode::conflict, path + " already exists; choose another name with -o, or "
                                           "pass --force to replace it");
  }
  common::write_file_atomic(path, root.serialize(), 0644);
}

// A root about to be written must be accepted unless `partial`.
void require_complete(const RootEditOptions& options, const signing::TrustRoot& root,
                      const signing::TrustRoot* prev) {
  if (options.partial) return;
  if (prev) {
    signing::require_rotation(*prev, root);
  } else if (!root.self_valid()) {
    throw Error(ExitCode::trust_root,
                "root v1 needs " + std::to_string(root.threshold()) + " signatures by its keys, got " +
                    std::to_string(root.self_tally().valid.size()) +
                    "; give more --key, or pass --partial and add them later with trust sign");
  }
}

bool matches(const signing::NamedKey& k, const std::string& spec) {
  if (spec == k.key.id()) return true;
  if (spec.size() == 64) return false;
  return signing::load_public_key(spec).id() == k.key.id();
}

}  // namespace

EditedRoot init_root(const RootEditOptions& options) {
  std::vector<signing::NamedKey> keys;
  for (const auto& k : options.keys) keys.push_back(named_key(k));
  const auto signers = load_keys(options.sign_keys);
  auto root = signing::TrustRoot::create(1, signing::now_utc() + options.expires_in_days * 86400,
                                         options.threshold, keys);
  for (const auto& k : signers) root.sign(k);
  require_complete(options, root, nullptr);
  write_root(root, options.output, options.replace_output);
  return EditedRoot{std::move(root), std::nullopt, options.output};
}

EditedRoot rotate_root(const std::string& root_path, const RootEditOptions& options) {
  signing::TrustRoot old_root = signing::load_root(root_path);
  if (!old_root.self_valid()) {
    throw Error(ExitCode::trust_root, root_path + " is not signed by its own threshold; finish "
                                                  "signing it (trust sign) before rotating from it");
  }
  std::vector<signing::NamedKey> keys;
  for (const auto& k : old_root.keys()) {
    bool removed = false;
    for (const auto& spec : options.remove_keys) removed = removed || matches(k, spec);
    if (!removed) keys.push_back(k);
  }
  if (keys.size() + options.remove_keys.size() != old_root.keys().size()) {
    throw Error(ExitCode::usage, "--remove-key: each must name one key of " + root_path +
                                     " (a key id or a public key file)");
  }
  for (const auto& k : options.add_keys) keys.push_back(named_key(k));
  const auto signers = load_keys(options.sign_keys);
  auto next = signing::TrustRoot::create(old_root.version() + 1,
                                         signing::now_utc() + options.expires_in_days * 86400,
                                         options.threshold ? options.threshold : old_root.threshold(), keys);
  for (const auto& k : signers) next.sign(k);
  require_complete(options, next, &old_root);
  write_root(next, options.output, options.replace_output);
  return EditedRoot{std::move(next), std::move(old_root), options.output};
}

EditedRoot sign_root(const std::string& root_path, const std::string& prev_path,
                     const RootEditOptions& options) {
  signing::TrustRoot root = signing::load_root(root_path);
  std::optional<signing::TrustRoot> prev;
  if (!prev_path.empty()) prev = signing::load_root(prev_path);
  for (const auto& key : load_keys(options.sign_keys)) {
    if (!root.has_key(key.id()) && !(prev && prev->has_key(key.id()))) {
      throw Error(ExitCode::usage, "key " + key.id() + " is not a key of root v" +
                                       std::to_string(root.version()) +
                                       (prev ? " nor of the previous root" : "") +
                                       (prev ? "" : " (a key of the previous root? give it with --prev)"));
    }
    root.sign(key);
  }
  const std::string out = options.output.empty() ? root_path : options.output;
  write_root(root, out, options.output.empty() || options.replace_output);
  return EditedRoot{std::move(root), std::move(prev), out};
}

}  // namespace builder
