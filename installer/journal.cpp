#include <installer/journal.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <sys/stat.h>

namespace installer {
namespace {

using common::Error;
using common::ExitCode;

constexpr std::size_t k_journal_max_bytes = 1u << 20;

}  // namespace

void make_directories(const std::string& dir) {
  std::string path;
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    path = dir.substr(0, pos);
    if (path.empty()) continue;
    if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
      throw Error(ExitCode::io, "cannot create directory " + path + ": " + std::strerror(errno));
    }
  }
}

namespace {

StepState state_from(const std::string& s, const std::string& what) {
  if (s == "started") return StepState::started;
  if (s == "done") return StepState::done;
  if (s == "failed") return StepState::failed;
  throw Error(ExitCode::bad_data, what + ": unknown step state \"" + s + "\"");
}

std::string get_str(const common::Json& j, const char* key, const std::string& what) {
  if (!j.contains(key) || j[key].is_null()) return {};
  if (!j[key].is_string()) throw Error(ExitCode::bad_data, what + ": \"" + key + "\" is not a string");
  return j[key].get<std::string>();
}

}  // namespace

const char* to_string(StepState state) {
  switch (state) {
    case StepState::started: return "started";
    case StepState::done: return "done";
    case StepState::failed: return "failed";
  }
  return "started";
}

std::string utc_now_ms() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

Journal Journal::open(const std::string& dir, const std::string& bundle_id, const std::string& bundle_digest,
                      const std::string& content_id) {
  make_directories(dir);
  Journal j;
  j.m_path = dir + "/" + bundle_id + ".json";
  j.m_bundle_id = bundle_id;
  j.m_digest = bundle_digest;
  j.m_content_id = content_id;
  std::string text;
  try {
    text = common::read_small_file(j.m_path, k_journal_max_bytes);
  } catch (const Error& e) {
    if (e.code() != ExitCode::not_found) throw;
    j.m_created = utc_now_ms();
    return j;
  }
  const std::string what = "journal " + j.m_path;
  const std::string fix = " (move the file away to apply the bundle from the start)";
  try {
    const common::Json doc = common::parse_json(text, what, 8, k_journal_max_bytes);
    if (!doc.is_object() || !doc.contains("steps") || !doc["steps"].is_array()) {
      throw Error(ExitCode::bad_data, what + ": not a journal object with \"steps\"");
    }
    if (get_str(doc, "bundle_id", what) != bundle_id) {
      throw Error(ExitCode::bad_data, what + ": written for another bundle id");
    }
    const std::string digest = get_str(doc, "bundle_digest", what);
    if (digest != bundle_digest) {
      throw Error(ExitCode::conflict, what + ": bundle " + bundle_id + " was applied with index digest " +
                                          digest + ", this one has " + bundle_digest + fix);
    }
    if (j.m_content_id.empty()) j.m_content_id = get_str(doc, "content_id", what);
    j.m_created = get_str(doc, "created", what);
    j.m_finished = get_str(doc, "state", what) == "finished";
    j.m_finished_at = get_str(doc, "finished", what);
    j.m_runs = doc.contains("runs") && doc["runs"].is_number_integer() ? doc["runs"].get<int>() : 0;
    for (const auto& s : doc["steps"]) {
      if (!s.is_object()) throw Error(ExitCode::bad_data, what + ": a step is not an object");
      JournalStep step;
      step.name = get_str(s, "name", what);
      step.state = state_from(get_str(s, "state", what), what);
      step.started = get_str(s, "started", what);
      step.ended = get_str(s, "ended", what);
      step.attempts = s.contains("attempts") && s["attempts"].is_number_integer() ? s["attempts"].get<int>() : 0;
      step.error = get_str(s, "error", what);
      if (step.name.empty()) throw Error(ExitCode::bad_data, what + ": a step without a name");
      if (s.contains("child") && s["child"].is_object()) {
        const common::Json& c = s["child"];
        step.child_pid = c.contains("pid") && c["pid"].is_number_integer() ? c["pid"].get<long>() : 0;
        step.child_start = get_str(c, "start", what);
        step.child_command = get_str(c, "command", what);
        step.child_output = get_str(c, "output", what);
        step.child_left_running = c.contains("left_running") && c["left_running"].is_boolean() &&
                                  c["left_running"].get<bool>();
      }
      if (s.contains("evidence") && s["evidence"].is_object()) step.evidence = s["evidence"];
      j.m_steps.push_back(std::move(step));
    }
  } catch (const Error& e) {
    if (e.code() == ExitCode::bad_data) throw Error(ExitCode::bad_data, std::string(e.what()) + fix);
    throw;
  }
  j.m_on_disk = true;
  return j;
}

