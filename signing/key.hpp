#pragma once
// Ed25519 keys through OpenSSL 3 (EVP). Private keys are PKCS#8 PEM ("BEGIN PRIVATE KEY"),
// public keys SPKI PEM ("BEGIN PUBLIC KEY"): the files `openssl genpkey -algorithm ed25519`
// and `openssl pkey -pubout` write. A key id is the lower-case hex SHA-256 of the DER
// SubjectPublicKeyInfo (44 bytes), what
//   openssl pkey -pubin -in KEY.pub -outform DER | sha256sum
// prints. A signature is the raw 64-byte Ed25519 signature over the exact message bytes,
// so `openssl pkeyutl -verify -pubin -inkey KEY.pub -rawin` checks it.

#include <memory>
#include <string>
#include <string_view>

typedef struct evp_pkey_st EVP_PKEY;

namespace signing {

constexpr std::size_t k_signature_size = 64;
constexpr std::size_t k_max_key_file_bytes = 64 * 1024;

class PublicKey {
 public:
  // From DER SubjectPublicKeyInfo / PEM text. `what` names the source in messages.
  // Throws Error(bad_data): not a key, or not an Ed25519 key (names the type it is).
  static PublicKey from_der(std::string_view der, const std::string& what);
  static PublicKey from_pem(std::string_view pem, const std::string& what);

  const std::string& der() const { return m_der; }  // SPKI DER, 44 bytes
  const std::string& id() const { return m_id; }    // hex SHA-256 of der()
  std::string pem() const;                           // "-----BEGIN PUBLIC KEY-----..."

  // True when `signature` (raw bytes) is this key's Ed25519 signature of `message`.
  // A signature of the wrong length is simply false.
  bool verify(std::string_view message, std::string_view signature) const;

 private:
  friend class PrivateKey;  // builds the public half from the same EVP_PKEY
  explicit PublicKey(std::shared_ptr<EVP_PKEY> key);
  std::shared_ptr<EVP_PKEY> m_key;
  std::string m_der;
  std::string m_id;
};

class PrivateKey {
 public:
  // A fresh key from OpenSSL's random generator. Throws Error(internal) if OpenSSL fails.
  static PrivateKey generate();
  // From PEM text (PKCS#8, or a traditional RSA/EC PEM only to say it is the wrong type).
  // Throws Error(bad_data): malformed PEM, a public key where a private one is needed, an
  // encrypted key ("decrypt it with openssl pkey"), or a non-Ed25519 key.
  static PrivateKey from_pem(std::string_view pem, const std::string& what);

  const PublicKey& public_key() const { return m_public; }
  const std::string& id() const { return m_public.id(); }
  std::string pem() const;  // PKCS#8, unencrypted

  // The raw 64-byte Ed25519 signature of `message`.
  std::string sign(std::string_view message) const;

 private:
  PrivateKey(std::shared_ptr<EVP_PKEY> key, PublicKey pub);
  std::shared_ptr<EVP_PKEY> m_key;
  PublicKey m_public;
};

// Loads a private key file. A missing file is Error(not_found); the rest as from_pem,
// with the path in the message.
PrivateKey load_private_key(const std::string& path);

// Loads a public key file, or the public half of a private key file (so `key id` and
// `trust init --signer` take either). Errors as load_private_key.
PublicKey load_public_key(const std::string& path);

}  // namespace signing
