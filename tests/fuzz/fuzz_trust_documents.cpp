// libFuzzer target: the trust documents read from outside: a signature document (the
// bundle's signature slot or a detached .sig, with the roots it carries), a trust root
// (root.json) and the installer's rollback state. All three are strict JSON; each input is
// tried as each of them, so one corpus of JSON shapes exercises every parser.

#include "fuzz_expect.hpp"

#include <signing/rollback_state.hpp>
#include <signing/root.hpp>
#include <signing/signature_document.hpp>

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz::accepts("SignatureDocument::parse", [&] {
    const signing::SignatureDocument doc = signing::SignatureDocument::parse(text, "fuzz signatures");
    for (const auto& root : doc.root_documents()) {
      fuzz::accepts("carried root", [&] { (void)signing::TrustRoot::from_json(root, "carried root"); });
    }
  });
  fuzz::accepts("TrustRoot::parse", [&] { (void)signing::TrustRoot::parse(text, "fuzz root"); });
  fuzz::accepts("RollbackState::parse", [&] {
    const signing::RollbackState state = signing::RollbackState::parse(text, "fuzz state");
    const std::string once = state.serialize();
    if (signing::RollbackState::parse(once, "again").serialize() != once) fuzz::bug("rollback state round trip differs");
  });
  return 0;
}