const JournalStep* Journal::find(const std::string& name) const {
  for (const auto& s : m_steps) if (s.name == name) return &s;
  return nullptr;
}

bool Journal::is_done(const std::string& name) const {
  const JournalStep* s = find(name);
  return s && s->state == StepState::done;
}

JournalStep& Journal::step(const std::string& name) {
  for (auto& s : m_steps) if (s.name == name) return s;
  JournalStep fresh;
  fresh.name = name;
  m_steps.push_back(fresh);
  return m_steps.back();
}

void Journal::begin_run() {
  ++m_runs;
  write();
}

void Journal::step_started(const std::string& name) {
  JournalStep& s = step(name);
  s.state = StepState::started;
  s.started = utc_now_ms();
  s.ended.clear();
  ++s.attempts;
  s.child_pid = 0;  // this attempt's command is recorded when it starts
  s.child_start.clear();
  s.child_command.clear();
  s.child_output.clear();
  s.child_left_running = false;
  s.evidence = nullptr;
  write();
}

void Journal::step_child(const std::string& name, long pid, const std::string& start, const std::string& command,
                         const std::string& output) {
  JournalStep& s = step(name);
  s.child_pid = pid;
  s.child_start = start;
  s.child_command = command;
  s.child_output = output;
  s.child_left_running = false;
  write();
}

void Journal::child_left_running(const std::string& name) {
  step(name).child_left_running = true;
  write();
}

void Journal::step_done(const std::string& name, const common::Json& evidence) {
  JournalStep& s = step(name);
  s.state = StepState::done;
  s.ended = utc_now_ms();
  s.error.clear();
  s.evidence = evidence;
  write();
}

void Journal::step_failed(const std::string& name, const std::string& error, const common::Json& evidence) {
  JournalStep& s = step(name);
  s.state = StepState::failed;
  s.ended = utc_now_ms();
  s.error = error;
  s.evidence = evidence;
  write();
}

void Journal::finish() {
  m_finished = true;
  m_finished_at = utc_now_ms();
  write();
}

void Journal::reopen(const std::vector<std::string>& names) {
  m_finished = false;
  m_finished_at.clear();
  m_steps.erase(std::remove_if(m_steps.begin(), m_steps.end(),
                               [&](const JournalStep& s) {
                                 return std::find(names.begin(), names.end(), s.name) != names.end();
                               }),
                m_steps.end());
  write();
}

std::string Journal::stopped_at() const {
  for (const auto& s : m_steps) if (s.state != StepState::done) return s.name;
  return {};
}

common::Json Journal::to_json() const {
  common::Json steps = common::Json::array();
  for (const auto& s : m_steps) {
    steps.push_back({{"name", s.name}, {"state", to_string(s.state)}, {"started", s.started},
                     {"ended", s.ended.empty() ? common::Json(nullptr) : common::Json(s.ended)},
                     {"attempts", s.attempts},
                     {"error", s.error.empty() ? common::Json(nullptr) : common::Json(s.error)},
                     {"evidence", s.evidence.is_object() ? s.evidence : common::Json(nullptr)}});
    if (s.child_pid > 0) {
      steps.back()["child"] = {{"pid", s.child_pid}, {"start", s.child_start}, {"command", s.child_command},
                               {"output", s.child_output}, {"left_running", s.child_left_running}};
    }
  }
  return {{"bundle_id", m_bundle_id}, {"bundle_digest", m_digest},
          {"content_id", m_content_id.empty() ? common::Json(nullptr) : common::Json(m_content_id)},
          {"state", m_finished ? "finished" : "running"}, {"created", m_created},
          {"updated", utc_now_ms()},
          {"finished", m_finished ? common::Json(m_finished_at) : common::Json(nullptr)},
          {"runs", m_runs}, {"steps", steps}};
}

void Journal::write() {
  common::write_file_atomic(m_path, common::dump_json(to_json(), 2) + "\n", 0644);
  m_on_disk = true;
}

}  // namespace installer
