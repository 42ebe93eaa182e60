#pragma once
// The install receipt (issue 13 part 3, docs/receipt.md): what one `sdcadm-install apply`
// did, signed by the DC's own Ed25519 key, carried out on a USB stick and checked on the
// connected side. One file, a plain ustar archive (stock `tar -xf` reads it) of, in order:
//   receipt.json    the signed bytes: the run, its steps with their evidence, the bundle
//   inventory.json  the DC's inventory after the run (docs/inventory.md), byte for byte what
//                   `sdcadm-install inventory` writes; its SHA-256 is in receipt.json.
//                   Absent when the installer could not read the DC (receipt.json says why)
//   receipt.sig     a signature document in the bundles' format (signature_document.hpp),
//                   bundle_id = the receipt id, index_sha256 = SHA-256 of receipt.json
// followed by two zero blocks. So `openssl pkeyutl -verify -pubin -inkey DC.pub -rawin -in
// receipt.json -sigfile SIG` checks it with stock tools.
//
// Reading is for hostile input: bounded, every byte of the file accounted for (headers with
// their checksums, zero padding, the end blocks, nothing after them), so a byte changed
// anywhere is refused. A file that is not an intact receipt is Error(trust_mismatch); a
// receipt without a signature Error(trust_unsigned); one signed by another key than the
// given DC key Error(trust_unknown_key).

#include <signing/key.hpp>

#include <common/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace signing {

inline constexpr const char* k_receipt_format = "sdcadm-install-receipt";
inline constexpr const char* k_receipt_member = "receipt.json";
inline constexpr const char* k_receipt_inventory_member = "inventory.json";
inline constexpr const char* k_receipt_signature_member = "receipt.sig";
// receipt.json (steps and evidence) and the inventory (16 MiB at most) with room to spare.
constexpr std::size_t k_max_receipt_file_bytes = 40u << 20;
constexpr std::size_t k_max_receipt_json_bytes = 8u << 20;
constexpr std::size_t k_max_receipt_steps = 256;

// The receipt file: receipt.json, inventory.json when `inventory` is not empty, and
// receipt.sig signed by `key`. `receipt_json` must be a receipt (its receipt_id names the
// signature document; its inventory.sha256 must match `inventory`): Error(internal) if not.
// `mtime` (seconds) goes into the tar headers.
std::string pack_receipt(std::string_view receipt_json, std::string_view inventory, const PrivateKey& key,
                         std::int64_t mtime);

struct VerifiedReceipt {
  std::string receipt_bytes;    // receipt.json, exactly as signed
  common::Json receipt;         // the same, parsed and checked (check_receipt_json)
  std::string inventory_bytes;  // inventory.json; "" when the receipt has none
  std::string signer;           // the DC key's id
};

// Checks `file` (the whole receipt file) against `dc_key`: structure, signature by exactly
// that key over receipt.json, binding, the inventory's digest, the receipt's fields.
// `what` names the file in messages. Errors as the header says.
VerifiedReceipt verify_receipt(std::string_view file, const PublicKey& dc_key, const std::string& what);

// Checks receipt.json's fields (strict: known keys only, types, bounds); returns it parsed.
// Error(bad_data) naming the field.
common::Json check_receipt_json(std::string_view bytes, const std::string& what);

// True when `head` (at least the first 512 bytes of a file) starts with the ustar header of a
// receipt's first member: how `build --inventory` tells a receipt from an inventory.
bool looks_like_receipt(std::string_view head);

}  // namespace signing
