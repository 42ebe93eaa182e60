#pragma once
// The one table of exit codes shared by sdcadm-bundle, sdcadm-install and the test
// programs. Each family of failure has its own code so scripts can branch on why a
// command failed. Documented for users in docs/exit-codes.md; keep both in step.
// Codes are stable once released: add new ones, never renumber.

namespace common {

enum class ExitCode : int {
  ok = 0,
  internal = 1,        // a bug: an unexpected exception or broken invariant
  usage = 2,           // bad command line (unknown option, missing argument)
  config = 3,          // bad or missing configuration or environment (file not found, ...)
  io = 4,              // a local read or write failed (permissions, I/O error)
  no_space = 5,        // not enough free space; checked before writing where possible
  network = 6,         // could not reach a server, timeout, connection cut mid-transfer
  remote_error = 7,    // a server answered with an error status (IMGAPI restCode in the message)
  integrity = 8,       // downloaded or uploaded data failed its size / SHA-1 / MD5 check
  bad_data = 9,        // malformed input: JSON syntax, wrong types, invalid manifest
  not_found = 10,      // the image, file or resource asked for does not exist
  conflict = 11,       // the resource already exists (e.g. image uuid already imported)
  interrupted = 12,    // stopped by a signal; nothing half-written was kept
  input_timeout = 13,  // a pipe (standard input) gave no data for the read timeout

  // 20-29: the .sdc bundle container (builder issue).
  bundle_corrupt = 20,      // bytes do not decode (bad zstd frame, bad tar header, bad index)
  bundle_truncated = 21,    // the file ends early
  bundle_unsafe = 22,       // path tricks, links or devices inside the archive
  bundle_closed_world = 23, // unlisted, duplicate or missing member
  bundle_too_large = 24,    // a member or the index exceeds its declared or allowed size
  bundle_unsupported = 25,  // format version this program does not understand
  bundle_hash = 26,         // a member's content does not match the index

  // 30-39: trust (signing issue).
  trust_unsigned = 30,
  trust_unknown_key = 31,
  trust_threshold = 32,
  trust_expired = 33,
  trust_rollback = 34,
  trust_root = 35,
  trust_mismatch = 36,
  trust_no_root = 37,
  trust_channel = 38,  // a bundle of another channel than the DC's (docs/trust.md)

  // 40-49: installer (installer issue).
  locked = 40,
  reprov_lock = 41,
  step_failed = 42,
  health_failed = 43,
  installer_too_old = 44,
  installer_unusable = 45,  // the bundle's sdcadm-install does not run here or says another version
  step_unverified = 46,     // an sdcadm step exited 0 but the DC does not show its outcome
  unsafe_path = 47,         // a directory the installer writes under is a symlink (or not a directory)
  delta_base_missing = 48,  // a delta artifact's base image is not on this DC (or differs): a full bundle is needed

  // 50-59: resolving what to build (builder issue).
  unknown_channel = 50,
  origin_loop = 51,
};

constexpr int to_int(ExitCode code) { return static_cast<int>(code); }

}  // namespace common
