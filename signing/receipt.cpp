#include <signing/receipt.hpp>

#include <bundles/tar_header.hpp>
#include <bundles/tar_check.hpp>
#include <common/error.hpp>
#include <signing/encoding.hpp>
#include <signing/signature_document.hpp>
#include <signing/strict_json.hpp>

#include <algorithm>
#include <vector>

namespace signing {
namespace {

using common::Error;
using common::ExitCode;
using common::Json;

constexpr std::size_t k_block = 512;
constexpr int k_receipt_depth = 32;  // receipt > steps > step > evidence > ...

std::size_t padded(std::size_t n) { return (n + k_block - 1) / k_block * k_block; }

void append_member(std::string& out, const char* name, std::string_view bytes, std::int64_t mtime) {
  bundles::TarMember m;
  m.name = name;
  m.size = bytes.size();
  m.mode = 0644;
  m.mtime = std::clamp<std::int64_t>(mtime, 0, bundles::k_tar_max_mtime);
  out += bundles::make_tar_header(m);
  out.append(bytes.data(), bytes.size());
  out.append(padded(bytes.size()) - bytes.size(), '\0');
}

// Every structural refusal says the same thing first: the file is not the receipt the DC
// wrote (changed, damaged, or something else), whatever the detail.
[[noreturn]] void not_intact(const std::string& what, const std::string& detail) {
  throw Error(ExitCode::trust_mismatch, what + " is not an intact install receipt (" + detail +
                                            "): it was changed or damaged after the DC signed it, or is "
                                            "not a receipt; export it again with sdcadm-install receipt");
}

struct Members {
  std::string receipt, inventory, signature;
  bool has_inventory = false;
};

// The members in their fixed order, every byte of the file checked.
Members read_members(std::string_view file, const std::string& what) {
  if (file.size() > k_max_receipt_file_bytes) {
    not_intact(what, std::to_string(file.size()) + " bytes, more than a receipt can be");
  }
  if (file.size() % k_block != 0) not_intact(what, "its size is not a whole number of 512-byte blocks");
  Members out;
  std::size_t pos = 0;
  const char* expected[] = {k_receipt_member, k_receipt_inventory_member, k_receipt_signature_member};
  std::size_t next = 0;
  for (;;) {
    if (pos + k_block > file.size()) not_intact(what, "it ends before its end-of-archive blocks");
    if (bundles::is_zero_block(file.data() + pos)) break;
    bundles::TarEntry entry;
    try {
      entry = bundles::parse_tar_header(file.data() + pos, what + " at byte " + std::to_string(pos));
    } catch (const Error& e) {
      not_intact(what, e.what());
    }
    if (entry.type != '0') not_intact(what, "member " + entry.name + " is not a regular file");
    // receipt.json first, inventory.json when there is one, receipt.sig last.
    if (next == 1 && entry.name != k_receipt_inventory_member) next = 2;
    if (next > 2 || entry.name != expected[next]) not_intact(what, "unexpected member " + entry.name);
    pos += k_block;
    if (entry.size > file.size() - pos) not_intact(what, "member " + entry.name + " is cut short");
    const std::string_view data = file.substr(pos, static_cast<std::size_t>(entry.size));
    const std::size_t end = pos + padded(data.size());
    if (end > file.size() || !bundles::is_zero_block(file.data() + pos + data.size(), end - pos - data.size())) {
      not_intact(what, "bytes after member " + entry.name + " are not zero padding");
    }
    if (next == 0) out.receipt = std::string(data);
    if (next == 1) {
      out.inventory = std::string(data);
      out.has_inventory = true;
    }
    if (next == 2) out.signature = std::string(data);
    ++next;
    pos = end;
  }
  if (next != 3) not_intact(what, "members missing (receipt.json and receipt.sig are required)");
  // Two zero blocks end the archive; a tar that pads to its record size adds more zeros,
  // but nothing else may follow.
  if (file.size() - pos < 2 * k_block || !bundles::is_zero_block(file.data() + pos, file.size() - pos)) {
    not_intact(what, "bytes after the last member that are not the end-of-archive zero blocks");
  }
  return out;
}

const Json& field(const StrictReader& r, const Json& obj, const char* key, const std::string& path) {
  if (!obj.contains(key)) r.fail(field_path(path, key), "missing");
  return obj[key];
}

void nullable_string(const StrictReader& r, const Json& obj, const char* key, const std::string& path) {
  const Json& v = field(r, obj, key, path);
  if (!v.is_null() && !v.is_string()) r.fail(field_path(path, key), "expected a string or null");
}

void boolean(const StrictReader& r, const Json& obj, const char* key, const std::string& path) {
  if (!field(r, obj, key, path).is_boolean()) r.fail(field_path(path, key), "expected true or false");
}

void check_steps(const StrictReader& r, const Json& steps) {
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const std::string p = item_path("steps", i);
    const Json& s = steps[i];
    r.only_keys(s, p, {"name", "state", "started", "ended", "attempts", "error", "evidence", "this_run"});
    r.string(s, "name", p);
    const std::string state = r.string(s, "state", p);
    if (state != "started" && state != "done" && state != "failed") r.fail(field_path(p, "state"), "unknown state");
    r.string(s, "started", p);
    r.string(s, "ended", p);
    if (r.integer(s, "attempts", p) < 0) r.fail(field_path(p, "attempts"), "negative");
    nullable_string(r, s, "error", p);
    nullable_string(r, s, "this_run", p);
    const Json& evidence = field(r, s, "evidence", p);
    if (!evidence.is_null() && !evidence.is_object()) r.fail(field_path(p, "evidence"), "expected an object or null");
  }
}

}  // namespace

