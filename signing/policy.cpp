#include <signing/policy.hpp>

#include <common/error.hpp>
#include <signing/root_chain.hpp>
#include <signing/signature_document.hpp>
#include <signing/threshold_text.hpp>
#include <signing/utc_time.hpp>

#include <cerrno>
#include <sys/stat.h>

namespace signing {
namespace {

using common::Error;
using common::ExitCode;

std::string count_text(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

SignatureDocument read_document(const TrustCheckInput& in, std::string& source) {
  if (in.detached_json) {
    source = in.detached_name.empty() ? "detached signature file" : in.detached_name;
    return SignatureDocument::parse(*in.detached_json, "signature file " + source);
  }
  source = "signature slot";
  return SignatureDocument::parse(in.slot_json, "signature slot (bundle.sig)", 1u << 16);
}

void check_root_expiry(const TrustRoot& root, const TrustRoot& trusted, std::int64_t now) {
  if (!root.expired(now)) return;
  throw Error(ExitCode::trust_expired,
              "trust root v" + std::to_string(root.version()) + " expired on " + root.expires() +
                  (root.version() == trusted.version() ? " (the DC's trusted root)" : " (carried by the bundle)") +
                  "; the release team must rotate to a new root (sdcadm-bundle trust rotate) and "
                  "carry it in the bundle (sign --root)");
}

std::vector<Signer> check_signatures(const TrustRoot& root, const SignatureDocument& doc,
                                     std::string_view index_bytes, std::vector<std::string>& warnings) {
  if (doc.signatures().empty()) {
    throw Error(ExitCode::trust_unsigned,
                "the bundle is not signed; the release team signs it with sdcadm-bundle sign "
                "(an unsigned bundle is never installed)");
  }
  const Tally t = tally_signatures(root.keys(), doc.signatures(), index_bytes);
  const auto have = static_cast<std::int64_t>(t.valid.size());
  if (have < root.threshold()) {
    std::string need = threshold_text(root.threshold(), root.keys().size(), root.version(), t.valid.size());
    if (!t.valid.empty()) need += ": " + key_labels(root.keys(), t.valid);
    if (!t.invalid.empty()) {
      throw Error(ExitCode::trust_mismatch,
                  "the signature by " + key_labels(root.keys(), t.invalid) +
                      " does not match bundle.json: the index was changed after signing (" + need + ")");
    }
    if (t.valid.empty()) {
      std::string ids;
      for (const auto& id : t.unknown) ids += (ids.empty() ? "" : ", ") + id;
      throw Error(ExitCode::trust_unknown_key,
                  "no signature is by a key of trust root v" + std::to_string(root.version()) +
                      "; signed by unknown " + (t.unknown.size() == 1 ? "key " : "keys ") + ids +
                      " (a key not in the root, or one removed by rotation)");
    }
    std::string msg = "not enough signatures: " + need;
    if (!t.unknown.empty()) msg += "; ignored " + count_text(t.unknown.size(), "signature") + " by unknown keys";
    throw Error(ExitCode::trust_threshold, msg + "; more key holders must sign (sdcadm-bundle sign)");
  }
  if (!t.invalid.empty()) {
    warnings.push_back("ignored a bad signature by " + key_labels(root.keys(), t.invalid));
  }
  std::vector<Signer> signers;
  for (const auto& id : t.valid) {
    for (const auto& k : root.keys()) {
      if (k.key.id() == id) signers.push_back({id, k.name});
    }
  }
  return signers;
}

void check_bundle_expiry(const TrustCheckInput& in, TrustVerdict& v) {
  const auto expires = parse_utc(in.index->expires);
  if (!expires) {
    throw Error(ExitCode::bad_data, "bundle index: expires \"" + in.index->expires + "\" is not a UTC time");
  }
  if (*expires >= in.now) return;
  const std::string what = "bundle " + in.index->bundle_id + " expired on " + in.index->expires;
  if (!in.allow_expired) {
    throw Error(ExitCode::trust_expired,
                what + "; get a newer bundle from the release team, or override with "
                       "--allow-expired (recorded) if you know why");
  }
  v.overrides.push_back({"allow_expired", what});
  v.warnings.push_back(what + "; accepted because of --allow-expired");
}

void check_rollback(const TrustCheckInput& in, TrustVerdict& v) {
  if (in.rollback == nullptr) return;
  const RollbackEntry* seen = in.rollback->find(in.index->channel);
  if (seen == nullptr) return;
  const manifest::BundleIndex& ix = *in.index;
  std::string what;
  if (ix.sequence < seen->sequence) {
    what = "bundle sequence " + std::to_string(ix.sequence) + " on channel " + ix.channel +
           " is older than " + std::to_string(seen->sequence) + " (bundle " + seen->bundle_id +
           "), the newest this DC accepted";
  } else if (ix.sequence == seen->sequence && ix.bundle_id != seen->bundle_id) {
    what = "bundle " + ix.bundle_id + " reuses sequence " + std::to_string(ix.sequence) +
           " on channel " + ix.channel + ", already used by bundle " + seen->bundle_id +
           " (a replay of another bundle)";
  } else {
    return;
  }
  if (!in.allow_rollback) {
    throw Error(ExitCode::trust_rollback, what + "; install a newer bundle, or override with "
                                                 "--allow-rollback (recorded) if you mean to go back");
  }
  v.overrides.push_back({"allow_rollback", what});
  v.warnings.push_back(what + "; accepted because of --allow-rollback");
}

}  // namespace

TrustVerdict check_bundle_trust(const TrustCheckInput& in) {
  if (!in.trusted) {
    throw Error(ExitCode::trust_no_root,
                "no trust root at " + in.trusted_path + "; " +
                    (in.no_root_hint.empty()
                         ? "give the release team's root.json (copied over a trusted channel) "
                           "with --trust"
                         : in.no_root_hint) +
                    "; bundles are never trusted on first use");
  }
  if (in.index == nullptr) throw Error(ExitCode::internal, "check_bundle_trust: no index");
  TrustVerdict v{*in.trusted, false, {}, {}, {}, {}};
  const SignatureDocument doc = read_document(in, v.document);
  doc.check_binding(in.index->bundle_id, in.index_bytes);
  v.root = walk_root_chain(*in.trusted, doc.roots());
  v.root_is_newer = v.root.version() > in.trusted->version();
  check_root_expiry(v.root, *in.trusted, in.now);
  v.signers = check_signatures(v.root, doc, in.index_bytes, v.warnings);
  check_bundle_expiry(in, v);
  check_rollback(in, v);
  return v;
}

std::optional<TrustRoot> load_trusted_root(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) return std::nullopt;
  TrustRoot root = load_root(path);
  if (!root.self_valid()) {
    const Tally t = root.self_tally();
    throw Error(ExitCode::trust_root,
                "trust root " + path + " is signed by " + std::to_string(t.valid.size()) + " of its " +
                    std::to_string(root.keys().size()) + " keys, it needs " +
                    std::to_string(root.threshold()) + "; have more key holders sign it "
                    "(sdcadm-bundle trust sign)");
  }
  return root;
}

}  // namespace signing
