#pragma once
// Rows of cells as an aligned text table, for the command lines' reports (build summaries,
// the delta report, imgapi-cli list): each column as wide as its widest cell plus two spaces
// (versions such as release-20250101-20250101T000000Z-g1a2b3c4 vary a lot in length); the
// last column is not padded, so no line ends in blanks.

#include <string>
#include <vector>

namespace common {

// Every line starts with `indent` and ends with "\n"; rows may have different lengths.
std::string text_table(const std::vector<std::vector<std::string>>& rows,
                       const std::string& indent = "");

}  // namespace common
