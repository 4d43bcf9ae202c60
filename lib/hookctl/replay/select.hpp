#pragma once
// Which captured events `hookctl replay` takes: every filter of the selection flags as one predicate
// over a capture record. --last and --limit count events, so the reader applies them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hookctl/capture/record.hpp"
#include "hookctl/util/result.hpp"

namespace hookctl::replay {

// The filters; an empty one lets everything through, and an event must pass all of them.
struct Selection {
  std::vector<std::string> ids;      // --id: the record id or the provider's delivery id
  std::string path_glob;             // --path: `*` any characters (including '/'), `?` one
  std::vector<std::string> methods;  // --method, compared without case
  std::optional<int64_t> since_us;   // --since: received at or after (unix microseconds)
  std::optional<int64_t> until_us;   // --until: received before
  std::string provider;              // --provider: the provider the record names or its headers show
  bool unsigned_too = false;         // with `provider`: unsigned events pass as well (--resign signs them)
  std::string verdict;               // --verdict: valid, invalid, unsigned or unverified
  std::vector<std::string> statuses; // --status: "5xx", "503", ...: what was answered at capture time
  std::vector<std::pair<std::string, std::string>> where; // --where body.PATH=VALUE

  // Whether `record` passes every filter.
  bool matches(const capture::Record& record) const;
};

// Whether `text` matches the glob `pattern` (`*` any run of characters, `?` one character).
bool glob_match(std::string_view pattern, std::string_view text);

// The verdict a record was given: "valid", "invalid", "unverified" (no key) or "unsigned".
std::string_view record_verdict(const capture::Record& record);

// The provider of a record: the one its verification names, else the one its headers show, or "".
std::string record_provider(const capture::Record& record);

// Parses a --where condition `body.data.object.status=paid` (numeric segments index arrays);
// Errc::usage when it has no '=' or does not start with "body.".
Result<std::pair<std::string, std::string>> parse_where(std::string_view text);

// Parses a --status filter: "5xx", "2xx" or a status "503"; Errc::usage otherwise.
Result<std::string> parse_status_filter(std::string_view text);

// Whether `status` matches a filter from parse_status_filter.
bool status_matches(std::string_view filter, int status);

// Microseconds since the epoch of an RFC 3339 time (fractions kept), or Errc::input.
Result<int64_t> parse_time_us(std::string_view text);

} // namespace hookctl::replay
