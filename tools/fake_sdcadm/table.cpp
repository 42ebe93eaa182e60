#include <tools/fake_sdcadm/table.hpp>

#include <algorithm>
#include <cctype>
#include <iterator>

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

std::string human_duration_ms(long long ms) {
  struct Unit {
    const char* name;
    long long size;
    const char* next;
  };
  static const Unit k_units[] = {{"ms", 1000, "s"}, {"s", 60, "m"}, {"m", 60, "h"}, {"h", 24, "d"}, {"d", 7, "w"}};
  if (ms == 0) return "0ms";
  std::vector<std::string> bits;  // most significant first
  long long n = ms;
  for (std::size_t i = 0; i < std::size(k_units); ++i) {
    const long long rest = n % k_units[i].size;
    bits.insert(bits.begin(), rest == 0 ? std::string() : std::to_string(rest) + k_units[i].name);
    n /= k_units[i].size;
    if (n == 0) break;
    if (i + 1 == std::size(k_units)) {
      bits.insert(bits.begin(), std::to_string(n) + k_units[i].next);
      break;
    }
  }
  const std::string& last = bits.back();
  if (bits.size() > 1 && last.size() >= 2 && last.compare(last.size() - 2, 2, "ms") == 0) bits.pop_back();
  return bits.size() > 1 ? bits[0] + bits[1] : bits[0];
}

}  // namespace fake_sdcadm
