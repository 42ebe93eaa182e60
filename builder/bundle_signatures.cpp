#include <builder/bundle_signatures.hpp>

#include <bundles/format.hpp>
#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <signing/detached.hpp>
#include <signing/utc_time.hpp>


namespace builder {
namespace {

using common::Error;
using common::ExitCode;

}  // namespace

SigningInputs load_signing_inputs(const std::vector<std::string>& key_paths,
                                  const std::vector<std::string>& root_paths) {
  SigningInputs in;
  for (const auto& path : key_paths) in.keys.push_back(signing::load_private_key(path));
  for (const auto& path : root_paths) {
    signing::TrustRoot root = signing::load_root(path);
    if (!root.self_valid()) {
      throw Error(ExitCode::trust_root,
                  "--root " + path + ": root v" + std::to_string(root.version()) + " is signed by " +
                      std::to_string(root.self_tally().valid.size()) + " of its keys and needs " +
                      std::to_string(root.threshold()) +
                      "; finish signing it (sdcadm-bundle trust sign) before a bundle carries it");
    }
    in.roots.push_back(std::move(root));
  }
  return in;
}

void apply_signing(signing::SignatureDocument& doc, const SigningInputs& inputs,
                   const std::string& bundle_id, const std::string& index_bytes) {
  for (const auto& key : inputs.keys) doc.sign(key, bundle_id, index_bytes);
  for (const auto& root : inputs.roots) doc.attach_root(root);
}

std::string slot_json(const signing::SignatureDocument& doc) {
  std::string json = doc.serialize();
  if (json.size() > bundles::format::k_signature_slot_size) {
    throw Error(ExitCode::bundle_too_large,
                "the signatures take " + std::to_string(json.size()) + " bytes, " +
                    std::to_string(json.size() - bundles::format::k_signature_slot_size) +
                    " more than the 64 KiB slot holds; carry fewer roots (only those newer than "
                    "the oldest root a DC may hold), or write a detached signature (--detached)");
  }
  return json;
}

signing::TrustVerdict check_trust(const std::string& root_path, const std::string& index_bytes,
                                  const manifest::BundleIndex& index,
                                  const ChosenSignatures& signatures, bool allow_expired) {
  signing::TrustCheckInput in;
  in.trusted = signing::load_trusted_root(root_path);
  in.trusted_path = root_path;
  in.index_bytes = index_bytes;
  in.index = &index;
  in.slot_json = signatures.detached ? std::string_view{} : std::string_view{signatures.text};
  if (signatures.detached) {
    in.detached_json = signatures.text;
    in.detached_name = signatures.source;
  }
  in.now = signing::now_utc();
  in.allow_expired = allow_expired;
  return signing::check_bundle_trust(in);
}

common::Json verdict_json(const signing::TrustVerdict& v) {
  common::Json signers = common::Json::array();
  for (const auto& s : v.signers) signers.push_back({{"keyid", s.keyid}, {"name", s.name}});
  common::Json overrides = common::Json::array();
  for (const auto& o : v.overrides) overrides.push_back({{"flag", o.flag}, {"detail", o.detail}});
  return {{"root_version", v.root.version()}, {"root_is_newer", v.root_is_newer},
          {"threshold", v.root.threshold()}, {"keys", v.root.keys().size()}, {"signers", signers}, {"document", v.document},
          {"overrides", overrides}, {"warnings", v.warnings}};
}

std::string signer_names(const signing::TrustVerdict& v) {
  std::string out;
  for (const auto& s : v.signers) {
    out += (out.empty() ? "" : ", ") + (s.name.empty() ? s.keyid.substr(0, 12)
                                                       : s.name + " (" + s.keyid.substr(0, 12) + ")");
  }
  return out;
}

}  // namespace builder
