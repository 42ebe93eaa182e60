#include "cli_model.hpp"

#include <cctype>
#include <stdexcept>

namespace cli_docs {

namespace {

bool contains(const std::string& text, const char* word) { return text.find(word) != std::string::npos; }

// The values of an IsMember check: CLI11 appends each check's description to the type name
// ("TEXT:{private,dc}"), and IsMember's is the set in braces.
std::vector<std::string> allowed_values(const std::string& type_name) {
  std::vector<std::string> values;
  const std::size_t open = type_name.find(":{");
  const std::size_t close = type_name.find('}', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos) return values;
  std::string item;
  for (std::size_t i = open + 2; i <= close; ++i) {
    if (i == close || type_name[i] == ',') {
      if (!item.empty()) values.push_back(item);
      item.clear();
    } else if (type_name[i] != ' ') {
      item += type_name[i];
    }
  }
  return values;
}

OptionDoc read_option(const CLI::Option& opt) {
  OptionDoc doc;
  for (const std::string& s : opt.get_snames()) doc.shorts.push_back("-" + s);
  for (const std::string& l : opt.get_lnames()) doc.longs.push_back("--" + l);
  doc.description = opt.get_description();
  doc.env = opt.get_envname();
  doc.required = opt.get_required();
  doc.repeatable = opt.get_expected_max() >= CLI::detail::expected_max_vector_size;
  if (opt.get_positional()) {
    doc.positional = opt.get_name();
  } else if (opt.get_type_size() != 0) {
    // The value's name exactly as common::PlainHelpFormatter shows it.
    doc.value = opt.get_option_text().empty() ? opt.get_type_name() : opt.get_option_text();
    doc.default_value = opt.get_default_str();
  }
  doc.allowed = allowed_values(opt.get_type_name());
  if (!doc.allowed.empty()) {
    doc.kind = ValueKind::words;
  } else if (doc.takes_value()) {
    doc.kind = kind_of_value(doc.positional.empty() ? doc.value : doc.positional);
  }
  return doc;
}

CommandDoc read_command(const CLI::App& app, std::vector<std::string> path) {
  CommandDoc doc;
  doc.path = path;
  doc.name = app.get_name();
  doc.description = app.get_description();
  doc.footer = app.get_footer();
  doc.needs_command = app.get_require_subcommand_min() > 0;
  doc.falls_through = app.get_fallthrough();
  const bool top = path.empty();
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_group().empty()) continue;                 // hidden from --help
    if (!top && opt == app.get_help_ptr()) continue;         // said once, in GLOBAL OPTIONS
    OptionDoc o = read_option(*opt);
    (opt->get_positional() && o.shorts.empty() && o.longs.empty() ? doc.positionals : doc.options)
        .push_back(std::move(o));
  }
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_group().empty()) continue;
    // An option group is a nameless CLI11 app whose options belong to its parent; none of the
    // front ends uses one, and leaving its options out silently would make the page lie.
    if (sub->get_name().empty()) {
      throw std::runtime_error("'" + app.get_name() + "' has an option group; tools/cli_docs does not read them yet");
    }
    std::vector<std::string> sub_path = path;
    sub_path.push_back(sub->get_name());
    doc.commands.push_back(read_command(*sub, sub_path));
  }
  return doc;
}

}  // namespace

std::vector<std::string> OptionDoc::names() const {
  std::vector<std::string> all = shorts;
  all.insert(all.end(), longs.begin(), longs.end());
  return all;
}

std::string CommandDoc::path_text() const {
  std::string text;
  for (const std::string& word : path) text += (text.empty() ? "" : " ") + word;
  return text;
}

CommandDoc read_app(const CLI::App& app) { return read_command(app, {}); }

ValueKind kind_of_value(const std::string& value_name) {
  const std::string& v = value_name;
  if (contains(v, "FILE") || contains(v, "PATH") || contains(v, "BUNDLE") || contains(v, "RECEIPT")) {
    return ValueKind::file;
  }
  // A name with an extension: ROOT.json, PRIV.pem, OUT.sdc, [NAME=]KEY.pub.
  const std::size_t dot = v.rfind('.');
  if (dot != std::string::npos && dot + 1 < v.size() &&
      std::islower(static_cast<unsigned char>(v[dot + 1])) != 0) {
    return ValueKind::file;
  }
  if (contains(v, "DIR")) return ValueKind::dir;
  return ValueKind::none;
}

}  // namespace cli_docs
