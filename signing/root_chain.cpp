#include <signing/root_chain.hpp>

#include <common/error.hpp>

#include <algorithm>

namespace signing {
namespace {

using common::Error;
using common::ExitCode;

bool reaches(const Tally& t, std::int64_t threshold) {
  return static_cast<std::int64_t>(t.valid.size()) >= threshold;
}

std::string side_problem(const char* side, const TrustRoot& keys_of, const Tally& t) {
  std::string s = std::string(side) + " v" + std::to_string(keys_of.version()) + " needs " +
                  std::to_string(keys_of.threshold()) + " of its " +
                  std::to_string(keys_of.keys().size()) + " keys, got " +
                  std::to_string(t.valid.size()) + " (" + key_labels(keys_of.keys(), t.valid) + ")";
  if (!t.invalid.empty()) s += "; bad signature by " + key_labels(keys_of.keys(), t.invalid);
  return s;
}

}  // namespace

RotationTally tally_rotation(const TrustRoot& old_root, const TrustRoot& next) {
  RotationTally r;
  r.by_old = tally_signatures(old_root.keys(), next.signatures(), next.signed_bytes());
  r.by_new = next.self_tally();
  r.old_ok = reaches(r.by_old, old_root.threshold());
  r.new_ok = reaches(r.by_new, next.threshold());
  return r;
}

void require_rotation(const TrustRoot& old_root, const TrustRoot& next) {
  if (next.version() != old_root.version() + 1) {
    throw Error(ExitCode::trust_root,
                "root v" + std::to_string(next.version()) + " cannot follow root v" +
                    std::to_string(old_root.version()) + ": versions go up by exactly one (v" +
                    std::to_string(old_root.version() + 1) + " is missing)");
  }
  const RotationTally r = tally_rotation(old_root, next);
  if (r.accepted()) return;
  std::string why;
  if (!r.old_ok) why = side_problem("the previous root", old_root, r.by_old);
  if (!r.new_ok) why += (why.empty() ? "" : "; ") + side_problem("the new root", next, r.by_new);
  throw Error(ExitCode::trust_root, "root v" + std::to_string(next.version()) +
                                        " is not signed well enough to replace root v" +
                                        std::to_string(old_root.version()) + ": " + why);
}

TrustRoot walk_root_chain(const TrustRoot& trusted, std::vector<TrustRoot> candidates) {
  candidates.erase(std::remove_if(candidates.begin(), candidates.end(),
                                  [&](const TrustRoot& r) { return r.version() <= trusted.version(); }),
                   candidates.end());
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const TrustRoot& a, const TrustRoot& b) { return a.version() < b.version(); });
  TrustRoot current = trusted;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (i > 0 && candidates[i].version() == candidates[i - 1].version()) {
      if (candidates[i].serialize() == candidates[i - 1].serialize()) continue;
      throw Error(ExitCode::trust_root, "two different roots claim version " +
                                            std::to_string(candidates[i].version()));
    }
    require_rotation(current, candidates[i]);
    current = candidates[i];
  }
  return current;
}

}  // namespace signing
