// -f SPEC.json: sdcadm's update-spec format (reference sdcadm.md §2.2) read as a limit on
// the plan. The checks follow validateChanges so a spec that works here also reads right to
// an operator used to `sdcadm up`; the forms that need the updates server or name single
// instances are refused with a reason, since the installer applies per service.

#include <installer/plan.hpp>

#include <common/error.hpp>

#include <cctype>

namespace installer {
namespace {

using common::Error;
using common::ExitCode;

bool is_uuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

std::optional<std::string> string_key(const common::Json& change, const char* key,
                                      const std::string& repr) {
  if (!change.contains(key)) return std::nullopt;
  if (!change[key].is_string() || change[key].get<std::string>().empty()) {
    throw Error(ExitCode::usage, std::string("invalid \"") + key + "\" in change " + repr +
                                     ": not a non-empty string");
  }
  return change[key].get<std::string>();
}

SpecLimit::Entry parse_change(const common::Json& change, const std::string& what) {
  if (!change.is_object()) throw Error(ExitCode::usage, what + ": a change is not an object");
  const std::string repr = common::dump_json(change, -1);
  std::string extra;
  for (const auto& item : change.items()) {
    const std::string& k = item.key();
    if (k != "type" && k != "service" && k != "image" && k != "version") {
      if (k == "instance" || k == "server") {
        throw Error(ExitCode::usage, what + ": change " + repr + " names an instance or server; "
                                            "sdcadm-install updates whole services, so give "
                                            "{\"service\": NAME} (the plan shows the instances)");
      }
      extra += (extra.empty() ? "" : ", ") + k;
    }
  }
  if (!extra.empty()) {
    throw Error(ExitCode::usage, what + ": invalid extra fields in change " + repr + ": " + extra);
  }
  if (const auto type = string_key(change, "type", repr); type && *type != "update-service") {
    throw Error(ExitCode::usage, what + ": change " + repr + ": type \"" + *type +
                                     "\" is not supported; only update-service");
  }
  SpecLimit::Entry e;
  const auto service = string_key(change, "service", repr);
  if (!service) throw Error(ExitCode::usage, what + ": change " + repr + " has no \"service\"");
  e.service = *service;
  e.image = string_key(change, "image", repr);
  e.version = string_key(change, "version", repr);
  if (e.image && !is_uuid(*e.image)) {
    throw Error(ExitCode::usage, what + ": change " + repr + ": image \"" + *e.image + "\" is not a UUID");
  }
  return e;
}

}  // namespace

SpecLimit parse_spec_limit(std::string_view text, const std::string& what) {
  common::Json spec;
  try {
    spec = common::parse_json(text, what, 8, 1u << 20);
  } catch (const Error& e) {
    throw Error(ExitCode::usage, e.what());
  }
  if (spec.is_object()) spec = common::Json::array({spec});
  if (!spec.is_array()) throw Error(ExitCode::usage, what + ": not a JSON object or array of changes");
  if (spec.empty()) throw Error(ExitCode::usage, what + ": no changes; name at least one service");
  SpecLimit limit;
  for (const auto& change : spec) {
    SpecLimit::Entry e = parse_change(change, what);
    if (limit.names(e.service)) {
      throw Error(ExitCode::usage, what + ": service \"" + e.service + "\" is named twice");
    }
    limit.entries.push_back(std::move(e));
  }
  return limit;
}

}  // namespace installer
