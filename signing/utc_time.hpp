#pragma once
// RFC 3339 UTC timestamps with seconds precision ("2027-11-25T00:00:00Z"), the only form
// the trust root and the bundle index use for expiry, to and from seconds since the epoch.
// Computed with civil-date arithmetic, not timegm(), which POSIX does not have.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace signing {

// Seconds since the epoch, or nullopt when `text` is not exactly YYYY-MM-DDTHH:MM:SSZ
// with a valid date and time.
std::optional<std::int64_t> parse_utc(std::string_view text);

// The same form for seconds since the epoch (years 1970..9999).
std::string format_utc(std::int64_t epoch);

// The current time in seconds since the epoch.
std::int64_t now_utc();

}  // namespace signing
