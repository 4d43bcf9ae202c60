#pragma once
// Durations and timestamps as users type them and as providers send them.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "hookctl/util/result.hpp"

namespace hookctl::util {

// Parses `text` as a duration: `250ms`, `10s`, `2m`, `1h`, or a bare number of seconds
// (fractions allowed, `1.5s`); negative values are refused.
Result<std::chrono::milliseconds> parse_duration(std::string_view text);

// Formats `d` the way `parse_duration` reads it back (`300s`, `250ms`, `5m`).
std::string format_duration(std::chrono::milliseconds d);

// Parses an RFC 3339 timestamp (`2026-11-28T11:20:37.123456789Z` or with a `+hh:mm` offset) to
// whole unix seconds; fractions are dropped.
Result<int64_t> parse_rfc3339(std::string_view text);

// Formats unix seconds `unix` as RFC 3339 UTC with `fraction_digits` zero digits after the point
// (0 for none), as Twitch sends `2026-11-28T11:20:37.000000000Z`.
std::string format_rfc3339(int64_t unix, int fraction_digits = 0);

// Parses `text` as unix seconds (an integer) or an RFC 3339 timestamp.
Result<int64_t> parse_unix_or_rfc3339(std::string_view text);

// A proleptic Gregorian calendar date.
struct Civil {
  int64_t year;
  unsigned month; // 1-12
  unsigned day;   // 1-31
};

// Days since 1970-01-01 of the date `y`-`m`-`d` (Howard Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

// The date `days` days after 1970-01-01 (Howard Hinnant's civil_from_days).
Civil civil_from_days(int64_t days);

} // namespace hookctl::util
