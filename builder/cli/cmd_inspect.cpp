// `sdcadm-bundle inspect BUNDLE`: what a bundle holds, from its index and changelog only.
// Goes through the seek table (bundles::SeekableReader): reads the footer, the table,
// frames 0 and 1 and the changelog's frames, never the payload, so it takes milliseconds
// on a bundle of any size. Split bundles are opened by their parts list with sizes checked
// only (verify hashes them). Nothing here says the payload is good: that is `verify`.
// Signer key ids come from the slot and a detached NAME.sdc.sig; whether they verify is
// shown only with --trust ROOT.json (builder/inspect_signatures).

#include <builder/cli/cli.hpp>
#include <builder/cli/build_report.hpp>
#include <builder/cli/cli_options.hpp>
#include <builder/delta_report.hpp>
#include <builder/inspect_signatures.hpp>

#include <bundles/seekable_reader.hpp>
#include <common/error.hpp>
#include <common/progress.hpp>
#include <manifest/changelog.hpp>
#include <signing/utc_time.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

namespace builder {
namespace {

struct InspectArgs {
  std::string bundle, trust;
  bool json = false;
};

const std::vector<std::string> k_role_order = {"service-image", "origin", "agent", "agentsshar",
                                               "gz-tools", "platform", "sdcadm", "installer"};

// The signature slot's signature count; nullopt when the slot is not the expected JSON.
std::optional<std::size_t> signature_count(const std::string& slot) {
  try {
    const common::Json j = common::parse_json(slot, "signature slot", 8, 1u << 16);
    if (j.is_object() && j.contains("signatures") && j["signatures"].is_array()) {
      return j["signatures"].size();
    }
  } catch (const common::Error&) {
  }
  return std::nullopt;
}

std::optional<manifest::Changelog> read_changelog(const bundles::SeekableReader& reader) {
  if (!reader.index().find_member("changelog.json")) return std::nullopt;
  return manifest::Changelog::parse(
      reader.read_member("changelog.json", manifest::k_changelog_max_bytes));
}

// The index's `expires` has passed: every installer refuses the bundle (exit 33) unless
// --allow-expired. Same rule as signing/policy.cpp.
bool is_expired(const manifest::BundleIndex& index) {
  const auto expires = signing::parse_utc(index.expires);
  return expires && *expires < signing::now_utc();
}

// The image file's size: the member's, or a delta's rebuilt file.
std::uint64_t file_size_of(const manifest::BundleIndex& index, const manifest::BundleArtifact& a) {
  if (a.delta) return a.delta->file_size;
  const manifest::BundleMember* m = a.file_member.empty() ? nullptr : index.find_member(a.file_member);
  return m ? m->size : 0;
}

common::Json inspect_json(const InspectArgs& args, const bundles::SeekableReader& reader,
                          const std::optional<manifest::Changelog>& changelog,
                          const common::Json& signatures_report) {
  common::Json out = {{"bundle", args.bundle},
                      {"file_size", reader.file_size()},
                      {"payload_size", reader.index().payload_size()},
                      {"expired", is_expired(reader.index())},
                      {"index", common::parse_json(reader.index_bytes(), "bundle index")}};
  const auto signatures = signature_count(reader.signature_slot());
  out["signatures"] = signatures ? common::Json(*signatures) : common::Json(nullptr);
  out["signature_documents"] = signatures_report["documents"];
  if (signatures_report.contains("trust")) out["trust"] = signatures_report["trust"];
  common::Json summary = common::Json::array();
  if (changelog) {
    for (const auto& a : changelog->artifacts) {
      common::Json j = {{"name", a.name}, {"to", a.to.version}, {"entries", a.entries.size()}};
      j["from"] = a.from ? common::Json(a.from->version) : common::Json(nullptr);
      summary.push_back(std::move(j));
    }
  }
  out["changelog"] = std::move(summary);
  const auto deltas = delta_rows(reader.index());
  if (!deltas.empty()) out["deltas"] = delta_report_json(deltas);
  return out;
}

void artifacts_text(std::ostringstream& out, const manifest::BundleIndex& index) {
  std::vector<std::string> roles = k_role_order;
  for (const auto& a : index.artifacts) {
    if (std::find(roles.begin(), roles.end(), a.role) == roles.end()) roles.push_back(a.role);
  }
  for (const auto& role : roles) {
    std::vector<const manifest::BundleArtifact*> of_role;
    for (const auto& a : index.artifacts) if (a.role == role) of_role.push_back(&a);
    if (of_role.empty()) continue;
    out << "\n" << role << " (" << of_role.size() << "):\n";
    for (const auto* a : of_role) {
      std::string extra;
      if (!a->services.empty() && !(a->services.size() == 1 && a->services[0] == a->name)) {
        for (const auto& s : a->services) extra += (extra.empty() ? "  services " : ",") + s;
      }
      if (a->pinned) extra += "  pinned";
      if (!a->file_member.empty() && a->file_member != "images/" + a->uuid + ".imgfile") {
        extra += "  file shared with " + a->file_member;
      }
      if (a->delta) extra += "  delta against " + a->delta->base_uuid;
      char line[256];
      std::snprintf(line, sizeof line, "  %-22s %-44s %-36s %10s", a->name.c_str(),
                    a->version.c_str(), a->uuid.c_str(),
                    common::format_bytes(file_size_of(index, *a)).c_str());
      out << line << extra << "\n";
    }
  }
}

std::string inspect_text(const InspectArgs& args, const bundles::SeekableReader& reader,
                         const std::optional<manifest::Changelog>& changelog,
                         const common::Json& signatures_report) {
  const manifest::BundleIndex& index = reader.index();
  std::ostringstream out;
  out << "bundle:     " << args.bundle << " (" << common::format_bytes(reader.file_size())
      << ", payload " << common::format_bytes(index.payload_size()) << " in "
      << index.members.size() << " members)\n"
      << "bundle id:  " << index.bundle_id << "\n"
      << "content id: " << manifest::content_id_of(index) << "\n"
      << "format:     sdcadm-bundle v" << index.format_version << ", chunk size "
      << common::format_bytes(index.chunk_size) << "\n"
      << "built:      " << index.created << " by " << index.builder.name << " "
      << index.builder.version << "\n"
      << "source:     " << index.source.url << " (channel " << index.source.channel << ")\n"
      << "channel:    " << index.channel << ", sequence " << index.sequence << ", expires "
      << index.expires
      << (is_expired(index) ? " (EXPIRED: installers refuse it unless --allow-expired)" : "")
      << ", needs sdcadm-install >= " << index.min_installer_version << "\n"
      << "trim basis: "
      << (index.trim ? "inventory of " + index.trim->datacenter + " (sha256 " +
                           index.trim->inventory_sha256 + ")"
                     : std::string("none (a full bundle)"))
      << "\n";
  out << signatures_text(signatures_report)
      << "artifacts:  " << index.artifacts.size() << " (" << count_by_role(index.artifacts)
      << ")\n";
  artifacts_text(out, index);
  const auto deltas = delta_rows(index);
  if (!deltas.empty()) out << "\ndeltas (images rebuilt from the ones the DC runs):\n" << delta_report_text(deltas);
  if (changelog && !changelog->artifacts.empty()) {
    out << "\nchangelog (images since the DC's version or --since):\n";
    for (const auto& a : changelog->artifacts) {
      out << "  " << a.name << ": " << manifest::transition_text(a) << " (" << a.entries.size()
          << (a.entries.size() == 1 ? " image" : " images") << ")\n";
    }
  }
  return out.str();
}

void run_inspect(const InspectArgs& args) {
  const std::string path = bundle_path_argument(args.bundle);
  const auto reader = bundles::SeekableReader::open(path, bundles::PartCheck::sizes_only);
  const auto changelog = read_changelog(reader);
  const common::Json signatures = inspect_signatures(reader, path, args.trust);
  if (args.json) print_json(inspect_json(args, reader, changelog, signatures));
  else std::cout << inspect_text(args, reader, changelog, signatures) << std::flush;
}

}  // namespace

void register_inspect(CLI::App& app) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* cmd = app.add_subcommand(
      "inspect", "Show a bundle's index: artifacts by role, sizes, build facts, trim basis and "
                 "a changelog summary (reads the index only: fast on any size)");
  cmd->add_option("BUNDLE", args->bundle, "NAME.sdc, or NAME.sdc.parts.json of a split bundle")
      ->required();
  cmd->add_flag("-j,--json", args->json,
                "JSON on stdout: the index as stored, file size, signature count and signer key "
                "ids, changelog summary");
  cmd->add_option("--trust", args->trust, "Also show whether the signatures verify against this "
                                          "trust root (inspect still exits 0: verify --trust is "
                                          "the check)")
      ->type_name("ROOT.json");
  cmd->footer("inspect does not check the payload; use 'sdcadm-bundle verify'. " +
              common::exit_code_footer({{common::ExitCode::not_found, "no such file"}},
                                       {common::CodeFamily::bundle}));
  cmd->callback([args] { run_inspect(*args); });
}

}  // namespace builder
