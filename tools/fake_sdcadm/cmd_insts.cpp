// sdcadm instances|insts and services|svcs (sdcadm.md §6.9): read-only views of the state,
// in the real JSON shapes and sort orders. They take no lock, like the real ones.
#include <tools/fake_sdcadm/commands.hpp>
#include <tools/fake_sdcadm/state.hpp>
#include <tools/fake_sdcadm/table.hpp>

#include <common/error.hpp>

#include <algorithm>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;

namespace {

// One insts filter: "type=vm|agent", "svc=NAME", or a bare service name, instance or alias.
bool matches(const common::Json& inst, const std::string& filter) {
  if (filter.rfind("type=", 0) == 0) return string_field(inst, "type") == filter.substr(5);
  if (filter.rfind("svc=", 0) == 0) return string_field(inst, "service") == filter.substr(4);
  return string_field(inst, "service") == filter || string_field(inst, "instance") == filter ||
         string_field(inst, "alias") == filter;
}

void check_filter(const std::string& filter) {
  if (filter.rfind("type=", 0) == 0 && filter != "type=vm" && filter != "type=agent") {
    throw Error(ExitCode::usage, "invalid instance type filter: \"" + filter + "\" (type=vm or type=agent)");
  }
}

// -s -type,service,hostname,version,alias
bool inst_before(const common::Json& a, const common::Json& b) {
  if (string_field(a, "type") != string_field(b, "type")) return string_field(a, "type") > string_field(b, "type");
  for (const char* key : {"service", "hostname", "version", "alias"}) {
    if (string_field(a, key) != string_field(b, key)) return string_field(a, key) < string_field(b, key);
  }
  return false;
}

}  // namespace

void cmd_insts(const Context& ctx, Output output, const std::vector<std::string>& filters) {
  for (const std::string& f : filters) check_filter(f);
  const State state = State::load(ctx.root);
  std::vector<common::Json> insts;
  for (const common::Json& inst : state.instances()) {
    if (std::all_of(filters.begin(), filters.end(), [&](const std::string& f) { return matches(inst, f); })) {
      insts.push_back(inst);
    }
  }
  std::stable_sort(insts.begin(), insts.end(), inst_before);
  if (output == Output::json) {
    ctx.out << common::dump_json(common::Json(insts), 4) << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const common::Json& i : insts) {
    const std::string alias = string_field(i, "alias");
    rows.push_back({string_field(i, "instance"), string_field(i, "service"), string_field(i, "hostname"), string_field(i, "version"),
                    alias.empty() ? "-" : alias});
  }
  ctx.out << format_table({"instance", "service", "hostname", "version", "alias"}, rows);
}

void cmd_svcs(const Context& ctx, Output output) {
  const State state = State::load(ctx.root);
  std::vector<common::Json> svcs;
  for (const common::Json& svc : state.services()) {
    common::Json s = svc;
    const std::string name = string_field(svc, "name");
    s["insts"] = std::count_if(state.instances().begin(), state.instances().end(),
                               [&](const common::Json& i) { return string_field(i, "service") == name; });
    svcs.push_back(s);
  }
  std::stable_sort(svcs.begin(), svcs.end(), [](const common::Json& a, const common::Json& b) {
    if (string_field(a, "type") != string_field(b, "type")) return string_field(a, "type") > string_field(b, "type");
    return string_field(a, "name") < string_field(b, "name");
  });
  if (output == Output::json) {
    ctx.out << common::dump_json(common::Json(svcs), 4) << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const common::Json& s : svcs) {
    const auto params = s.find("params");
    const std::string image = params != s.end() && params->is_object() ? string_field(*params, "image_uuid") : "";
    rows.push_back({string_field(s, "type"), string_field(s, "uuid"), string_field(s, "name"), image.empty() ? "-" : image,
                    std::to_string(s["insts"].get<long>())});
  }
  ctx.out << format_table({"type", "uuid", "name", "image", "insts"}, rows);
}

}  // namespace fake_sdcadm
