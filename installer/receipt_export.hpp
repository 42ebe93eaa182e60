#pragma once
// `sdcadm-install receipt` as workflows (issue 13 part 3, docs/receipt.md): the signed
// install receipts every apply writes (receipt_store.hpp), each checked against this DC's key
// before it is listed or exported, so that a receipt changed on the headnode is named, never
// passed on.

#include <installer/host_options.hpp>
#include <installer/receipt_store.hpp>

#include <signing/receipt.hpp>

#include <optional>
#include <string>
#include <vector>

namespace installer {

// One stored receipt and whether it is intact: `checked` when it is, else `error` says why.
struct ListedReceipt {
  StoredReceipt stored;
  std::optional<signing::VerifiedReceipt> checked;
  std::string error;
};

struct ReceiptList {
  std::string dir;                        // where receipts are kept
  std::vector<ListedReceipt> receipts;   // oldest first
};

// Every stored receipt, checked (`quiet`: only warnings on stderr, the front end prints JSON).
ReceiptList list_receipts(const HostOptions& host, bool quiet);

struct ReceiptExportOptions {
  HostOptions host;
  std::string run;     // a run id or a unique prefix; "" = the newest
  std::string output;  // the file to write; "-" = none (the front end writes the bytes)
  bool force = false;  // replace an existing output
  bool quiet = false;
};

struct ExportedReceipt {
  StoredReceipt stored;
  std::string bytes;                 // the receipt file, exactly as stored
  signing::VerifiedReceipt checked;
};

// The receipt of options.run (or the newest), checked against this DC's key and written to
// options.output. Errors: Error(not_found) without a DC key or a receipt, Error(usage) for an
// ambiguous prefix, the receipt check's, Error(conflict) when the output exists without force.
ExportedReceipt export_receipt(const ReceiptExportOptions& options);

}  // namespace installer
