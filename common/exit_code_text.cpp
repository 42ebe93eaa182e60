#include <common/exit_code_text.hpp>

#include <algorithm>

namespace common {

const std::vector<ExitCodeInfo>& exit_code_table() {
  static const std::vector<ExitCodeInfo> table = {
      {ExitCode::ok, "ok", "success"},
      {ExitCode::internal, "internal", "internal error (a bug)"},
      {ExitCode::usage, "usage", "usage error"},
      {ExitCode::config, "config", "bad or missing configuration"},
      {ExitCode::io, "io", "read or write error"},
      {ExitCode::no_space, "no_space", "not enough free space"},
      {ExitCode::network, "network", "server unreachable"},
      {ExitCode::remote_error, "remote_error", "server error"},
      {ExitCode::integrity, "integrity", "data failed its hash check"},
      {ExitCode::bad_data, "bad_data", "malformed input"},
      {ExitCode::not_found, "not_found", "not found"},
      {ExitCode::conflict, "conflict", "already exists"},
      {ExitCode::interrupted, "interrupted", "interrupted by a signal"},
      {ExitCode::input_timeout, "input_timeout", "standard input stalled"},
      {ExitCode::bundle_corrupt, "bundle_corrupt", "corrupt"},
      {ExitCode::bundle_truncated, "bundle_truncated", "truncated"},
      {ExitCode::bundle_unsafe, "bundle_unsafe", "unsafe member"},
      {ExitCode::bundle_closed_world, "bundle_closed_world", "unlisted or missing member"},
      {ExitCode::bundle_too_large, "bundle_too_large", "too large"},
      {ExitCode::bundle_unsupported, "bundle_unsupported", "unsupported format"},
      {ExitCode::bundle_hash, "bundle_hash", "hash mismatch"},
      {ExitCode::trust_unsigned, "trust_unsigned", "unsigned"},
      {ExitCode::trust_unknown_key, "trust_unknown_key", "unknown key"},
      {ExitCode::trust_threshold, "trust_threshold", "too few signers"},
      {ExitCode::trust_expired, "trust_expired", "expired"},
      {ExitCode::trust_rollback, "trust_rollback", "rollback"},
      {ExitCode::trust_root, "trust_root", "bad root chain"},
      {ExitCode::trust_mismatch, "trust_mismatch", "changed after signing"},
      {ExitCode::trust_no_root, "trust_no_root", "no trust root"},
      {ExitCode::trust_channel, "trust_channel", "another channel"},
      {ExitCode::locked, "locked", "a lock is held"},
      {ExitCode::reprov_lock, "reprov_lock", "reprovFailLock.json present"},
      {ExitCode::step_failed, "step_failed", "an sdcadm step failed"},
      {ExitCode::health_failed, "health_failed", "unhealthy instances"},
      {ExitCode::installer_too_old, "installer_too_old", "needs a newer sdcadm-install"},
      {ExitCode::installer_unusable, "installer_unusable", "the bundle's sdcadm-install is unusable"},
      {ExitCode::step_unverified, "step_unverified", "a step's outcome is not in the DC"},
      {ExitCode::unsafe_path, "unsafe_path", "a directory is a link"},
      {ExitCode::delta_base_missing, "delta_base_missing", "a delta's base image is not on this DC"},
      {ExitCode::unknown_channel, "unknown_channel", "unknown channel"},
      {ExitCode::origin_loop, "origin_loop", "image origin loop"},
  };
  return table;
}

namespace {

struct Family {
  CodeFamily id;
  ExitCode first, last;
  const char* summary;
};
const Family k_families[] = {
    {CodeFamily::bundle, ExitCode::bundle_corrupt, ExitCode::bundle_hash, "damaged bundle"},
    {CodeFamily::trust, ExitCode::trust_unsigned, ExitCode::trust_channel, "not trusted"},
};

const char* summary_of(ExitCode code) {
  for (const ExitCodeInfo& info : exit_code_table()) {
    if (info.code == code) return info.summary;
  }
  return "";
}

std::string one_code(const FooterCode& c) {
  return std::to_string(to_int(c.code)) + " " + (c.note.empty() ? summary_of(c.code) : c.note);
}

}  // namespace

std::string exit_code_footer(std::vector<FooterCode> codes, std::vector<CodeFamily> families) {
  // A code given explicitly wins over the same code from the defaults or a family.
  const auto add = [&codes](ExitCode code) {
    if (std::none_of(codes.begin(), codes.end(), [code](const FooterCode& c) { return c.code == code; })) {
      codes.emplace_back(code);
    }
  };
  add(ExitCode::ok);
  add(ExitCode::usage);
  for (const Family& f : k_families) {
    if (std::find(families.begin(), families.end(), f.id) == families.end()) continue;
    for (int n = to_int(f.first); n <= to_int(f.last); ++n) add(static_cast<ExitCode>(n));
  }
  std::stable_sort(codes.begin(), codes.end(),
                   [](const FooterCode& a, const FooterCode& b) { return to_int(a.code) < to_int(b.code); });

  std::string out = "Exit codes: ";
  for (std::size_t i = 0; i < codes.size();) {
    const int n = to_int(codes[i].code);
    const Family* family = nullptr;
    for (const Family& f : k_families) {
      if (n >= to_int(f.first) && n <= to_int(f.last)) family = &f;
    }
    std::size_t end = i + 1;  // one past the family's last code given
    while (family != nullptr && end < codes.size() && to_int(codes[end].code) <= to_int(family->last)) ++end;
    std::string item;
    if (end - i >= 2) {
      item = std::to_string(n) + "-" + std::to_string(to_int(codes[end - 1].code)) + " " + family->summary + " (";
      for (std::size_t k = i; k < end; ++k) item += (k == i ? "" : ", ") + one_code(codes[k]);
      item += ")";
    } else {
      item = one_code(codes[i]);
    }
    out += (i == 0 ? "" : ", ") + item;
    i = end;
  }
  return out + " (docs/exit-codes.md).";
}

}  // namespace common
