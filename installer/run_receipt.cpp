#include <installer/run_receipt.hpp>

#include <installer/dc_inventory.hpp>
#include <installer/dc_key.hpp>
#include <installer/receipt_store.hpp>
#include <installer/usbkey_config.hpp>

#include <common/error.hpp>
#include <signing/encoding.hpp>
#include <signing/receipt.hpp>

#include <ctime>
#include <map>

namespace installer {
namespace {

using common::Error;
using common::ExitCode;
using common::Json;

std::string str(const Json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

Json or_null(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

Json flags_json(const ReceiptFlags& f) {
  return {{"force", f.force}, {"yes", f.yes}, {"allow_expired", f.allow_expired},
          {"allow_rollback", f.allow_rollback}, {"change_channel", f.change_channel},
          {"include_rabbitmq", f.include_rabbitmq}, {"no_self_update", f.no_self_update},
          {"spec", or_null(f.spec)}, {"exclude_servers", f.exclude_servers}};
}

std::int64_t epoch_of(const std::string& rfc3339) {
  std::tm tm{};
  if (rfc3339.size() < 19 || ::strptime(rfc3339.substr(0, 19).c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) {
    return 0;
  }
  return static_cast<std::int64_t>(::timegm(&tm));
}

}  // namespace

std::string newest_run(const std::vector<Json>& history) {
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (str(*it, "event") == "run-start") return str(*it, "run");
  }
  return "";
}

Json make_receipt(const ReceiptHeader& h, const std::string& run, const std::vector<Json>& history,
                  const std::vector<JournalStep>& steps, const std::string& inventory,
                  const std::string& inventory_error) {
  const Json* start = nullptr;
  const Json* end = nullptr;
  std::map<std::string, std::string> this_run;  // step -> its result in this run
  for (const auto& r : history) {
    if (str(r, "run") != run) continue;
    const std::string event = str(r, "event");
    if (event == "run-start") start = &r;
    if (event == "run-end") end = &r;
    if (event == "step") this_run[str(r, "step")] = str(r, "result");
  }
  if (start == nullptr || end == nullptr) throw Error(ExitCode::internal, "receipt: the history has no complete run " + run);
  Json out_steps = Json::array();
  for (const auto& s : steps) {
    const auto ran = this_run.find(s.name);
    out_steps.push_back({{"name", s.name}, {"state", to_string(s.state)}, {"started", s.started},
                         {"ended", s.ended}, {"attempts", s.attempts}, {"error", or_null(s.error)},
                         {"evidence", s.evidence.is_object() ? s.evidence : Json(nullptr)},
                         {"this_run", ran == this_run.end() ? Json(nullptr) : Json(ran->second)}});
  }
  const std::int64_t exit_code = (*end).contains("exit_code") && (*end)["exit_code"].is_number_integer()
                                     ? (*end)["exit_code"].get<std::int64_t>() : 0;
  Json j = {{"format", signing::k_receipt_format}, {"format_version", 1},
            {"receipt_id", "receipt-" + run}, {"run", run},
            {"datacenter", h.datacenter}, {"dc_key", h.dc_key_id}, {"installer_version", h.installer_version},
            {"user", str(*start, "user")}, {"flags", flags_json(h.flags)},
            {"bundle", {{"bundle_id", h.bundle_id}, {"content_id", h.content_id}, {"index_sha256", h.index_sha256},
                        {"bundle_digest", h.bundle_digest}, {"channel", h.channel},
                        {"signers", h.signers}}},
            {"started", str(*start, "time")}, {"ended", str(*end, "time")},
            {"outcome", str(*end, "result")}, {"exit_code", exit_code},
            {"error", or_null(str(*end, "error"))}, {"stopped_at", or_null(str(*end, "stopped_at"))},
            {"steps", out_steps}};
  if (inventory.empty()) {
    j["inventory"] = nullptr;
    j["inventory_error"] = inventory_error.empty() ? std::string("not read") : inventory_error;
  } else {
    j["inventory"] = {{"member", signing::k_receipt_inventory_member}, {"sha256", signing::sha256_hex(inventory)},
                      {"bytes", static_cast<std::int64_t>(inventory.size())}};
    j["inventory_error"] = nullptr;
  }
  return j;
}

std::string write_apply_receipt(const Paths& paths, const ApplyReceiptInputs& in) {
  const std::vector<Json> records = History(paths.history_file).read_all();
  const std::string run = newest_run(records);
  if (run.empty() || run == in.previous_run) return "";  // this process started no run
  std::string outcome;
  for (const auto& r : records) {
    if (str(r, "run") == run && str(r, "event") == "run-end") outcome = str(r, "result");
  }
  if (outcome.empty() || outcome == "re-exec") return "";
  ReceiptHeader h = in.header;
  const DcKey key = ensure_dc_key(paths);
  h.dc_key_id = key.key.id();
  try {
    h.datacenter = UsbkeyConfig::load(paths.usbkey_config).get("datacenter_name").value_or("");
  } catch (const Error&) {
    h.datacenter.clear();  // the inventory, when read, says why; the receipt is still the run's
  }
  std::string inventory, inventory_error;
  if (outcome == "interrupted") {
    inventory_error = "not read: the run was interrupted";
  } else {
    try {
      inventory = read_dc_inventory(paths, in.sdcadm, in.imgapi_url).text;
    } catch (const Error& e) {
      inventory_error = std::string("could not be read after the run: ") + e.what();
    }
  }
  const Journal journal = Journal::open(paths.journal_dir, h.bundle_id, h.bundle_digest, h.content_id);
  const Json receipt = make_receipt(h, run, records, journal.steps(), inventory, inventory_error);
  const std::string text = common::dump_json(receipt, 2) + "\n";
  const std::string ended = receipt["ended"].get<std::string>();
  const std::string file = signing::pack_receipt(text, inventory, key.key, epoch_of(ended));
  return ReceiptStore(paths).write(run, ended, file);
}

}  // namespace installer
