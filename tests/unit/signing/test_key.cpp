// signing/key, key_file: generation, PEM files (ours and openssl's), key ids, raw Ed25519
// signatures, and every bad key file: missing, malformed, public for private, encrypted,
// RSA and EC keys.
#include "signing_support.hpp"

#include <common/hash.hpp>
#include <signing/encoding.hpp>
#include <signing/key_file.hpp>

#include <sys/stat.h>

using namespace signing_test;
using common::ExitCode;
using signing::Overwrite;

TEST_CASE("a generated key signs, verifies and round-trips through PEM files") {
  TempDir dir;
  const auto k = signing::PrivateKey::generate();
  REQUIRE(k.public_key().der().size() == 44);
  REQUIRE(k.id() == common::hex_digest(common::HashAlgorithm::sha256, k.public_key().der()));
  const std::string sig = k.sign("hello");
  REQUIRE(sig.size() == 64);
  CHECK(k.public_key().verify("hello", sig));
  CHECK_FALSE(k.public_key().verify("hello!", sig));
  CHECK_FALSE(k.public_key().verify("hello", sig.substr(0, 63)));
  CHECK_FALSE(key(1).public_key().verify("hello", sig));

  signing::write_private_key(dir.file("k.pem"), k, Overwrite::no);
  signing::write_public_key(dir.file("k.pub"), k.public_key(), Overwrite::no);
  struct stat st {};
  REQUIRE(::stat(dir.file("k.pem").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(slurp(dir.file("k.pem")).rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
  CHECK(slurp(dir.file("k.pub")).rfind("-----BEGIN PUBLIC KEY-----", 0) == 0);
  CHECK(signing::load_private_key(dir.file("k.pem")).id() == k.id());
  CHECK(signing::load_public_key(dir.file("k.pub")).id() == k.id());
  CHECK(signing::load_public_key(dir.file("k.pem")).id() == k.id());  // the public half
  CHECK(signing::public_key_path("dir/k.pem") == "dir/k.pub");
  CHECK(signing::public_key_path("k.key") == "k.key.pub");
}

TEST_CASE("key files are never replaced unless asked") {
  TempDir dir;
  signing::write_private_key(dir.file("k.pem"), key(0), Overwrite::no);
  CHECK(code_of([&] { signing::write_private_key(dir.file("k.pem"), key(1), Overwrite::no); }) ==
        ExitCode::conflict);
  CHECK(signing::load_private_key(dir.file("k.pem")).id() == key(0).id());
  signing::write_private_key(dir.file("k.pem"), key(1), Overwrite::yes);
  CHECK(signing::load_private_key(dir.file("k.pem")).id() == key(1).id());
  signing::write_public_key(dir.file("k.pub"), key(0).public_key(), Overwrite::no);
  CHECK(code_of([&] { signing::write_public_key(dir.file("k.pub"), key(0).public_key(), Overwrite::no); }) ==
        ExitCode::conflict);
}

TEST_CASE("keys made by the stock openssl CLI load, with the key id openssl computes") {
  TempDir dir;
  const std::string pem = dir.file("o.pem"), pub = dir.file("o.pub");
  shell("openssl genpkey -algorithm ed25519 -out " + pem);
  shell("openssl pkey -in " + pem + " -pubout -out " + pub);
  shell("openssl pkey -pubin -in " + pub + " -outform DER | sha256sum | cut -c1-64 > " + dir.file("id"));
  const auto k = signing::load_private_key(pem);
  CHECK(k.id() == slurp(dir.file("id")).substr(0, 64));
  CHECK(signing::load_public_key(pub).id() == k.id());
  // And openssl verifies our signature with that public key.
  write_text(dir.file("msg"), "the exact bytes");
  write_text(dir.file("sig"), k.sign("the exact bytes"));
  shell("openssl pkeyutl -verify -pubin -inkey " + pub + " -rawin -in " + dir.file("msg") +
        " -sigfile " + dir.file("sig"));
}

TEST_CASE("bad key files are refused with a message that says what is wrong") {
  TempDir dir;
  CHECK(code_of([&] { signing::load_private_key(dir.file("missing.pem")); }) == ExitCode::not_found);
  CHECK(code_of([&] { signing::load_public_key(dir.file("missing.pub")); }) == ExitCode::not_found);

  write_text(dir.file("garbage.pem"), "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n");
  CHECK(code_of([&] { signing::load_private_key(dir.file("garbage.pem")); }) == ExitCode::bad_data);
  CHECK(message_of([&] { signing::load_private_key(dir.file("garbage.pem")); }).find("not a PEM private key") !=
        std::string::npos);
  write_text(dir.file("empty.pub"), "");
  CHECK(code_of([&] { signing::load_public_key(dir.file("empty.pub")); }) == ExitCode::bad_data);
  // A truncated PEM: the first half of a real one.
  const std::string real = key(0).pem();
  write_text(dir.file("cut.pem"), real.substr(0, real.size() / 2));
  CHECK(code_of([&] { signing::load_private_key(dir.file("cut.pem")); }) == ExitCode::bad_data);

  signing::write_public_key(dir.file("k.pub"), key(0).public_key(), Overwrite::no);
  CHECK(message_of([&] { signing::load_private_key(dir.file("k.pub")); }).find("is a public key") !=
        std::string::npos);
}

TEST_CASE("an encrypted private key is refused with a hint to decrypt it") {
  TempDir dir;
  shell("openssl genpkey -algorithm ed25519 -aes-256-cbc -pass pass:secret -out " + dir.file("enc.pem"));
  const std::string msg = message_of([&] { signing::load_private_key(dir.file("enc.pem")); });
  CHECK(msg.find("encrypted") != std::string::npos);
  CHECK(msg.find("openssl pkey") != std::string::npos);
  CHECK(code_of([&] { signing::load_private_key(dir.file("enc.pem")); }) == ExitCode::bad_data);
}

TEST_CASE("RSA and EC keys made with OpenSSL are refused as the wrong key type") {
  TempDir dir;
  shell("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " + dir.file("rsa.pem"));
  shell("openssl pkey -in " + dir.file("rsa.pem") + " -pubout -out " + dir.file("rsa.pub"));
  shell("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + dir.file("ec.pem"));
  shell("openssl ecparam -name prime256v1 -genkey -noout -out " + dir.file("ec-legacy.pem"));
  for (const char* name : {"rsa.pem", "rsa.pub"}) {
    const std::string msg = message_of([&] { signing::load_public_key(dir.file(name)); });
    CHECK(msg.find("is an RSA key") != std::string::npos);
    CHECK(msg.find("Ed25519 keys only") != std::string::npos);
  }
  CHECK(code_of([&] { signing::load_private_key(dir.file("rsa.pem")); }) == ExitCode::bad_data);
  CHECK(message_of([&] { signing::load_private_key(dir.file("ec.pem")); }).find("is an EC key") !=
        std::string::npos);
  CHECK(message_of([&] { signing::load_private_key(dir.file("ec-legacy.pem")); }).find("is an EC key") !=
        std::string::npos);
}

TEST_CASE("public keys from DER: only a complete Ed25519 SubjectPublicKeyInfo") {
  const std::string der = key(0).public_key().der();
  CHECK(signing::PublicKey::from_der(der, "k").id() == key(0).id());
  CHECK(code_of([&] { signing::PublicKey::from_der(der.substr(0, 40), "k"); }) == ExitCode::bad_data);
  CHECK(code_of([&] { signing::PublicKey::from_der(der + "x", "k"); }) == ExitCode::bad_data);
  CHECK(code_of([&] { signing::PublicKey::from_der("", "k"); }) == ExitCode::bad_data);
}
