#pragma once
// Plain-text tables the way sdcadm's tabula prints them: upper-case headers, columns
// left-aligned and separated by two spaces, no trailing padding on the last column; and
// sdcadm's human-readable durations.

#include <string>
#include <vector>

namespace fake_sdcadm {

std::string format_table(const std::vector<std::string>& headers,
                         const std::vector<std::vector<std::string>>& rows);

// sdcadm's common.humanDurationFromMs (lib/common.js:1267-1301): the two largest non-zero
// units of w/d/h/m/s/ms, milliseconds dropped when larger units are shown ("0ms", "450ms",
// "1s", "1m1s", "2h3m").
std::string human_duration_ms(long long ms);

}  // namespace fake_sdcadm
