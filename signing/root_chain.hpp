#pragma once
// Root rotation (TUF's rule): root N+1 replaces trusted root N only when its version is
// exactly N+1 and it is signed by threshold(N) of root N's keys AND by threshold(N+1) of
// its own keys. A chain of newer roots is walked one step at a time from the trusted one;
// expiry of the roots in between is not checked (an expired root can still be rotated
// away from), only the final root's is (by the policy).

#include <signing/root.hpp>

#include <vector>

namespace signing {

// Both sides of one rotation step.
struct RotationTally {
  Tally by_old;  // old root's keys over the new root's signed bytes
  Tally by_new;  // new root's own keys
  bool old_ok = false;
  bool new_ok = false;
  bool accepted() const { return old_ok && new_ok; }
};
RotationTally tally_rotation(const TrustRoot& old_root, const TrustRoot& next);

// Throws Error(trust_root) unless `next` is accepted over `old_root`: a version other than
// old + 1 ("gap"), or a side without its threshold (the message says which side, how many
// of how many, and who signed).
void require_rotation(const TrustRoot& old_root, const TrustRoot& next);

// Walks from `trusted` through `candidates` (any order; versions <= trusted's are
// ignored) and returns the newest root reached; `trusted` itself when none is newer.
// Two different candidates with the same version, a gap or a failed step =>
// Error(trust_root).
TrustRoot walk_root_chain(const TrustRoot& trusted, std::vector<TrustRoot> candidates);

}  // namespace signing
