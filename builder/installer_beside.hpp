#pragma once
// The installer beside the bundle (issue 15 item 2): the very first sdcadm-install on a
// headnode cannot come out of a bundle (nothing there can read one yet), so
// `sdcadm-bundle build --installer PATH` also writes, in the bundle's directory,
//
//   sdcadm-install                      the same bytes the bundle carries (member
//                                       installer/sdcadm-install), mode 0755
//   sdcadm-install.<KEYID12>.sig        one per release key that signed: the raw 64-byte
//                                       Ed25519 signature of the whole file, named by the
//                                       first 12 hex digits of the key id (as every message
//                                       names a signer)
//
// so an operator checks it with stock tools before running it:
//   openssl pkeyutl -verify -pubin -inkey KEY.pub -rawin -in sdcadm-install
//       -sigfile sdcadm-install.KEYID12.sig
// (docs/trust.md §4a). `sdcadm-bundle sign` adds the signature of each new key beside an
// installer that is byte for byte the one the bundle carries. Once an installer is trusted,
// the bundle vouches for newer ones: its signed index holds the carried installer's hashes.

#include <signing/key.hpp>
#include <signing/root.hpp>

#include <manifest/bundle_index.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace builder {

// The beside installer's name, in the bundle's directory.
inline constexpr const char* k_beside_installer = "sdcadm-install";
// A carried installer larger than this is not signed whole (Ed25519 signs the message in one
// piece, in memory): the portable installer is about 9 MB.
inline constexpr std::uint64_t k_max_beside_installer_bytes = 256ull << 20;

// DIR/sdcadm-install for a bundle (NAME.sdc, NAME.sdc.parts.json or NAME.sdc.001) in DIR.
std::string beside_installer_path(const std::string& bundle_path);
// INSTALLER.<first 12 hex of keyid>.sig
std::string beside_signature_path(const std::string& installer_path, const std::string& keyid);
// The files build writes beside `bundle_path`: the installer, then one signature per key id.
std::vector<std::string> beside_files(const std::string& bundle_path, const std::vector<std::string>& keyids);

// Refuses (Error(conflict), exit 11) when one of `files` exists and may not be replaced.
void check_beside_files(const std::vector<std::string>& files, bool replace);

// Reads the installer at `source` whole and checks that its size and chunk hashes are
// `size` and `sha256` (what the index says the bundle carries; chunk_size as the index's):
// the file may not change between hashing and copying. Error(integrity) otherwise.
std::string read_carried_installer(const std::string& source, std::uint64_t size,
                                   const std::vector<std::string>& sha256, std::uint64_t chunk_size);

// Writes `installer` (mode 0755) and each key's signature of it beside `bundle_path`, each
// atomically (common::AtomicFile), and removes any other INSTALLER.*.sig there (left by an
// earlier build this one replaces). Returns the paths written, installer first.
std::vector<std::string> write_beside(const std::string& bundle_path, const std::string& installer,
                                      const std::vector<signing::PrivateKey>& keys);

// `sdcadm-bundle sign`: when the bundle carries an installer and DIR/sdcadm-install exists,
// checks that it is the carried one (Error(trust_mismatch) otherwise: signing it would vouch
// for a binary the release did not ship) and returns its bytes; "" when there is nothing to
// sign beside (no carried installer, or no file beside). Called before anything is written.
struct BesideInstaller {
  std::string path;   // "" = nothing to sign
  std::string bytes;
  std::string why_not;  // when path is "": why nothing beside is signed ("" when unremarkable)
};
BesideInstaller beside_installer_to_sign(const std::string& bundle_path, const manifest::BundleIndex& index);

// Writes each key's signature of `beside.bytes` (atomically); returns the paths.
std::vector<std::string> sign_beside(const BesideInstaller& beside, const std::vector<signing::PrivateKey>& keys);

// `sdcadm-bundle verify --trust ROOT.json`: the operator's check of the installer beside the
// bundle, done before the stick leaves. When the bundle carries an installer and
// DIR/sdcadm-install exists: it must be the carried one (Error(trust_mismatch) otherwise), each
// sdcadm-install.KEYID12.sig of a key of `root` must be that key's signature of it
// (Error(trust_mismatch) naming the file otherwise), and at least root.threshold() keys must
// have signed (Error(trust_threshold)). Signature files of keys the root does not hold are
// listed, not counted. nullopt when there is nothing beside the bundle to check.
struct BesideVerdict {
  std::string installer;                // the file checked
  std::vector<std::string> signers;     // "alice (1a2b3c4d5e6f)" per good signature
  std::vector<std::string> ignored;     // signature files of keys the root does not hold
  std::int64_t threshold = 0;
};
std::optional<BesideVerdict> check_beside(const std::string& bundle_path, const manifest::BundleIndex& index,
                                          const signing::TrustRoot& root);

}  // namespace builder
