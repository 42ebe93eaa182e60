#include <installer/amon_probes.hpp>

#include <installer/plan.hpp>

#include <common/error.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <unistd.h>

namespace installer {

using common::Error;
using common::ExitCode;

namespace {

std::string tail_of(const std::string& text, std::size_t lines) {
  std::vector<std::string> all;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (!l.empty()) all.push_back(l);
  }
  std::string out;
  for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) {
    out += (out.empty() ? "" : " / ") + all[i];
  }
  return out;
}

RunResult run_amonadm(const std::string& program, const std::vector<std::string>& args, bool changes_dc) {
  // Checked first so the message names the right option (run_program's names --sdcadm).
  if (::access(program.c_str(), X_OK) != 0) {
    const int err = errno;
    throw Error(ExitCode::config, "cannot run " + program + " (the headnode's sdc-amonadm, which runs sdc-amonadm "
                                  "in the sdc zone): " + std::strerror(err) + "; give its path with --sdc-amonadm PATH");
  }
  RunOptions options;
  options.changes_dc = changes_dc;  // under the step's ChildWatch (journaled, never orphaned silently)
  return run_program(program, args, options);
}

bool prefix_like(const std::string& s) {
  return !s.empty() && s.size() <= 7 && s.find_first_not_of("0123456789abcdef-") == std::string::npos;
}

}  // namespace

void amonadm_update(const std::string& program) {
  const RunResult r = run_amonadm(program, {"update"}, true);
  if (r.exit_code == 0) return;
  std::string why = tail_of(r.err, 3);
  if (why.empty()) why = tail_of(r.out, 3);
  throw Error(ExitCode::step_failed, "sdc-amonadm update failed (exit " + std::to_string(r.exit_code) + ")" +
                                         (why.empty() ? "" : ": " + why));
}

std::vector<ProbeRow> parse_probe_rows(std::string_view text) {
  std::vector<ProbeRow> rows;
  std::istringstream in{std::string(text)};
  std::size_t line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (line.find_first_not_of(' ') == std::string::npos) continue;
    const std::string where = "output of sdc-amonadm probes -H, line " + std::to_string(line_no);
    // "%-18s %-8s %-8s %s": a probe without a group has an empty role (main.js:418), so the
    // line starts with blanks.
    std::istringstream fields(line);
    ProbeRow r;
    if (line[0] != ' ') fields >> r.role;
    fields >> r.machine >> r.probe;
    std::getline(fields >> std::ws, r.name);
    if (!prefix_like(r.machine) || !prefix_like(r.probe) || r.name.empty()) {
      throw Error(ExitCode::bad_data, where + ": not ROLE MACHINE PROBE NAME: \"" + line.substr(0, 200) + "\"");
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

common::Json verify_probes(const std::string& program, const SdcadmRunner& runner) {
  const RunResult r = run_amonadm(program, {"probes", "-H"}, false);
  if (r.exit_code != 0) {
    throw Error(ExitCode::step_unverified, "alarm-config: sdc-amonadm update exited 0, but sdc-amonadm probes -H "
                                           "failed (exit " + std::to_string(r.exit_code) + "): " + tail_of(r.err, 3));
  }
  const std::vector<ProbeRow> rows = parse_probe_rows(r.out);
  const DcState dc = parse_dc_state(runner.svcs(), runner.insts());
  std::map<std::string, std::vector<const DcInstance*>> vms;  // service -> its VM instances
  for (const DcInstance& i : dc.instances) {
    if (i.type == "vm") vms[i.service].push_back(&i);
  }
  std::map<std::string, std::set<std::string>> machines;  // role -> probed machine prefixes
  std::map<std::string, std::size_t> per_role;
  for (const ProbeRow& p : rows) {
    machines[p.role].insert(p.machine);
    ++per_role[p.role];
  }
  std::vector<std::string> stale;
  common::Json roles = common::Json::object();
  for (const auto& [role, seen] : machines) {
    const auto it = vms.find(role);
    if (role.empty() || it == vms.end()) continue;  // a role no core service has: not ours to judge
    std::set<std::string> live;
    for (const DcInstance* i : it->second) {
      const std::string prefix = i->instance.substr(0, 7);
      live.insert(prefix);
      if (!seen.count(prefix)) {
        stale.push_back((i->alias.empty() ? role : i->alias) + " (" + i->instance + ") has no probe");
      }
    }
    for (const std::string& m : seen) {
      if (!live.count(m)) stale.push_back(role + " probes on machine " + m + "... (gone: no " + role + " instance has it)");
    }
    roles[role] = {{"instances", it->second.size()}, {"probes", per_role[role]}};
  }
  if (stale.empty()) {
    return {{"check", "amon-probes"}, {"source", "sdc-amonadm probes -H"}, {"probes", rows.size()}, {"roles", roles}};
  }
  std::string list;
  for (std::size_t i = 0; i < stale.size() && i < 10; ++i) list += (i ? "; " : "") + stale[i];
  if (stale.size() > 10) list += "; and " + std::to_string(stale.size() - 10) + " more";
  throw Error(ExitCode::step_unverified,
              "alarm-config: sdc-amonadm update exited 0, but the probes do not match the instances "
              "(sdc-amonadm probes -H against sdcadm insts -j): " + list +
                  ". Run " + program + " update by hand and read its output, then run sdcadm-install again");
}

}  // namespace installer
