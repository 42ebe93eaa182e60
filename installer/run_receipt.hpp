#pragma once
// The install receipt of one apply run (issue 13 part 3, docs/receipt.md): receipt.json from
// the run's history records and the bundle's journal (each step with its times, attempts,
// outcome, error and post-step evidence), the DC's inventory after the run, signed with the
// DC key (dc_key.hpp) into the receipt file (signing/receipt.hpp) and kept in the
// ReceiptStore.
//
// Which runs get one: every run the history records as started (run-start) and ended,
// whatever the outcome: ok, nothing-to-do, up-to-date, failed, interrupted. Not a declined
// plan, a refusal before the plan was made (nothing ran), nor a run that re-executed a newer
// installer (that one writes the receipt when it ends). An interrupted run's receipt has no
// inventory (the operator asked to stop; reading the DC takes a while): inventory_error says so.

#include <installer/history.hpp>
#include <installer/journal.hpp>
#include <installer/paths.hpp>

#include <common/json.hpp>

#include <string>
#include <vector>

namespace installer {

// The operator's choices, as given on the command line.
struct ReceiptFlags {
  bool force = false, yes = false, allow_expired = false, allow_rollback = false, change_channel = false;
  bool include_rabbitmq = false, no_self_update = false;
  std::string spec;  // -f SPEC.json, "" = none
  std::vector<std::string> exclude_servers;
};

struct ReceiptHeader {
  std::string datacenter, dc_key_id, installer_version;
  std::string bundle_id, content_id, index_sha256, bundle_digest, channel;
  std::vector<std::string> signers;  // key ids of the release keys whose signatures the DC accepted
  ReceiptFlags flags;
};

// The run id of the newest run-start record, "" when there is none.
std::string newest_run(const std::vector<common::Json>& history);

// receipt.json for `run` (pure). `history` holds at least that run's records; `inventory` is
// the inventory text or "" with `inventory_error` saying why. Error(internal) when the history
// has no run-start or run-end for `run`.
common::Json make_receipt(const ReceiptHeader& header, const std::string& run,
                          const std::vector<common::Json>& history, const std::vector<JournalStep>& steps,
                          const std::string& inventory, const std::string& inventory_error);

struct ApplyReceiptInputs {
  ReceiptHeader header;  // datacenter and dc_key_id are filled in here
  std::string sdcadm, imgapi_url;
  std::string previous_run;  // newest_run before the apply: a run after it is this process's
};

// After apply_bundle returned or threw: writes the receipt of the run it made, if it made one
// that ended (see above). Returns the receipt's path, "" when there is none to write.
std::string write_apply_receipt(const Paths& paths, const ApplyReceiptInputs& in);

}  // namespace installer
