#include <installer/dc_key.hpp>

#include <installer/journal.hpp>

#include <signing/key_file.hpp>

#include <sys/stat.h>

namespace installer {
namespace {

bool exists(const std::string& path) {
  struct stat st{};
  return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace

DcKeyFiles dc_key_files(const Paths& paths) {
  return {paths.state_dir + "/dc-key.pem", paths.state_dir + "/dc-key.pub"};
}

std::optional<signing::PrivateKey> load_dc_key(const Paths& paths) {
  const DcKeyFiles files = dc_key_files(paths);
  if (!exists(files.private_path)) return std::nullopt;
  return signing::load_private_key(files.private_path);
}

DcKey ensure_dc_key(const Paths& paths) {
  const DcKeyFiles files = dc_key_files(paths);
  if (std::optional<signing::PrivateKey> key = load_dc_key(paths)) {
    if (!exists(files.public_path)) {
      signing::write_public_key(files.public_path, key->public_key(), signing::Overwrite::no);
    }
    return {*key, false};
  }
  require_no_linked_dirs(paths);  // never write a key through a planted link
  make_directories(paths.state_dir);
  signing::PrivateKey key = signing::PrivateKey::generate();
  signing::write_private_key(files.private_path, key, signing::Overwrite::no);
  // A public file left by an earlier, lost key would name the wrong key: replace it.
  signing::write_public_key(files.public_path, key.public_key(), signing::Overwrite::yes);
  return {key, true};
}

}  // namespace installer
