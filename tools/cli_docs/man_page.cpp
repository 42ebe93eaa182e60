#include "man_page.hpp"

#include "roff.hpp"

#include <common/exit_code_text.hpp>

#include <cctype>
#include <sstream>
#include <stdexcept>

namespace cli_docs {

namespace {

const char* const k_prose_sections[] = {"DESCRIPTION", "FILES", "ENVIRONMENT"};

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// "-o, --output FILE": the names in bold, the value in italics.
std::string option_term(const OptionDoc& o) {
  if (!o.positional.empty()) return "\\fI" + roff_text(o.positional) + "\\fR";
  std::string term;
  for (const std::string& name : o.names()) term += (term.empty() ? "" : ", ") + ("\\fB" + roff_text(name) + "\\fR");
  if (!o.value.empty()) term += " \\fI" + roff_text(o.value) + "\\fR";
  return term;
}

// The description, then what --help shows beside the name (default, REQUIRED) in words.
std::string option_body(const OptionDoc& o) {
  std::string body = o.description;
  const auto sentence = [&body](const std::string& s) {
    if (!body.empty() && body.back() != '.') body += '.';
    body += (body.empty() ? "" : " ") + s;
  };
  if (!o.allowed.empty()) {
    std::string list;
    for (const std::string& v : o.allowed) list += (list.empty() ? "" : ", ") + v;
    sentence("One of: " + list + ".");
  }
  if (!o.default_value.empty()) sentence("Default: " + o.default_value + ".");
  if (o.required) sentence("Required.");
  if (o.repeatable) sentence("May be given more than once.");
  if (!o.env.empty()) sentence("Also read from the environment variable " + o.env + ".");
  return roff_text(body);
}

void write_options(std::ostringstream& out, const std::vector<OptionDoc>& options) {
  for (const OptionDoc& o : options) {
    out << ".TP\n" << option_term(o) << "\n" << option_body(o) << "\n";
  }
}

// "[OPTIONS] BUNDLE [MORE...]" for a usage line.
std::string arguments(const CommandDoc& c) {
  std::string text = c.options.empty() ? "" : "[\\fIOPTIONS\\fR]";
  for (const OptionDoc& p : c.positionals) {
    std::string word = "\\fI" + roff_text(p.positional) + "\\fR" + (p.repeatable ? "..." : "");
    text += (text.empty() ? "" : " ") + (p.required ? word : "[" + word + "]");
  }
  if (!c.commands.empty()) {
    text += std::string(text.empty() ? "" : " ") + (c.needs_command ? "\\fICOMMAND\\fR" : "[\\fICOMMAND\\fR]");
  }
  return text;
}

void write_synopsis(std::ostringstream& out, const CommandDoc& c, const std::string& program) {
  if (!c.path.empty() && !c.needs_command) {  // every command line that runs something
    out << ".br\n\\fB" << roff_text(program + " " + c.path_text()) << "\\fR " << arguments(c) << "\n";
  }
  for (const CommandDoc& sub : c.commands) write_synopsis(out, sub, program);
}

void write_command(std::ostringstream& out, const CommandDoc& c, const std::string& program) {
  out << ".SS " << roff_quoted(c.path_text()) << "\n" << roff_text(c.description) << "\n";
  out << ".PP\nUsage: \\fB" << roff_text(program + " " + c.path_text()) << "\\fR " << arguments(c) << "\n";
  if (!c.commands.empty()) {
    std::string names;
    for (const CommandDoc& sub : c.commands) names += (names.empty() ? "" : ", ") + sub.name;
    out << ".PP\nCommands: " << roff_text(names) << " (each below).\n";
  }
  write_options(out, c.positionals);
  write_options(out, c.options);
  if (!c.footer.empty()) out << ".PP\n" << roff_text(c.footer) << "\n";
  for (const CommandDoc& sub : c.commands) write_command(out, sub, program);
}

void write_exit_status(std::ostringstream& out) {
  out << ".SH EXIT STATUS\n"
         "Each kind of failure has its own code, so a script can branch on why a command failed; "
         "the codes are stable. Each command's --help ends with the codes it can return.\n";
  for (const common::ExitCodeInfo& info : common::exit_code_table()) {
    out << ".TP\n\\fB" << common::to_int(info.code) << "\\fR " << roff_text(info.name) << "\n"
        << roff_text(info.summary) << "\n";
  }
}

}  // namespace

std::map<std::string, std::string> read_prose(const std::string& text, const std::string& source) {
  std::map<std::string, std::string> sections;
  std::istringstream in(text);
  std::string line, current;
  while (std::getline(in, line)) {
    if (line.rfind(".SH ", 0) == 0) {
      current = line.substr(4);
      if (current.size() >= 2 && current.front() == '"' && current.back() == '"') {
        current = current.substr(1, current.size() - 2);
      }
      bool known = false;
      for (const char* s : k_prose_sections) known = known || current == s;
      if (!known) throw std::runtime_error(source + ": section '" + current + "' is not one the page prints "
                                           "(DESCRIPTION, FILES, ENVIRONMENT)");
      sections[current];
      continue;
    }
    if (current.empty()) {
      if (!line.empty() && line.rfind(".\\\"", 0) != 0) {
        throw std::runtime_error(source + ": text before the first .SH line: " + line);
      }
      continue;
    }
    sections[current] += line + "\n";
  }
  for (const char* s : k_prose_sections) {
    if (sections.count(s) == 0) throw std::runtime_error(source + ": no '.SH " + std::string(s) + "' section");
  }
  return sections;
}

std::string man_page(const CommandDoc& program, const ManPage& page) {
  std::ostringstream out;
  const std::string& name = page.program;
  // The one-line summary: the app's description without its "program: " prefix.
  std::string summary = program.description;
  if (summary.rfind(name + ": ", 0) == 0) summary = summary.substr(name.size() + 2);
  out << ".\\\" Generated by tools/cli_docs from " << name << "'s command-line definitions and\n"
      << ".\\\" docs/man/" << name << ".roff; do not edit.\n"
      << ".TH " << roff_text(upper(name)) << " 1 \"\" " << roff_quoted(name + " " + page.version)
      << " \"User Commands\"\n"
      << ".SH NAME\n" << roff_text(name) << " \\- " << roff_text(summary) << "\n"
      << ".SH SYNOPSIS\n\\fB" << roff_text(name) << "\\fR [\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR "
      << "[\\fIOPTIONS\\fR] [\\fIARGUMENTS\\fR]\n";
  for (const CommandDoc& c : program.commands) write_synopsis(out, c, name);
  out << ".SH DESCRIPTION\n" << page.prose.at("DESCRIPTION");
  out << ".SH GLOBAL OPTIONS\n";
  if (program.falls_through) out << "They may come before or after the command.\n";
  out << "\\fB\\-h\\fR, \\fB\\-\\-help\\fR after a command prints that command's help.\n";
  write_options(out, program.options);
  if (!program.footer.empty()) out << ".PP\n" << roff_text(program.footer) << "\n";
  out << ".SH COMMANDS\n";
  for (const CommandDoc& c : program.commands) write_command(out, c, name);
  write_exit_status(out);
  out << ".SH FILES\n" << page.prose.at("FILES");
  out << ".SH ENVIRONMENT\n" << page.prose.at("ENVIRONMENT");
  out << ".SH SEE ALSO\n";
  if (!page.see_also.empty()) out << ".BR " << roff_text(page.see_also) << " (1),\n";
  out << ".BR sdcadm (1);\n"
         "the documents in /usr/share/doc/sdcadm\\-bundle (or share/doc/sdcadm\\-bundle under the "
         "installation prefix): README.md, docs/cli.md, docs/exit\\-codes.md, docs/logs.md, docs/trust.md.\n";
  return out.str();
}

}  // namespace cli_docs
