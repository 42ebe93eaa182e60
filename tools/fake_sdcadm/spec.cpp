#include <tools/fake_sdcadm/spec.hpp>

#include <tools/fake_sdcadm/json_field.hpp>

#include <common/error.hpp>
#include <manifest/image_manifest.hpp>

#include <algorithm>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;
using common::Json;

namespace {

class Checker {
 public:
  void add(std::string message) { m_errors.push_back(std::move(message)); }
  const std::vector<std::string>& errors() const { return m_errors; }

  // 'invalid extra fields "a", "b" in {...}' for keys outside `allowed`.
  void keys(const Json& change, std::initializer_list<const char*> allowed, const std::string& repr) {
    std::string extra;
    for (const auto& [key, value] : change.items()) {
      (void)value;
      if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; })) {
        extra += (extra.empty() ? "" : "\", \"") + key;
      }
    }
    if (!extra.empty()) add("invalid extra fields \"" + extra + "\" in " + repr);
  }

  // assert-plus style: '"image" in {...} (string) is required'.
  std::optional<std::string> string_field(const Json& change, const char* key, const std::string& repr,
                                          bool required) {
    const auto it = change.find(key);
    if (it == change.end()) {
      if (required) add(std::string("\"") + key + "\" in " + repr + " (string) is required");
      return std::nullopt;
    }
    if (!it->is_string()) {
      add(std::string("\"") + key + "\" in " + repr + " (string) is required");
      return std::nullopt;
    }
    return it->get<std::string>();
  }

 private:
  std::vector<std::string> m_errors;
};

void check_type(Checker& c, const Json& change, const char* expected, const std::string& repr) {
  const auto it = change.find("type");
  if (it != change.end() && (!it->is_string() || it->get<std::string>() != expected)) {
    c.add(std::string("invalid type \"") + expected + "\" change in " + repr);
  }
}

Change one_change(Checker& c, const Json& change) {
  Change out;
  out.repr = common::dump_json(change, -1);
  const std::string& repr = out.repr;
  if (!change.is_object()) {
    c.add("invalid change: " + repr);
    return out;
  }
  const std::string type = string_field(change, "type");
  if (type == "create-instances" || type == "create" || type == "delete" || type == "delete-service") {
    c.add("do not support the following changes: " + repr);
    return out;
  }
  out.image = c.string_field(change, "image", repr, false);
  if (change.contains("service") && change.contains("server")) {
    out.kind = Change::Kind::update_agent_on_server;
    check_type(c, change, "update-instance", repr);
    c.keys(change, {"type", "server", "service", "image"}, repr);
    out.service = c.string_field(change, "service", repr, true).value_or("");
    out.server = c.string_field(change, "server", repr, true).value_or("");
  } else if (change.contains("instance")) {
    out.kind = Change::Kind::update_instance;
    check_type(c, change, "update-instance", repr);
    c.keys(change, {"type", "instance", "image", "version"}, repr);
    out.instance = c.string_field(change, "instance", repr, true).value_or("");
    out.version = c.string_field(change, "version", repr, false);
  } else if (change.contains("service")) {
    out.kind = Change::Kind::update_service;
    check_type(c, change, "update-service", repr);
    c.keys(change, {"type", "service", "image", "version"}, repr);
    out.service = c.string_field(change, "service", repr, true).value_or("");
    out.version = c.string_field(change, "version", repr, false);
  } else {
    c.add("invalid change: " + repr);
    return out;
  }
  // validateChanges sets "type" on the change (appended when absent), so the messages of
  // the later steps show it (lib/sdcadm.js:1789-1831, then changeRepr at 1942). An image
  // that is not a UUID is not refused here: getImage fails later ("unknown image", plan.cpp).
  Json typed = change;
  if (!typed.contains("type")) {
    typed["type"] = out.kind == Change::Kind::update_service ? "update-service" : "update-instance";
  }
  out.typed_repr = common::dump_json(typed, -1);
  return out;
}

}  // namespace

std::vector<Change> validate_changes(const Json& spec) {
  if (!spec.is_object() && !spec.is_array()) {
    throw Error(ExitCode::usage, "invalid update spec: must be a JSON object or array, not " +
                                     common::dump_json(spec, -1));
  }
  const Json list = spec.is_object() ? Json::array({spec}) : spec;
  Checker checker;
  std::vector<Change> changes;
  for (const Json& change : list) changes.push_back(one_change(checker, change));
  const auto& errors = checker.errors();
  if (errors.size() == 1) throw Error(ExitCode::usage, errors.front());
  if (errors.size() > 1) {
    // sdcadm's own MultiError (lib/errors.js:188-204), not VError's "first of N errors".
    std::string text = "multiple (" + std::to_string(errors.size()) + ") errors";
    for (const std::string& e : errors) text += "\n    error (Validation): " + e;
    throw Error(ExitCode::usage, text);
  }
  return changes;
}

std::vector<Change> parse_spec(std::string_view text) {
  return validate_changes(common::parse_json(text, "update spec on stdin", 16, 1 << 20));
}

Change change_from_arg(const std::string& arg, bool is_service) {
  const auto at = arg.find('@');
  Json change = Json::object();
  const std::string name = arg.substr(0, at);
  change[is_service ? "service" : "instance"] = name;
  if (at != std::string::npos) {
    const std::string rest = arg.substr(at + 1);
    // _specFromArgs: after '@', a UUID is an image, anything else a version.
    change[manifest::is_uuid(rest) ? "image" : "version"] = rest;
  }
  return validate_changes(change).front();
}

}  // namespace fake_sdcadm