common::Json check_receipt_json(std::string_view bytes, const std::string& what) {
  const StrictReader r(what);
  const Json j = r.parse_object(bytes, k_max_receipt_json_bytes, k_receipt_depth);
  r.only_keys(j, "", {"format", "format_version", "receipt_id", "run", "datacenter", "dc_key", "installer_version",
                      "user", "flags", "bundle", "started", "ended", "outcome", "exit_code", "error", "stopped_at",
                      "steps", "inventory", "inventory_error"});
  if (r.string(j, "format", "") != k_receipt_format) r.fail("format", std::string("expected \"") + k_receipt_format + "\"");
  if (r.integer(j, "format_version", "") != 1) {
    r.fail("format_version", "this program reads version 1 receipts; a newer sdcadm-install wrote this one");
  }
  if (r.string(j, "receipt_id", "").empty()) r.fail("receipt_id", "empty");
  for (const char* k : {"run", "datacenter", "installer_version", "user", "started", "ended", "outcome"}) {
    r.string(j, k, "");
  }
  if (!is_sha256_hex(r.string(j, "dc_key", ""))) r.fail("dc_key", "not a key id (64 lower-case hex digits)");
  const std::string outcome = j["outcome"].get<std::string>();
  if (outcome != "ok" && outcome != "up-to-date" && outcome != "nothing-to-do" && outcome != "failed" &&
      outcome != "interrupted") {
    r.fail("outcome", "unknown outcome \"" + outcome + "\"");
  }
  r.integer(j, "exit_code", "");
  nullable_string(r, j, "error", "");
  nullable_string(r, j, "stopped_at", "");
  nullable_string(r, j, "inventory_error", "");
  const Json& flags = r.object(j, "flags", "");
  r.only_keys(flags, "flags", {"force", "yes", "allow_expired", "allow_rollback", "change_channel", "include_rabbitmq",
                               "no_self_update", "spec", "exclude_servers"});
  for (const char* k : {"force", "yes", "allow_expired", "allow_rollback", "change_channel", "include_rabbitmq",
                        "no_self_update"}) {
    boolean(r, flags, k, "flags");
  }
  nullable_string(r, flags, "spec", "flags");
  const Json& excluded = r.array(flags, "exclude_servers", "flags", 10000);
  for (const auto& s : excluded) {
    if (!s.is_string()) r.fail("flags.exclude_servers", "expected strings");
  }
  const Json& bundle = r.object(j, "bundle", "");
  r.only_keys(bundle, "bundle", {"bundle_id", "content_id", "index_sha256", "bundle_digest", "channel", "signers"});
  for (const char* k : {"bundle_id", "content_id", "bundle_digest", "channel"}) r.string(bundle, k, "bundle");
  for (const auto& s : r.array(bundle, "signers", "bundle", 256)) {
    if (!s.is_string() || !is_sha256_hex(s.get<std::string>())) r.fail("bundle.signers", "expected key ids");
  }
  if (!is_sha256_hex(r.string(bundle, "index_sha256", "bundle"))) r.fail("bundle.index_sha256", "not a SHA-256");
  check_steps(r, r.array(j, "steps", "", k_max_receipt_steps));
  const Json& inv = field(r, j, "inventory", "");
  if (!inv.is_null()) {
    r.only_keys(inv, "inventory", {"member", "sha256", "bytes"});
    if (r.string(inv, "member", "inventory") != k_receipt_inventory_member) {
      r.fail("inventory.member", std::string("expected \"") + k_receipt_inventory_member + "\"");
    }
    if (!is_sha256_hex(r.string(inv, "sha256", "inventory"))) r.fail("inventory.sha256", "not a SHA-256");
    if (r.integer(inv, "bytes", "inventory") < 0) r.fail("inventory.bytes", "negative");
  }
  return j;
}

