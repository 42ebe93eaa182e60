#pragma once
// Where the DC keeps its install receipts (docs/receipt.md): one file per apply run,
//   /var/sdcadm/install/receipts/<YYYYMMDDTHHMMSSZ>-<run id>.receipt
// (the run's end time first, so names sort by time and the last is the newest). Written
// atomically, never rewritten; `sdcadm-install receipt` lists and exports them.

#include <installer/paths.hpp>

#include <optional>
#include <string>
#include <vector>

namespace installer {

struct StoredReceipt {
  std::string path;
  std::string name;  // file name
  std::string run;   // run id from the name
};

class ReceiptStore {
 public:
  explicit ReceiptStore(const Paths& paths);
  const std::string& dir() const { return m_dir; }

  // Writes `bytes` as the receipt of `run` that ended at `ended` (RFC 3339); returns its path.
  std::string write(const std::string& run, const std::string& ended, const std::string& bytes) const;

  // Every receipt, oldest first; none when the directory does not exist.
  std::vector<StoredReceipt> list() const;

  // The receipt of `run` (a run id, or a unique prefix of one of at least 8 characters):
  // Error(not_found) when none, Error(usage) when the prefix names several.
  StoredReceipt find(const std::string& run) const;
  // The newest; Error(not_found) when there is none.
  StoredReceipt last() const;

 private:
  std::string m_dir;
};

}  // namespace installer
