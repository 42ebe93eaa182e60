// sdcadm instances|insts and services|svcs (sdcadm.md §6.9): read-only views of the state,
// in the real JSON shapes and sort orders (tabula prints "-" for a missing value). They take no lock, like the real ones.
#include <tools/fake_sdcadm/commands.hpp>
#include <tools/fake_sdcadm/state.hpp>
#include <tools/fake_sdcadm/table.hpp>

#include <common/error.hpp>

#include <algorithm>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;

namespace {

// The insts filters (lib/cli/do_instances.js:38-75): "svc=NAME" or a bare NAME selects a
// service, "type=vm|agent" a type; several of a kind are alternatives, the two kinds must
// both match (listInsts' opts.svcs and opts.types). Anything else is refused.
struct InstFilter {
  std::vector<std::string> svcs, types;
};

InstFilter parse_filters(const std::vector<std::string>& args) {
  InstFilter f;
  for (const std::string& arg : args) {
    const auto eq = arg.find('=');
    const std::string k = eq == std::string::npos ? "svc" : arg.substr(0, eq);
    const std::string v = eq == std::string::npos ? arg : arg.substr(eq + 1);
    if (k == "svc") {
      f.svcs.push_back(v);
    } else if (k == "type") {
      if (v != "vm" && v != "agent") throw Error(ExitCode::usage, "invalid instance type: " + v);
      f.types.push_back(v);
    } else {
      throw Error(ExitCode::usage, "unknown filter \"" + k + "\"");
    }
  }
  return f;
}

bool any_is(const std::vector<std::string>& list, const std::string& value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
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
  const InstFilter f = parse_filters(filters);
  const State state = State::load(ctx.root);
  // The state's rows as listInsts builds them: an agent row without "instance" when CNAPI
  // has no agent uuid (lib/sdcadm.js:676-684, JSON.stringify drops the undefined); cn-agent
  // always reports image_uuid (sdc-cn-agent lib/backends/smartos/index.js:778-830) and
  // sysinfo the version, so the state requires those.
  std::vector<common::Json> insts;
  for (const common::Json& inst : state.instances()) {
    if (any_is(f.svcs, string_field(inst, "service")) && any_is(f.types, string_field(inst, "type"))) {
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
    auto cell = [&i](const char* key) { return i.contains(key) ? string_field(i, key) : std::string("-"); };
    rows.push_back({cell("instance"), cell("service"), cell("hostname"), cell("version"), cell("alias")});
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
