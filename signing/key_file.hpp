#pragma once
// Writing key files: the private key 0600 from its first byte (the temp file is created
// with that mode, then renamed: common::AtomicFile), the public key 0644. Neither replaces
// an existing file unless asked: overwriting a signing key by accident loses it for good.

#include <signing/key.hpp>

#include <string>

namespace signing {

enum class Overwrite { no, yes };

// The public key file that goes with a private key file: "k.pem" -> "k.pub", anything
// else gets ".pub" appended.
std::string public_key_path(const std::string& private_path);

// Writes `key` as PKCS#8 PEM to `path`, mode 0600, atomically. An existing file is
// Error(conflict) unless overwrite is yes; write failures are Error(io / no_space).
void write_private_key(const std::string& path, const PrivateKey& key, Overwrite overwrite);

// Writes `key` as SPKI PEM to `path`, mode 0644, atomically; same rules.
void write_public_key(const std::string& path, const PublicKey& key, Overwrite overwrite);

}  // namespace signing
