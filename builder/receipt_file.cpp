#include <builder/receipt_file.hpp>

#include <common/atomic_file.hpp>
#include <signing/key.hpp>

#include <fstream>

namespace builder {

signing::VerifiedReceipt read_verified_receipt(const std::string& path, const std::string& dc_key_path) {
  const signing::PublicKey key = signing::load_public_key(dc_key_path);
  const std::string bytes = common::read_small_file(path, signing::k_max_receipt_file_bytes + 1);
  return signing::verify_receipt(bytes, key, path);
}

bool is_receipt_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(512, '\0');
  if (!in.read(head.data(), static_cast<std::streamsize>(head.size()))) return false;
  return signing::looks_like_receipt(head);
}

}  // namespace builder