std::string pack_receipt(std::string_view receipt_json, std::string_view inventory, const PrivateKey& key,
                         std::int64_t mtime) {
  Json j;
  try {
    j = check_receipt_json(receipt_json, "the receipt being written");
  } catch (const Error& e) {
    throw Error(ExitCode::internal, e.what());
  }
  const bool has_inventory = !j["inventory"].is_null();
  if (has_inventory != !inventory.empty() ||
      (has_inventory && j["inventory"]["sha256"].get<std::string>() != sha256_hex(inventory))) {
    throw Error(ExitCode::internal, "the receipt being written does not describe its inventory");
  }
  const std::string id = j["receipt_id"].get<std::string>();
  SignatureDocument doc = SignatureDocument::for_bundle(id, receipt_json);
  doc.sign(key, id, receipt_json);
  std::string out;
  append_member(out, k_receipt_member, receipt_json, mtime);
  if (has_inventory) append_member(out, k_receipt_inventory_member, inventory, mtime);
  append_member(out, k_receipt_signature_member, doc.serialize(), mtime);
  out.append(2 * k_block, '\0');
  return out;
}

VerifiedReceipt verify_receipt(std::string_view file, const PublicKey& dc_key, const std::string& what) {
  const Members m = read_members(file, what);
  SignatureDocument doc;
  try {
    doc = SignatureDocument::parse(m.signature, what + ": receipt.sig");
  } catch (const Error& e) {
    not_intact(what, e.what());
  }
  if (doc.signatures().empty()) {
    throw Error(ExitCode::trust_unsigned, what + ": the receipt carries no signature");
  }
  const auto by_key = std::find_if(doc.signatures().begin(), doc.signatures().end(),
                                   [&](const Signature& s) { return s.keyid == dc_key.id(); });
  if (by_key == doc.signatures().end()) {
    throw Error(ExitCode::trust_unknown_key,
                what + ": signed by key " + doc.signatures().front().keyid + ", not by the given DC key " +
                    dc_key.id() + "; use the public key of the DC that wrote it (sdcadm-install trust dc-key there)");
  }
  if (doc.signatures().size() != 1) not_intact(what, "more than one signature");
  if (doc.index_sha256() != sha256_hex(m.receipt) || !dc_key.verify(m.receipt, by_key->sig)) {
    not_intact(what, "the DC key's signature does not match receipt.json");
  }
  VerifiedReceipt out;
  out.receipt_bytes = m.receipt;
  out.signer = dc_key.id();
  // Signed by the DC: a receipt.json that does not check is a bug or an older installer's
  // mistake, not tampering; bad_data says so.
  out.receipt = check_receipt_json(m.receipt, what + ": receipt.json");
  if (doc.bundle_id() != out.receipt["receipt_id"].get<std::string>()) {
    not_intact(what, "receipt.sig is bound to receipt " + doc.bundle_id() + ", not to this one");
  }
  if (out.receipt["dc_key"].get<std::string>() != dc_key.id()) {
    not_intact(what, "receipt.json names another DC key");
  }
  const Json& inv = out.receipt["inventory"];
  if (inv.is_null() != !m.has_inventory) not_intact(what, "inventory.json is missing or extra");
  if (m.has_inventory) {
    if (inv["sha256"].get<std::string>() != sha256_hex(m.inventory) ||
        inv["bytes"].get<std::int64_t>() != static_cast<std::int64_t>(m.inventory.size())) {
      not_intact(what, "inventory.json is not the one receipt.json describes");
    }
    out.inventory_bytes = m.inventory;
  }
  return out;
}

bool looks_like_receipt(std::string_view head) {
  if (head.size() < k_block) return false;
  try {
    const bundles::TarEntry e = bundles::parse_tar_header(head.data(), "receipt");
    return e.name == k_receipt_member;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace signing
