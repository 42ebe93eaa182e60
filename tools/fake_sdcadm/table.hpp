#pragma once
// Plain-text tables the way sdcadm's tabula prints them: upper-case headers, columns
// left-aligned and separated by two spaces, no trailing padding on the last column.

#include <string>
#include <vector>

namespace fake_sdcadm {

std::string format_table(const std::vector<std::string>& headers,
                         const std::vector<std::vector<std::string>>& rows);

}  // namespace fake_sdcadm
