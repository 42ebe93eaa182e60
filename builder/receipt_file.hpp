#pragma once
// Reading an install receipt on the connected side (docs/receipt.md): the file, checked
// against the DC's public key (signing/receipt.hpp). Shared by `receipt verify` and
// `build --inventory RECEIPT --dc-key DC.pub`.

#include <signing/receipt.hpp>

#include <string>

namespace builder {

// Reads `path` (Error(not_found) when missing) and verifies it against the public key in
// `dc_key_path` (a .pub, or the private key file). Errors as signing::verify_receipt.
signing::VerifiedReceipt read_verified_receipt(const std::string& path, const std::string& dc_key_path);

// True when the file at `path` starts like a receipt (a tar whose first member is
// receipt.json) rather than a JSON inventory. Missing or short files are false.
bool is_receipt_file(const std::string& path);

}  // namespace builder
