// `sdcadm-bundle sign BUNDLE --key PRIV... [--root R.json...] [--detached]`: adds (or
// replaces) each key's signature over the exact bundle.json bytes, keeps the others, and
// optionally carries newer trust roots. It reads only the index and the slot and rewrites
// the 64 KiB slot in place, so signing costs the same on a 10 GiB bundle as on a small one
// (an offline machine, a USB stick). --detached writes NAME.sdc.sig beside the bundle
// instead; a split bundle is always signed that way, because the slot lives in part 001
// and rewriting it would break that part's hash in the part list.

#include <builder/bundle_signatures.hpp>
#include <builder/cli/cli.hpp>
#include <builder/cli/cli_options.hpp>

#include <bundles/seekable_reader.hpp>
#include <bundles/signature_slot.hpp>
#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/log.hpp>
#include <signing/detached.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace builder {
namespace {

using common::Error;
using signing::SignatureDocument;

struct SignArgs {
  std::string bundle;
  std::vector<std::string> keys, roots;
  bool detached = false, json = false;
};

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

void run_sign(const SignArgs& args) {
  const std::string path = bundle_path_argument(args.bundle);
  const auto reader = bundles::SeekableReader::open(path, bundles::PartCheck::sizes_only);
  const bool split = ends_with(path, ".parts.json");
  const bool detached = args.detached || split;
  if (split && !args.detached && !args.json && !common::quiet()) {
    std::cerr << "a split bundle is signed with a detached signature file (rewriting the slot "
                 "would change part 001 and its hash in the part list)\n";
  }
  const SigningInputs inputs = load_signing_inputs(args.keys, args.roots);
  const std::string sig_path = signing::detached_signature_path(path);
  SignatureDocument doc = starting_document(reader.signature_slot(), sig_path, detached);
  try {
    apply_signing(doc, inputs, reader.index().bundle_id, reader.index_bytes());
  } catch (const Error& e) {
    throw e.with_context(detached ? sig_path : args.bundle + " (signature slot)");
  }
  const std::string written = detached ? sig_path : "signature slot of " + args.bundle;
  if (detached) common::write_file_atomic(sig_path, doc.serialize() + "\n", 0644);
  else bundles::rewrite_signature_slot(path, slot_json(doc));

  common::Json keyids = common::Json::array();
  for (const auto& s : doc.signatures()) keyids.push_back(s.keyid);
  common::Json roots = common::Json::array();
  for (const auto& r : doc.root_documents()) roots.push_back(r["signed"]["version"]);
  if (args.json) {
    print_json({{"bundle", args.bundle}, {"bundle_id", reader.index().bundle_id},
                {"written", detached ? sig_path : path}, {"detached", detached},
                {"signatures", keyids}, {"roots", roots}});
    return;
  }
  std::cout << "signed " << args.bundle << " (bundle " << reader.index().bundle_id << "): "
            << written << " now holds " << doc.signatures().size()
            << (doc.signatures().size() == 1 ? " signature" : " signatures");
  if (!roots.empty()) std::cout << " and carries root versions " << common::dump_json(roots, -1);
  std::cout << "\n";
  for (const auto& s : doc.signatures()) std::cout << "  " << s.keyid << "\n";
  std::cout << std::flush;
}

}  // namespace

void register_sign(CLI::App& app) {
  auto args = std::make_shared<SignArgs>();
  CLI::App* cmd = app.add_subcommand(
      "sign", "Add signatures to a built bundle (rewrites only its 64 KiB signature slot, or "
              "writes NAME.sdc.sig with --detached); cheap on a bundle of any size");
  cmd->add_option("BUNDLE", args->bundle,
                  "NAME.sdc, or NAME.sdc.parts.json / NAME.sdc.001 of a split bundle (signed "
                  "with a detached NAME.sdc.sig)")
      ->required();
  cmd->add_option("--key", args->keys, "Private key that signs (repeatable; a key that "
                                       "signed before is replaced, never counted twice)")
      ->type_name("PRIV.pem")
      ->required();
  cmd->add_option("--root", args->roots, "A newer trust root the bundle carries so DCs on an "
                                         "older root can rotate (repeatable)")
      ->type_name("ROOT.json");
  cmd->add_flag("--detached", args->detached, "Write NAME.sdc.sig beside the bundle instead of "
                                              "the slot (adds to an existing one)");
  cmd->add_flag("-j,--json", args->json, "JSON on stdout: where, key ids, carried roots");
  using common::ExitCode;
  cmd->footer(common::exit_code_footer(
                  {{ExitCode::bad_data, "bad key or signature file"},
                   {ExitCode::not_found, "no such file"},
                   {ExitCode::bundle_too_large, "too large, or signatures larger than the slot (use --detached or fewer roots)"},
                   {ExitCode::trust_root, "a --root not signed by its own threshold"},
                   {ExitCode::trust_mismatch, "NAME.sdc.sig belongs to another bundle"}},
                  {common::CodeFamily::bundle}) +
              " See docs/trust.md.");
  cmd->callback([args] { run_sign(*args); });
}

}  // namespace builder
