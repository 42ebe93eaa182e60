// sdcadm check-health|health (sdcadm.md §6.10): one row per instance; the state's
// "unhealthy" list (instance uuids) and the check-health fault decide who is unhealthy.
#include <tools/fake_sdcadm/commands.hpp>
#include <tools/fake_sdcadm/fault.hpp>
#include <tools/fake_sdcadm/state.hpp>
#include <tools/fake_sdcadm/table.hpp>

#include <common/error.hpp>

#include <algorithm>
#include <cstdio>

namespace fake_sdcadm {

using common::Json;

namespace {

Json health_row(const Json& inst, const State& state, const std::optional<Fault>& fault) {
  const std::string id = string_field(inst, "instance");
  Json errors = Json::array();
  const Json& unhealthy = state.json().at("unhealthy");
  if (std::find(unhealthy.begin(), unhealthy.end(), Json(id)) != unhealthy.end()) {
    errors.push_back({{"message", "SMF service(s) in maintenance: svc:/smartdc/application/" +
                                      string_field(inst, "service") + ":default"}});
  }
  if (fault_matches(fault, "check-health", string_field(inst, "service"))) {
    errors.push_back({{"message", "simulated failure (fake-sdcadm fault knob)"}});
  }
  Json row = {{"type", string_field(inst, "type")}, {"healthy", errors.empty()},
              {"hostname", string_field(inst, "hostname")}, {"instance", id}};
  if (inst.contains("alias")) row["alias"] = string_field(inst, "alias");
  row["service"] = string_field(inst, "service");
  if (!errors.empty()) row["health_errors"] = errors;
  return row;
}

// -type,service,hostname,instance
bool row_before(const Json& a, const Json& b) {
  if (string_field(a, "type") != string_field(b, "type")) return string_field(a, "type") > string_field(b, "type");
  for (const char* key : {"service", "hostname", "instance"}) {
    if (string_field(a, key) != string_field(b, key)) return string_field(a, key) < string_field(b, key);
  }
  return false;
}

void print_table(const Context& ctx, const std::vector<Json>& rows) {
  std::vector<std::vector<std::string>> cells;
  for (const Json& r : rows) {
    const std::string alias = string_field(r, "alias");
    cells.push_back({string_field(r, "instance"), string_field(r, "service"), string_field(r, "hostname"),
                     alias.empty() ? "-" : alias, r["healthy"].get<bool>() ? "true" : "false"});
  }
  ctx.out << format_table({"instance", "service", "hostname", "alias", "healthy"}, cells);
  for (const Json& r : rows) {
    if (!r.contains("health_errors")) continue;
    for (const Json& e : r["health_errors"]) {
      char buf[64];
      ctx.out << "\n";
      for (const auto& [label, value] : std::vector<std::pair<const char*, std::string>>{
               {"Type", string_field(r, "type")}, {"Instance", string_field(r, "instance")},
               {"Service", string_field(r, "service")}, {"Hostname", string_field(r, "hostname")},
               {"Alias", string_field(r, "alias")}, {"Error", string_field(e, "message")}}) {
        std::snprintf(buf, sizeof buf, "%8s: ", label);  // the "%8s: %s" error block
        ctx.out << buf << value << "\n";
      }
    }
  }
}

}  // namespace

void cmd_check_health(const Context& ctx, Output output, const std::vector<std::string>& filters) {
  const State state = State::load(ctx.root);
  const auto fault = active_fault(state);
  std::vector<Json> rows;
  for (const Json& inst : state.instances()) {
    const bool wanted = filters.empty() || std::any_of(filters.begin(), filters.end(), [&](const std::string& f) {
      return f == string_field(inst, "service") || f == string_field(inst, "instance") || f == string_field(inst, "alias") ||
             f == "type=" + string_field(inst, "type");
    });
    if (wanted) rows.push_back(health_row(inst, state, fault));
  }
  std::stable_sort(rows.begin(), rows.end(), row_before);
  if (output == Output::json) {
    ctx.out << common::dump_json(Json(rows), 4) << "\n";
  } else {
    print_table(ctx, rows);
  }
  const bool unhealthy = std::any_of(rows.begin(), rows.end(), [](const Json& r) { return !r["healthy"].get<bool>(); });
  if (fault && fault->command == "check-health" && fault->once && !fault->from_env && unhealthy) {
    const StateLock lock(ctx.root);  // clear the once-fault under the state lock
    State fresh = State::load(ctx.root);
    fresh.json()["fail"] = nullptr;
    fresh.save(ctx.root);
  }
  if (unhealthy) throw common::Error(common::ExitCode::health_failed, "Some instances appear unhealthy");
}

}  // namespace fake_sdcadm
