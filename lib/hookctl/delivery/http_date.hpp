#pragma once
// HTTP-date (RFC 9110 section 5.6.7) as servers send it in `Retry-After`: the preferred IMF-fixdate
// and the two obsolete forms recipients must still accept.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hookctl::delivery {

// Parses `text` as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), an RFC 850 date
// (`Sunday, 06-Nov-94 08:49:37 GMT`) or an asctime date (`Sun Nov  6 08:49:37 1994`) to unix
// seconds; `now_unix` places an RFC 850 two-digit year; nullopt when `text` is none of these.
std::optional<int64_t> parse_http_date(std::string_view text, int64_t now_unix);

// Formats unix seconds `unix` as an IMF-fixdate, for years 0 to 9999 (others are clamped).
std::string format_http_date(int64_t unix);

} // namespace hookctl::delivery
