#pragma once
// Text into roff (man(7)) source: what a description may hold that roff would read as markup.

#include <string>

namespace cli_docs {

// `text` as roff body text: a backslash becomes \e, every '-' becomes \- (so "--root" stays
// ASCII hyphen-minus when the page is rendered and copied), and a line that starts with '.'
// or '\'' (a control line to roff) is prefixed with \&.
std::string roff_text(const std::string& text);

// `text` as one argument of a macro line (.SS "trust init"): roff_text, and '"' doubled.
std::string roff_quoted(const std::string& text);

}  // namespace cli_docs
