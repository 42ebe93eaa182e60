#include <installer/receipt_export.hpp>

#include <installer/dc_key.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>

#include <sys/stat.h>

namespace installer {

using common::Error;
using common::ExitCode;

namespace {

signing::PublicKey dc_public_key(const Paths& paths) {
  const std::optional<signing::PrivateKey> key = load_dc_key(paths);
  if (!key) {
    throw Error(ExitCode::not_found, "this DC has no receipt key (" + dc_key_files(paths).private_path +
                                         ") and so no receipts; sdcadm-install trust init or the next apply creates it");
  }
  return key->public_key();
}

std::string read_receipt(const StoredReceipt& stored) {
  return common::read_small_file(stored.path, signing::k_max_receipt_file_bytes + 1);
}

}  // namespace

ReceiptList list_receipts(const HostOptions& host, bool quiet) {
  const Paths paths = start_run(host, quiet);
  const ReceiptStore store(paths);
  ReceiptList out;
  out.dir = store.dir();
  const std::vector<StoredReceipt> all = store.list();
  const std::optional<signing::PrivateKey> key = load_dc_key(paths);
  for (const StoredReceipt& stored : all) {
    ListedReceipt listed{stored, std::nullopt, ""};
    try {
      if (!key) throw Error(ExitCode::not_found, "this DC has no receipt key");
      listed.checked = signing::verify_receipt(read_receipt(stored), key->public_key(), stored.path);
    } catch (const Error& e) {
      listed.error = e.what();
    }
    out.receipts.push_back(std::move(listed));
  }
  return out;
}

ExportedReceipt export_receipt(const ReceiptExportOptions& options) {
  const Paths paths = start_run(options.host, options.quiet);
  const ReceiptStore store(paths);
  ExportedReceipt out;
  out.stored = options.run.empty() ? store.last() : store.find(options.run);
  const signing::PublicKey key = dc_public_key(paths);
  out.bytes = read_receipt(out.stored);
  out.checked = signing::verify_receipt(out.bytes, key, out.stored.path);
  if (options.output == "-") return out;
  struct stat st{};
  if (!options.force && ::lstat(options.output.c_str(), &st) == 0) {
    throw Error(ExitCode::conflict, options.output + " exists; choose another name or pass --force to replace it");
  }
  common::write_file_atomic(options.output, out.bytes, 0644);
  return out;
}

}  // namespace installer
