#pragma once
// The DC's own Ed25519 key (issue 13 part 3, docs/receipt.md): it signs the install receipts
// this DC writes, so that the connected side can tell a receipt of this DC from anything
// else. Kept beside the installer's state, under the root:
//   /var/sdcadm/install/dc-key.pem   private key, PKCS#8, mode 0600
//   /var/sdcadm/install/dc-key.pub   public key, SPKI PEM (what the release side is given)
// One fixed name rather than the datacenter's: renaming the DC in /usbkey/config must not
// orphan the key that signed its earlier receipts. `sdcadm-install trust init` creates it,
// and so does the next `apply` of a DC set up before receipts existed. Never replaced.

#include <installer/paths.hpp>
#include <signing/key.hpp>

#include <optional>
#include <string>

namespace installer {

struct DcKeyFiles {
  std::string private_path, public_path;
};
DcKeyFiles dc_key_files(const Paths& paths);

// The DC's key, or nullopt when it has none yet. A damaged key file is Error(bad_data).
std::optional<signing::PrivateKey> load_dc_key(const Paths& paths);

struct DcKey {
  signing::PrivateKey key;
  bool created = false;  // made by this call
};

// The DC's key, created (0600, atomically, never over an existing file) when missing. A
// missing public file beside an existing private key is written again from it.
DcKey ensure_dc_key(const Paths& paths);

}  // namespace installer
