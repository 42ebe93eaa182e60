#include <signing/key.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <signing/encoding.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstring>

namespace signing {
namespace {

using common::Error;
using common::ExitCode;

std::shared_ptr<EVP_PKEY> own(EVP_PKEY* key) { return {key, EVP_PKEY_free}; }

std::string openssl_reason() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

// A password callback that refuses: without it OpenSSL would prompt on the terminal for
// an encrypted key, which an offline signing script must never do.
int no_password(char*, int, int, void*) { return -1; }

std::unique_ptr<BIO, decltype(&BIO_free)> memory_bio(std::string_view text) {
  return {BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), BIO_free};
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

bool contains(std::string_view text, std::string_view needle) {
  return text.find(needle) != std::string_view::npos;
}

// Refuses every key that is not Ed25519, naming what it is.
void require_ed25519(EVP_PKEY* key, const std::string& what) {
  if (EVP_PKEY_get_id(key) == EVP_PKEY_ED25519) return;
  const char* name = EVP_PKEY_get0_type_name(key);
  const std::string type = name ? name : "unknown";
  const bool vowel = std::strchr("AEFHILMNORSXaefhilmnorsx", type[0]) != nullptr;
  throw Error(ExitCode::bad_data, what + " is " + (vowel ? "an " : "a ") + type +
                                      " key; sdcadm-bundle signs with Ed25519 keys only (make "
                                      "one with sdcadm-bundle key generate)");
}

std::string der_of(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(key, &der);
  if (size <= 0) throw Error(ExitCode::internal, "encoding a public key: " + openssl_reason());
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
  OPENSSL_free(der);
  return out;
}

}  // namespace

PublicKey::PublicKey(std::shared_ptr<EVP_PKEY> key)
    : m_key(std::move(key)), m_der(der_of(m_key.get())), m_id(sha256_hex(m_der)) {}

PublicKey PublicKey::from_der(std::string_view der, const std::string& what) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  if (key == nullptr || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    EVP_PKEY_free(key);
    ERR_clear_error();
    throw Error(ExitCode::bad_data, what + " is not a DER SubjectPublicKeyInfo public key");
  }
  auto owned = own(key);
  require_ed25519(key, what);
  return PublicKey(owned);
}

PublicKey PublicKey::from_pem(std::string_view pem, const std::string& what) {
  if (contains(pem, "PRIVATE KEY-----")) {
    return PrivateKey::from_pem(pem, what).public_key();
  }
  auto bio = memory_bio(pem);
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, no_password, nullptr);
  if (key == nullptr) {
    ERR_clear_error();
    throw Error(ExitCode::bad_data, what + " is not a PEM public key (expected \"-----BEGIN "
                                           "PUBLIC KEY-----\", as written by sdcadm-bundle key "
                                           "generate or openssl pkey -pubout)");
  }
  auto owned = own(key);
  require_ed25519(key, what);
  return PublicKey(owned);
}

std::string PublicKey::pem() const {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), m_key.get()) != 1) {
    throw Error(ExitCode::internal, "writing a public key: " + openssl_reason());
  }
  return bio_text(bio.get());
}

bool PublicKey::verify(std::string_view message, std::string_view signature) const {
  if (signature.size() != k_signature_size) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, m_key.get()) != 1) {
    throw Error(ExitCode::internal, "Ed25519 verify: " + openssl_reason());
  }
  const int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                                  signature.size(),
                                  reinterpret_cast<const unsigned char*>(message.data()), message.size());
  ERR_clear_error();  // a bad signature leaves an entry in OpenSSL's queue
  return rc == 1;
}

PrivateKey::PrivateKey(std::shared_ptr<EVP_PKEY> key, PublicKey pub)
    : m_key(std::move(key)), m_public(std::move(pub)) {}

PrivateKey PrivateKey::generate() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (key == nullptr) throw Error(ExitCode::internal, "generating an Ed25519 key: " + openssl_reason());
  auto owned = own(key);
  return PrivateKey(owned, PublicKey(owned));
}

PrivateKey PrivateKey::from_pem(std::string_view pem, const std::string& what) {
  if (contains(pem, "ENCRYPTED")) {  // PKCS#8 "ENCRYPTED PRIVATE KEY" or "Proc-Type: 4,ENCRYPTED"
    throw Error(ExitCode::bad_data, what + " is an encrypted private key; sdcadm-bundle v1 has no "
                                           "passphrase support: decrypt a copy on the offline "
                                           "machine (openssl pkey -in " + what + " -out KEY.pem)");
  }
  if (contains(pem, "BEGIN PUBLIC KEY")) {
    throw Error(ExitCode::bad_data, what + " is a public key; signing needs the private key file "
                                           "(\"-----BEGIN PRIVATE KEY-----\")");
  }
  auto bio = memory_bio(pem);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr);
  if (key == nullptr) {
    ERR_clear_error();
    throw Error(ExitCode::bad_data, what + " is not a PEM private key (expected \"-----BEGIN "
                                           "PRIVATE KEY-----\", as written by sdcadm-bundle key "
                                           "generate or openssl genpkey -algorithm ed25519)");
  }
  auto owned = own(key);
  require_ed25519(key, what);
  return PrivateKey(owned, PublicKey(owned));
}

std::string PrivateKey::pem() const {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), m_key.get(), nullptr, nullptr, 0,
                                            nullptr, nullptr) != 1) {
    throw Error(ExitCode::internal, "writing a private key: " + openssl_reason());
  }
  return bio_text(bio.get());
}

std::string PrivateKey::sign(std::string_view message) const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::string sig(k_signature_size, '\0');
  std::size_t size = sig.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, m_key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &size,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
      size != k_signature_size) {
    throw Error(ExitCode::internal, "Ed25519 signing: " + openssl_reason());
  }
  return sig;
}

PrivateKey load_private_key(const std::string& path) {
  return PrivateKey::from_pem(common::read_small_file(path, k_max_key_file_bytes), path);
}

PublicKey load_public_key(const std::string& path) {
  return PublicKey::from_pem(common::read_small_file(path, k_max_key_file_bytes), path);
}

}  // namespace signing
