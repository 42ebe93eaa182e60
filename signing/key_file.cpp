#include <signing/key_file.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>

#include <sys/stat.h>

namespace signing {
namespace {

void refuse_existing(const std::string& path, Overwrite overwrite) {
  struct stat st {};
  if (overwrite == Overwrite::no && ::lstat(path.c_str(), &st) == 0) {
    throw common::Error(common::ExitCode::conflict,
                        path + " already exists; a key file is never replaced silently: choose "
                               "another name, or pass --force to replace it");
  }
}

}  // namespace

std::string public_key_path(const std::string& private_path) {
  const std::string ext = ".pem";
  if (private_path.size() > ext.size() &&
      private_path.compare(private_path.size() - ext.size(), ext.size(), ext) == 0) {
    return private_path.substr(0, private_path.size() - ext.size()) + ".pub";
  }
  return private_path + ".pub";
}

void write_private_key(const std::string& path, const PrivateKey& key, Overwrite overwrite) {
  refuse_existing(path, overwrite);
  // The temp file is created 0600 (the umask can only remove bits), so the key is never
  // readable by others, not even for a moment.
  common::write_file_atomic(path, key.pem(), 0600);
}

void write_public_key(const std::string& path, const PublicKey& key, Overwrite overwrite) {
  refuse_existing(path, overwrite);
  common::write_file_atomic(path, key.pem(), 0644);
}

}  // namespace signing
