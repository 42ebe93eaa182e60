#include <tools/fake_sdcadm/fault.hpp>

#include <common/error.hpp>

#include <algorithm>
#include <array>
#include <cstdlib>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;

namespace {

const std::array<const char*, 9> k_commands = {"up", "update", "self-update", "update-agents",
                                               "update-gz-tools", "update-other",
                                               "platform-install", "check-health", "amonadm-update"};

void check_command(const std::string& command, const std::string& where) {
  for (const char* c : k_commands) {
    if (command == c) return;
  }
  throw Error(ExitCode::usage, where + ": unknown fault command \"" + command +
                                   "\" (up, update, self-update, update-agents, update-gz-tools, "
                                   "update-other, platform-install, check-health, amonadm-update)");
}

}  // namespace

Fault parse_fault_env(const std::string& text) {
  Fault f;
  const auto colon = text.find(':');
  f.command = text.substr(0, colon);
  if (colon != std::string::npos) f.service = text.substr(colon + 1);
  f.from_env = true;
  check_command(f.command, "FAKE_SDCADM_FAIL");
  return f;
}

std::optional<Fault> active_fault(const State& state) {
  const char* env = std::getenv("FAKE_SDCADM_FAIL");
  if (env != nullptr && *env != '\0') return parse_fault_env(env);
  const common::Json& fail = state.json().at("fail");
  if (fail.is_null()) return std::nullopt;
  Fault f;
  const auto command = fail.find("command");
  if (command == fail.end() || !command->is_string()) {
    throw Error(ExitCode::usage, "state \"fail\": \"command\" is missing or not a string");
  }
  f.command = command->get<std::string>();
  check_command(f.command, "state \"fail\"");
  const auto service = fail.find("service");
  if (service != fail.end() && !service->is_null()) {
    if (!service->is_string()) throw Error(ExitCode::usage, "state \"fail\": \"service\" is not a string");
    f.service = service->get<std::string>();
  }
  const auto once = fail.find("once");
  if (once != fail.end() && !once->is_boolean()) {
    throw Error(ExitCode::usage, "state \"fail\": \"once\" is not a boolean");
  }
  f.once = once != fail.end() && once->get<bool>();
  return f;
}

bool fault_matches(const std::optional<Fault>& fault, const std::string& command,
                   const std::string& service) {
  return fault && fault->command == command &&
         (fault->service.empty() || fault->service == service);
}

void fire_fault(const std::optional<Fault>& fault, const std::string& command,
                const std::string& service, const std::string& message, State& state,
                const Root& root) {
  if (!fault_matches(fault, command, service)) return;
  if (fault->once && !fault->from_env) {
    state.json()["fail"] = nullptr;
    state.save(root);
  }
  throw Error(ExitCode::step_failed, message);
}

bool noop_requested(const std::string& command) {
  const char* env = std::getenv("FAKE_SDCADM_NOOP");
  if (env == nullptr || *env == '\0') return false;
  const std::string list = env;
  bool hit = false;
  std::size_t pos = 0;
  while (pos <= list.size()) {
    const std::size_t comma = std::min(list.find(',', pos), list.size());
    const std::string name = list.substr(pos, comma - pos);
    if (name == "check-health") throw Error(ExitCode::usage, "FAKE_SDCADM_NOOP: check-health has no work to skip");
    check_command(name, "FAKE_SDCADM_NOOP");
    hit = hit || name == command;
    pos = comma + 1;
  }
  return hit;
}

}  // namespace fake_sdcadm
