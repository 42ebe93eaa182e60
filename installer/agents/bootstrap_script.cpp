#include <installer/agents/bootstrap_script.hpp>

#include <common/error.hpp>

namespace installer::agents {

namespace {

// Replaces every "@KEY@" of the template; a key the template lacks is a build bug.
void substitute(std::string& text, const std::string& key, const std::string& value) {
  const std::string marker = "@" + key + "@";
  std::size_t at = text.find(marker);
  if (at == std::string::npos) {
    throw common::Error(common::ExitCode::internal, "bootstrap template lacks " + marker);
  }
  for (; at != std::string::npos; at = text.find(marker, at + value.size())) {
    text.replace(at, marker.size(), value);
  }
}

// "name uuid size sha1 compression published_at" lines in install order, inside a
// double-quoted shell string: the values are validated, so none holds a quote, $, ` or
// backslash. published_at lets the script leave an agent whose installed image is not older.
std::string agents_table(const AgentSet& set) {
  std::string table;
  for (const auto& a : set.agents) {
    if (!table.empty()) table += "\n";
    table += a.name + " " + a.uuid + " " + std::to_string(a.size) + " " + a.sha1 + " " + a.compression + " " +
             a.published_at;
  }
  return table;
}

}  // namespace

std::string bootstrap_file_name(const AgentSet& set) { return "agents-" + set.stamp + ".sh"; }

std::string bootstrap_script(const AgentSet& set) {
  // Round trip through the validating reader: the same checks whatever built the set.
  const AgentSet checked = agent_set_from_json(to_json(set), "agent set " + set.stamp);
  std::string text = bootstrap_template();
  substitute(text, "STAMP", checked.stamp);
  substitute(text, "IMGAPI_DOMAIN", checked.imgapi_domain);
  substitute(text, "AGENTS_TABLE", agents_table(checked));
  return text;
}

}  // namespace installer::agents
