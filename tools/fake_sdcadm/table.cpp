#include <tools/fake_sdcadm/table.hpp>

#include <algorithm>
#include <cctype>

namespace fake_sdcadm {

std::string format_table(const std::vector<std::string>& headers,
                         const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width(headers.size());
  for (std::size_t c = 0; c < headers.size(); ++c) width[c] = headers[c].size();
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < headers.size() && c < row.size(); ++c) {
      width[c] = std::max(width[c], row[c].size());
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t c = 0; c < headers.size(); ++c) {
      const std::string cell = c < cells.size() ? cells[c] : "";
      out += cell;
      if (c + 1 < headers.size()) out += std::string(width[c] - cell.size() + 2, ' ');
    }
    return out + "\n";
  };
  std::vector<std::string> upper = headers;
  for (std::string& h : upper) {
    std::transform(h.begin(), h.end(), h.begin(), [](unsigned char ch) { return std::toupper(ch); });
  }
  std::string text = line(upper);
  for (const auto& row : rows) text += line(row);
  return text;
}

}  // namespace fake_sdcadm
