#include <builder/inspect_signatures.hpp>

#include <builder/bundle_signatures.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <signing/detached.hpp>
#include <signing/threshold_text.hpp>
#include <signing/root_chain.hpp>
#include <signing/signature_document.hpp>

#include <algorithm>
#include <optional>
#include <sys/stat.h>

namespace builder {
namespace {

using common::Error;
using common::Json;

// The root signatures are judged by: the newest the carried chain reaches, else the trusted.
std::optional<signing::TrustRoot> judging_root(const std::string& trust_root,
                                               const signing::SignatureDocument& doc) {
  std::optional<signing::TrustRoot> trusted;
  try {
    trusted = signing::load_trusted_root(trust_root);
    if (trusted) return signing::walk_root_chain(*trusted, doc.roots());
  } catch (const Error&) {
  }
  return trusted;
}

std::string status_of(const signing::Tally& t, const std::string& keyid) {
  if (std::find(t.valid.begin(), t.valid.end(), keyid) != t.valid.end()) return "good";
  if (std::find(t.invalid.begin(), t.invalid.end(), keyid) != t.invalid.end()) return "bad signature";
  return "unknown key";
}

Json document_json(const std::string& source, const std::string& text, std::size_t max_bytes,
                   const bundles::SeekableReader& reader, const std::string& trust_root) {
  Json out = {{"source", source}, {"signatures", Json::array()}, {"roots", Json::array()}};
  try {
    const auto doc = signing::SignatureDocument::parse(text, source, max_bytes);
    for (const auto& r : doc.root_documents()) out["roots"].push_back(r["signed"]["version"]);
    std::optional<signing::TrustRoot> root;
    if (!trust_root.empty()) root = judging_root(trust_root, doc);
    std::optional<signing::Tally> tally;
    if (root) tally = signing::tally_signatures(root->keys(), doc.signatures(), reader.index_bytes());
    for (const auto& s : doc.signatures()) {
      Json j = {{"keyid", s.keyid}};
      if (tally) {
        j["status"] = status_of(*tally, s.keyid);
        for (const auto& k : root->keys()) {
          if (k.key.id() == s.keyid) j["name"] = k.name;
        }
      }
      out["signatures"].push_back(j);
    }
  } catch (const Error& e) {
    out["error"] = e.what();
  }
  return out;
}

}  // namespace

Json inspect_signatures(const bundles::SeekableReader& reader, const std::string& bundle_path,
                        const std::string& trust_root) {
  Json report = {{"documents", Json::array()}};
  report["documents"].push_back(
      document_json("signature slot", reader.signature_slot(), 1u << 16, reader, trust_root));
  const std::string beside = signing::detached_signature_path(bundle_path);
  struct stat st {};
  if (::stat(beside.c_str(), &st) == 0) {
    std::string text;
    try {
      text = common::read_small_file(beside, signing::k_max_detached_bytes + 1);
    } catch (const Error& e) {
      text = e.what();  // reported as a parse error of the document
    }
    report["documents"].push_back(
        document_json(beside, text, signing::k_max_detached_bytes, reader, trust_root));
  }
  if (trust_root.empty()) return report;
  try {
    const auto verdict = check_trust(trust_root, reader.index_bytes(), reader.index(),
                                     choose_signatures(bundle_path, reader.signature_slot(), ""), false);
    Json t = verdict_json(verdict);
    t["ok"] = true;
    report["trust"] = t;
  } catch (const Error& e) {
    report["trust"] = {{"ok", false}, {"exit_code", common::to_int(e.code())}, {"error", e.what()}};
  }
  return report;
}

std::string signatures_text(const Json& report) {
  std::string out;
  for (const auto& d : report["documents"]) {
    const std::string source = d["source"].get<std::string>();
    if (d.contains("error")) {
      out += "signatures: " + source + " unreadable: " + d["error"].get<std::string>() + "\n";
      continue;
    }
    out += "signatures: " + std::to_string(d["signatures"].size()) + " in the " + source;
    if (!d["roots"].empty()) out += ", carrying root versions " + common::dump_json(d["roots"], -1);
    out += report.contains("trust") ? "\n" : " (not checked: give --trust ROOT.json)\n";
    for (const auto& s : d["signatures"]) {
      out += "  " + s["keyid"].get<std::string>();
      if (s.contains("status")) out += "  " + s["status"].get<std::string>();
      if (s.contains("name") && !s["name"].get<std::string>().empty()) out += " (" + s["name"].get<std::string>() + ")";
      out += "\n";
    }
  }
  if (report.contains("trust")) {
    const Json& t = report["trust"];
    if (t["ok"].get<bool>()) {
      out += "trust:      ok, " +
             signing::threshold_text(t["threshold"].get<std::int64_t>(), t["keys"].get<std::size_t>(),
                                     t["root_version"].get<std::int64_t>(), t["signers"].size()) +
             "\n";
    } else {
      out += "trust:      REFUSED (exit " + std::to_string(t["exit_code"].get<int>()) + "): " +
             t["error"].get<std::string>() + "\n";
    }
  }
  return out;
}

}  // namespace builder
