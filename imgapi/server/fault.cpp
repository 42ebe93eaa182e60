#include <imgapi/server/fault.hpp>

#include <common/error.hpp>

#include <cctype>
#include <limits>
#include <utility>

namespace imgapi::server {
namespace {

common::Error bad_spec(const std::string& text, const std::string& why) {
  return common::Error(common::ExitCode::usage,
                       "bad --fault spec \"" + text + "\": " + why +
                           " (expected e.g. status=503,nth=3 or cut=65536,path=/images/*/file)");
}

std::uint64_t parse_number(const std::string& text, const std::string& key,
                           const std::string& value) {
  if (value.empty() || value.size() > 15) throw bad_spec(text, key + " needs a number");
  std::uint64_t n = 0;
  for (char c : value) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      throw bad_spec(text, key + " needs a number, got \"" + value + "\"");
    }
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

void set_action(FaultSpec& spec, bool& have_action, FaultAction action, std::uint64_t value) {
  if (have_action) throw bad_spec(spec.text, "give exactly one of status, latency, cut, corrupt");
  have_action = true;
  spec.action = action;
  spec.value = value;
}

void apply_key(FaultSpec& spec, bool& have_action, bool& have_nth, bool& have_count,
               const std::string& key, const std::string& value) {
  const std::string& text = spec.text;
  if (key == "status") {
    std::uint64_t status = parse_number(text, key, value);
    if (status < 400 || status > 599) throw bad_spec(text, "status must be 400..599");
    set_action(spec, have_action, FaultAction::status, status);
  } else if (key == "latency") {
    std::uint64_t ms = parse_number(text, key, value);
    if (ms > 600'000) throw bad_spec(text, "latency is at most 600000 ms");
    set_action(spec, have_action, FaultAction::latency, ms);
  } else if (key == "cut") {
    set_action(spec, have_action, FaultAction::cut, parse_number(text, key, value));
  } else if (key == "corrupt") {
    set_action(spec, have_action, FaultAction::corrupt, parse_number(text, key, value));
  } else if (key == "method") {
    if (value.empty()) throw bad_spec(text, "method needs a value");
    for (char c : value) {
      if (!std::isupper(static_cast<unsigned char>(c))) {
        throw bad_spec(text, "method must be upper case, e.g. GET or PUT");
      }
    }
    spec.method = value;
  } else if (key == "path") {
    if (value.empty() || value[0] != '/') throw bad_spec(text, "path must start with '/'");
    spec.path_glob = value;
  } else if (key == "nth") {
    spec.nth = parse_number(text, key, value);
    if (spec.nth == 0) throw bad_spec(text, "nth counts from 1");
    have_nth = true;
  } else if (key == "count") {
    spec.count = parse_number(text, key, value);
    if (spec.count == 0) throw bad_spec(text, "count must be at least 1");
    have_count = true;
  } else {
    throw bad_spec(text, "unknown key \"" + key + "\"");
  }
}

}  // namespace

FaultSpec parse_fault_spec(const std::string& text) {
  FaultSpec spec;
  spec.text = text;
  bool have_action = false;
  bool have_nth = false;
  bool have_count = false;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(start, end - start);
    std::size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw bad_spec(text, "\"" + item + "\" is not key=value");
    }
    apply_key(spec, have_action, have_nth, have_count, item.substr(0, eq), item.substr(eq + 1));
    start = end + 1;
  }
  if (!have_action) throw bad_spec(text, "no action (status, latency, cut or corrupt)");
  // "status=503,nth=3" means "the 3rd request fails", not "every request from the 3rd on".
  if (have_nth && !have_count) spec.count = 1;
  return spec;
}

bool glob_matches(const std::string& glob, const std::string& path) {
  // Iterative matcher with one backtrack point per '*'; '*' never crosses a '/'.
  std::size_t g = 0;
  std::size_t p = 0;
  std::size_t star = std::string::npos;
  std::size_t star_p = 0;
  while (p < path.size()) {
    if (g < glob.size() && glob[g] == '*') {
      star = g++;
      star_p = p;
    } else if (g < glob.size() && glob[g] == path[p]) {
      ++g;
      ++p;
    } else if (star != std::string::npos && path[star_p] != '/') {
      g = star + 1;
      p = ++star_p;
    } else {
      return false;
    }
  }
  while (g < glob.size() && glob[g] == '*') ++g;
  return g == glob.size();
}

FaultInjector::FaultInjector(std::vector<FaultSpec> specs)
    : m_specs(std::move(specs)), m_matched(m_specs.size(), 0), m_fired(m_specs.size(), 0) {}

FaultDecision FaultInjector::on_request(const std::string& method, const std::string& path) {
  FaultDecision decision;
  std::lock_guard<std::mutex> lock(m_mutex);
  for (std::size_t i = 0; i < m_specs.size(); ++i) {
    const FaultSpec& spec = m_specs[i];
    if (!spec.method.empty() && spec.method != method) continue;
    if (!spec.path_glob.empty() && !glob_matches(spec.path_glob, path)) continue;
    std::uint64_t seen = ++m_matched[i];
    if (seen < spec.nth) continue;
    if (spec.count != 0 && m_fired[i] >= spec.count) continue;
    ++m_fired[i];
    switch (spec.action) {
      case FaultAction::status:
        if (decision.status == 0) {
          decision.status = static_cast<int>(spec.value);
          decision.status_spec = spec.text;
        }
        break;
      case FaultAction::latency: decision.latency_ms += spec.value; break;
      case FaultAction::cut: decision.cut_after = spec.value; break;
      case FaultAction::corrupt: decision.corrupt_offset = spec.value; break;
    }
  }
  return decision;
}

}  // namespace imgapi::server
