#pragma once
// What the sign, build, verify and inspect commands share about bundle signatures: the
// keys and roots given on the command line, the JSON that goes into the 64 KiB slot, which
// signature document a bundle is checked with (slot or NAME.sdc.sig), and the trust check
// with its JSON form.

#include <signing/detached.hpp>
#include <signing/key.hpp>
#include <signing/policy.hpp>
#include <signing/root.hpp>
#include <signing/signature_document.hpp>

#include <common/json.hpp>
#include <manifest/bundle_index.hpp>

#include <string>
#include <vector>

namespace builder {

// --key PRIV... and --root R.json...: every file loaded (and checked) before anything is
// written. A root that is not signed by its own threshold => Error(trust_root): a bundle
// carrying it would be refused everywhere.
struct SigningInputs {
  std::vector<signing::PrivateKey> keys;
  std::vector<signing::TrustRoot> roots;
  bool empty() const { return keys.empty() && roots.empty(); }
};
SigningInputs load_signing_inputs(const std::vector<std::string>& key_paths,
                                  const std::vector<std::string>& root_paths);

// Signs `doc` with every key and attaches every root.
void apply_signing(signing::SignatureDocument& doc, const SigningInputs& inputs,
                   const std::string& bundle_id, const std::string& index_bytes);

// The compact JSON for the slot; larger than the slot => Error(bundle_too_large) saying by
// how many bytes and what to do.
std::string slot_json(const signing::SignatureDocument& doc);

// The signature document a bundle is checked with: signing::choose_signatures (detached.hpp).
using signing::ChosenSignatures;
using signing::choose_signatures;

// Runs signing::check_bundle_trust with the root at `root_path` (missing => exit 37).
signing::TrustVerdict check_trust(const std::string& root_path, const std::string& index_bytes,
                                  const manifest::BundleIndex& index,
                                  const ChosenSignatures& signatures, bool allow_expired);

// {"root_version", "root_is_newer", "threshold", "signers": [{"keyid","name"}],
//  "document", "overrides": [...], "warnings": [...]}
common::Json verdict_json(const signing::TrustVerdict& verdict);

// "alice (1a2b3c4d5e6f), bob (...)"
std::string signer_names(const signing::TrustVerdict& verdict);

}  // namespace builder
