#include <builder/sign_bundle.hpp>

#include <builder/bundle_signatures.hpp>
#include <builder/installer_beside.hpp>

#include <bundles/part_source.hpp>
#include <bundles/seekable_reader.hpp>
#include <bundles/signature_slot.hpp>
#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/log.hpp>
#include <signing/detached.hpp>

#include <sys/stat.h>

namespace builder {
namespace {

using common::Error;
using signing::SignatureDocument;

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// The document to extend: the existing detached file, else the slot's signatures.
SignatureDocument starting_document(const std::string& slot, const std::string& sig_path, bool detached) {
  if (detached && file_exists(sig_path)) {
    return SignatureDocument::parse(common::read_small_file(sig_path, signing::k_max_detached_bytes + 1),
                                    "signature file " + sig_path);
  }
  try {
    return SignatureDocument::parse(slot, "signature slot", 1u << 16);
  } catch (const Error& e) {
    // A slot damaged by a crash mid-write: signing again repairs it.
    common::log::warn(std::string("the signature slot did not parse (") + e.what() +
                      "); starting a fresh signature list");
    return SignatureDocument::parse(bundles::k_empty_signature_json, "empty slot");
  }
}

}  // namespace

SignResult sign_bundle(const SignOptions& options) {
  const std::string path = bundles::bundle_path_argument(options.bundle);
  const auto reader = bundles::SeekableReader::open(path, bundles::PartCheck::sizes_only);
  const bool split = ends_with(path, ".parts.json");
  const bool detached = options.detached || split;
  if (split && !options.detached && options.notice) {
    options.notice("a split bundle is signed with a detached signature file (rewriting the slot "
                   "would change part 001 and its hash in the part list)");
  }
  const SigningInputs inputs = load_signing_inputs(options.keys, options.roots);
  // The installer beside the bundle is checked before anything is written: a file that is
  // not the carried installer stops the signing whole (builder/installer_beside.hpp).
  const BesideInstaller beside = beside_installer_to_sign(path, reader.index());
  if (!beside.why_not.empty() && options.notice) options.notice(beside.why_not);
  const std::string sig_path = signing::detached_signature_path(path);
  SignatureDocument doc = starting_document(reader.signature_slot(), sig_path, detached);
  try {
    apply_signing(doc, inputs, reader.index().bundle_id, reader.index_bytes());
  } catch (const Error& e) {
    throw e.with_context(detached ? sig_path : options.bundle + " (signature slot)");
  }
  if (detached) common::write_file_atomic(sig_path, doc.serialize() + "\n", 0644);
  else bundles::rewrite_signature_slot(path, slot_json(doc));
  SignResult result{path, reader.index().bundle_id, detached, sig_path, std::move(doc)};
  result.beside = sign_beside(beside, inputs.keys);
  return result;
}

}  // namespace builder
